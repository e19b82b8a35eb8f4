package io.clusterdns.server.plugin.multicluster;

import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.resolver.ClusterSetConfig;
import io.clusterdns.resolver.ResolverConfig;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.PluginConfig;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.corefile.Token;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import io.clusterdns.server.plugin.kubernetes.KubernetesSetup;
import io.clusterdns.server.plugin.kubernetes.SourceConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * Reads {@code multicluster [ZONES...] { ... }} with every option CoreDNS's multicluster plugin
 * has, plus {@code ttl} (as the kubernetes plugin's):
 *
 * <pre>
 * kubeconfig FILE [CONTEXT]  follow the cluster of this kubeconfig (else the block's kubernetes plugin's source,
 *                            else the pod's service account)
 * noendpoints                watch no imported EndpointSlices: headless imports and endpoint names do not exist
 * fallthrough [ZONES...]     names that do not exist go on to the next plugin
 * ttl SECONDS                0..3600, default 5
 * </pre>
 */
public final class MulticlusterSetup {
    private MulticlusterSetup() {
    }

    /**
     * @param blockZones the server block's zones: the plugin's zones when the line names none
     * @param base       where a relative kubeconfig path is resolved: the Corefile's folder
     */
    public static MulticlusterConfig parse(Directive d, List<Name> blockZones, Path base) {
        Setup s = new Setup(MulticlusterConfig.NAME);
        List<Name> zones = d.args().isEmpty() ? blockZones : s.zones(d.args(), null);
        for (int i = 0; i < zones.size(); i++) {
            if (ResolverConfig.isReverse(zones.get(i))) {
                Token at = d.args().isEmpty() ? d.name() : d.args().get(i);
                throw s.error(at, null, "zone " + zones.get(i) + " is a reverse zone: the clusterset zone has no PTR records"
                        + " (the kubernetes plugin answers reverse lookups of cluster addresses)");
            }
        }
        Path kubeconfig = null;
        String context = null;
        boolean noEndpoints = false;
        long ttl = ResolverConfig.DEFAULT_TTL;
        Fallthrough fallthrough = Fallthrough.NONE;
        for (Directive o : d.children()) {
            String option = o.name().text();
            switch (option) {
                case "kubeconfig" -> {
                    s.args(o, 1, 2);
                    kubeconfig = KubernetesSetup.existing(s, o.args().get(0), option, base);
                    context = o.args().size() == 2 ? o.args().get(1).text() : null;
                }
                case "noendpoints" -> {
                    s.args(o, 0, 0);
                    noEndpoints = true;
                }
                case "fallthrough" -> fallthrough = o.args().isEmpty() ? Fallthrough.ALL : new Fallthrough(s.zones(o.args(), option));
                case "ttl" -> {
                    s.args(o, 1, 1);
                    ttl = s.integer(o.args().get(0), option, 0, ResolverConfig.MAX_TTL);
                }
                default -> throw s.unknownOption(o);
            }
        }
        MulticlusterConfig config = new MulticlusterConfig(new ClusterSetConfig(List.copyOf(new LinkedHashSet<>(zones)), ttl, noEndpoints),
                fallthrough, null, d.name().where());
        if (kubeconfig == null) {
            return config;
        }
        return config.following(new KubernetesConfig.Backend(own(new ClusterSourceSpec.Api(new ClusterConnection(null, kubeconfig, context)), config)));
    }

    /**
     * Gives the block's multicluster plugin its source: without a kubeconfig of its own it follows
     * the block's kubernetes plugin's (which then also watches what the clusterset zone needs, so
     * one set of informers serves both zones), else the pod's service account, as CoreDNS's
     * in-cluster default. Returns the block's plugins, in the same order.
     */
    public static List<PluginConfig> link(List<PluginConfig> block) {
        MulticlusterConfig m = null;
        KubernetesConfig k = null;
        for (PluginConfig c : block) {
            if (c instanceof MulticlusterConfig found) {
                m = found;
            } else if (c instanceof KubernetesConfig found && k == null) {
                k = found;
            }
        }
        if (m == null || m.source() != null) {
            return block;
        }
        List<PluginConfig> out = new ArrayList<>(block);
        if (k == null) {
            out.set(out.indexOf(m), m.following(new KubernetesConfig.Backend(own(new ClusterSourceSpec.Api(ClusterConnection.inCluster()), m))));
            return out;
        }
        KubernetesConfig shared = k.withSource(k.source().withClusterSet(m.watch()));
        out.set(out.indexOf(k), shared);
        out.set(out.indexOf(m), m.following(shared.backend()));
        return out;
    }

    /** A source of the multicluster plugin alone: no kubernetes plugin reads the cluster's own slices from it. */
    private static SourceConfig own(ClusterSourceSpec spec, MulticlusterConfig m) {
        return new SourceConfig(spec, null, null, true, m.watch());
    }
}
