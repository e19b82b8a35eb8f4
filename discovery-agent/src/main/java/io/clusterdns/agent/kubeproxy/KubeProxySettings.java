package io.clusterdns.agent.kubeproxy;

import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.NodePortAddresses;
import io.clusterdns.k8s.config.ListenAddress;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a {@code KubeProxyConfiguration} file asks of the agent, in the agent's terms. Null means
 * the file leaves the setting at its zero value, which kube-proxy (and so the agent) reads as
 * "the default". Fields the agent cannot honour are not here: the reader refuses them.
 *
 * @param hostnameOverride  {@code hostnameOverride}: this node's name
 * @param nodeIP            {@code bindAddress} when it is a specific address: the node's primary IP
 * @param healthzBind       {@code healthzBindAddress}
 * @param metricsBind       {@code metricsBindAddress}
 * @param clusterCidrs      {@code clusterCIDR} (with {@code detectLocalMode} ClusterCIDR or unset)
 * @param nodePortAddresses {@code nodePortAddresses}
 * @param masqueradeAll     {@code nftables.masqueradeAll} (false is the zero value)
 * @param masqueradeBit     {@code nftables.masqueradeBit}
 * @param syncPeriod        {@code nftables.syncPeriod}
 * @param minSyncPeriod     {@code nftables.minSyncPeriod}
 * @param kubeconfig        {@code clientConnection.kubeconfig}
 * @param kubeconfigWhere   where that field is ({@code FILE:LINE: clientConnection.kubeconfig}), for messages
 */
public record KubeProxySettings(
        String hostnameOverride,
        InetAddress nodeIP,
        ListenAddress healthzBind,
        ListenAddress metricsBind,
        List<Cidr> clusterCidrs,
        NodePortAddresses nodePortAddresses,
        boolean masqueradeAll,
        Integer masqueradeBit,
        Duration syncPeriod,
        Duration minSyncPeriod,
        Path kubeconfig,
        String kubeconfigWhere) {

    public KubeProxySettings {
        clusterCidrs = clusterCidrs == null ? null : List.copyOf(clusterCidrs);
    }
}
