package io.clusterdns.server.plan;

import java.util.List;
import java.util.Set;

/**
 * The fixed order of a server block's chain, whatever the order in the Corefile: CoreDNS's
 * {@code plugin.cfg} (1.12, the version kubeadm ships, with the external {@code multicluster}
 * plugin after {@code kubernetes} and the external {@code rrl} plugin before {@code acl}, where
 * their build instructions put them: rrl early, so that limited traffic costs nothing). A Corefile naming a
 * CoreDNS plugin clusterdns does not have fails to load, naming it: a drop-in that silently
 * ignored {@code dnssec} would answer differently.
 */
public final class PluginOrder {
    /** Every CoreDNS plugin name, in chain order. */
    private static final List<String> COREDNS = List.of(
            "root", "metadata", "geoip", "cancel", "tls", "timeouts", "multisocket", "reload", "nsid", "bufsize", "bind",
            "debug", "trace", "ready", "health", "pprof", "prometheus", "errors", "log", "dnstap", "local", "dns64", "rrl", "acl",
            "any", "chaos", "loadbalance", "tsig", "cache", "rewrite", "header", "dnssec", "autopath", "minimal", "template",
            "transfer", "hosts", "route53", "azure", "clouddns", "k8s_external", "kubernetes", "multicluster", "file", "auto",
            "secondary", "etcd", "loop", "forward", "grpc", "erratic", "whoami", "on", "sign", "view", "proxyproto", "quic",
            "grpc_server", "https", "https3", "shed", "nomad");

    /** The plugins clusterdns has (one per line, in chain order). */
    private static final Set<String> BUILT = Set.of(
            "timeouts",
            "reload",
            "bind",
            "ready",
            "health",
            "prometheus",
            "errors",
            "log",
            "rrl",
            "acl",
            "loadbalance",
            "cache",
            "rewrite",
            "k8s_external",
            "local",
            "any",
            "chaos",
            "minimal",
            "hosts",
            "template",
            "autopath",
            "kubernetes",
            "multicluster",
            "loop",
            "forward");

    /** Chain order of the plugins clusterdns has. */
    public static final List<String> ORDER = COREDNS.stream().filter(BUILT::contains).toList();

    /** Plugins that may appear more than once in a block (each instance chained in written order, or merged into one link). */
    static final Set<String> REPEATABLE = Set.of("forward", "log", "bind", "rewrite", "acl", "template");

    private PluginOrder() {
    }

    /** The position of {@code name} in the chain; -1 when clusterdns does not have it. */
    public static int position(String name) {
        return ORDER.indexOf(name);
    }

    /** True for a CoreDNS plugin clusterdns does not have (yet). */
    static boolean corednsOnly(String name) {
        return COREDNS.contains(name) && !BUILT.contains(name);
    }
}
