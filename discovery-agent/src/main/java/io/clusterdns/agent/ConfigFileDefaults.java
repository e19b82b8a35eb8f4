package io.clusterdns.agent;

import io.clusterdns.agent.kubeproxy.KubeProxyConfigFile;
import io.clusterdns.agent.kubeproxy.KubeProxySettings;
import io.clusterdns.agent.model.Cidr;
import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.config.Durations;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.source.ClusterSourceOptions;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.ParseResult;

/**
 * {@code --config FILE}: kube-proxy's {@code KubeProxyConfiguration} as the defaults of the
 * command line. A flag given on the command line wins over the file; a flag not given takes the
 * file's value, when the file sets one; otherwise the flag's own default holds.
 *
 * <p>kube-proxy itself (1.31–1.35) lets only {@code --hostname-override} and the logging flags win
 * over the file and ignores the others without a word; here every flag wins, so that nothing on
 * the command line is ever dropped (and {@code --hostname-override=$(NODE_NAME)}, what kubeadm's
 * DaemonSet passes, behaves exactly as with kube-proxy).
 */
final class ConfigFileDefaults {
    private ConfigFileDefaults() {
    }

    /** Reads {@code main.configFile} and fills in the flags of {@code main} that {@code given} did not match. */
    static void apply(DiscoveryAgentMain main, ParseResult given) {
        KubeProxySettings file = KubeProxyConfigFile.read(
                ClusterSourceOptions.existing("--config", main.configFile, "file"), main.configFile);
        Defaults d = new Defaults(given);
        d.set("--node-name", file.hostnameOverride(), v -> main.nodeName = v);
        d.set("--node-ip", file.nodeIP(), v -> main.nodeIPs = new ArrayList<>(List.of(IpAddresses.format(v))));
        d.set("--cluster-cidr", file.clusterCidrs(), v -> main.clusterCidrs = strings(v));
        d.set("--nodeport-addresses", file.nodePortAddresses(), v -> main.nodePortAddresses = v.primary()
                ? new ArrayList<>(List.of("primary")) : strings(v.cidrs()));
        d.set("--masquerade-all", file.masqueradeAll() ? Boolean.TRUE : null, v -> main.masqueradeAll = v);
        d.set("--masquerade-bit", file.masqueradeBit(), v -> main.masqueradeBit = v);
        d.set("--sync-period", file.syncPeriod(), v -> main.syncPeriod = Durations.format(v));
        d.set("--min-sync-period", file.minSyncPeriod(), v -> main.minSyncPeriod = Durations.format(v));
        d.set("--healthz-bind-address", file.healthzBind(), v -> main.healthzBind = v.toString());
        d.set("--metrics-bind-address", file.metricsBind(), v -> main.metricsBind = v.toString());
        // clientConnection.kubeconfig: the API connection, unless --kubeconfig or --manifests say otherwise
        // (--cleanup reads no cluster and needs none)
        ClusterSourceOptions sources = main.sourceOptions;
        if (file.kubeconfig() != null && !main.cleanup && !sources.kubeconfigGiven() && !sources.manifestsGiven()) {
            if (!Files.exists(file.kubeconfig())) {
                throw new ConfigException(file.kubeconfigWhere(), "no such file: " + file.kubeconfig());
            }
            main.sourceOptions = sources.withDefaultKubeconfig(file.kubeconfig().toString());
        }
    }

    private static List<String> strings(List<Cidr> cidrs) {
        return new ArrayList<>(cidrs.stream().map(Cidr::toString).toList());
    }

    /** Sets a flag's field from the file when the command line did not give the flag. */
    private record Defaults(ParseResult given) {
        <T> void set(String flag, T fileValue, Consumer<T> field) {
            if (fileValue != null && !given.hasMatchedOption(flag)) {
                field.accept(fileValue);
            }
        }
    }
}
