package io.clusterdns.server.plan;

import java.util.List;
import java.util.Set;

/**
 * The fixed order of a server block's chain, whatever the order in the Corefile: CoreDNS's
 * {@code plugin.cfg} (1.12, the version kubeadm ships) restricted to what clusterdns has. A
 * Corefile naming a CoreDNS plugin clusterdns does not have fails to load, naming it: a drop-in
 * that silently ignored {@code hosts} would answer differently.
 */
public final class PluginOrder {
    /** Chain order of the plugins clusterdns has. */
    public static final List<String> ORDER = List.of(
            "reload", "ready", "health", "prometheus", "errors", "log", "loadbalance", "cache", "kubernetes", "loop",
            "forward");

    /** CoreDNS's other plugins: known names, not built into clusterdns (yet). */
    static final Set<String> COREDNS_ONLY = Set.of(
            "root", "metadata", "geoip", "cancel", "tls", "timeouts", "multisocket", "nsid", "bufsize", "debug", "trace", "pprof",
            "dnstap", "local", "dns64", "acl", "any", "chaos", "tsig", "rewrite", "header", "dnssec", "autopath", "minimal", "template",
            "transfer", "hosts", "route53", "azure", "clouddns", "k8s_external", "file", "auto", "secondary", "etcd", "grpc",
            "erratic", "whoami", "on", "sign", "view", "proxyproto", "quic", "grpc_server", "https", "https3", "shed", "nomad",
            "multicluster", "bind");

    /** Plugins that may appear more than once in a block (each instance chained in written order). */
    static final Set<String> REPEATABLE = Set.of("forward", "log");

    private PluginOrder() {
    }

    /** The position of {@code name} in the chain; -1 when clusterdns does not have it. */
    public static int position(String name) {
        return ORDER.indexOf(name);
    }
}
