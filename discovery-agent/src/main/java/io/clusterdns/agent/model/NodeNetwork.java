package io.clusterdns.agent.model;

import io.clusterdns.agent.lb.LoadBalancingConfig;
import io.clusterdns.k8s.model.IpFamily;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * The node's network settings, both families together, as configured: what the sync code turns
 * into one {@link NodeContext} per family at each sync (adding the node-port addresses found on
 * the interfaces). Built by the validated configuration, so the sync code gets these settings and
 * not the whole command line.
 *
 * @param nodeIPs           this node's primary addresses, at most one per family
 * @param clusterCidrs      pod ranges; traffic from outside them is masqueraded towards ClusterIPs
 * @param nodePortAddresses which local addresses accept NodePorts
 * @param serviceCidrs      service ranges in effect: unallocated addresses in them are dropped
 * @param masqueradeAll     masquerade all ClusterIP traffic
 * @param masqueradeMark    the packet mark bit asking for masquerade
 * @param endpointChainThreshold see {@link NodeContext#endpointChainThreshold}
 * @param loadBalancing     see {@link NodeContext#loadBalancing}
 */
public record NodeNetwork(
        List<InetAddress> nodeIPs,
        List<Cidr> clusterCidrs,
        NodePortAddresses nodePortAddresses,
        List<Cidr> serviceCidrs,
        boolean masqueradeAll,
        int masqueradeMark,
        int endpointChainThreshold,
        LoadBalancingConfig loadBalancing) {

    public NodeNetwork {
        nodeIPs = List.copyOf(nodeIPs);
        clusterCidrs = List.copyOf(clusterCidrs);
        Objects.requireNonNull(nodePortAddresses, "nodePortAddresses");
        serviceCidrs = List.copyOf(serviceCidrs);
        loadBalancing = loadBalancing == null ? LoadBalancingConfig.DEFAULT : loadBalancing;
    }

    /** Settings with the default load balancing (random). */
    public NodeNetwork(List<InetAddress> nodeIPs, List<Cidr> clusterCidrs, NodePortAddresses nodePortAddresses,
                       List<Cidr> serviceCidrs, boolean masqueradeAll, int masqueradeMark, int endpointChainThreshold) {
        this(nodeIPs, clusterCidrs, nodePortAddresses, serviceCidrs, masqueradeAll, masqueradeMark, endpointChainThreshold, null);
    }

    /** This node's address in {@code family}, or null when none was given. */
    public InetAddress nodeIP(IpFamily family) {
        return nodeIPs.stream().filter(ip -> IpFamily.of(ip) == family).findFirst().orElse(null);
    }

    public List<Cidr> clusterCidrs(IpFamily family) {
        return clusterCidrs.stream().filter(c -> c.family() == family).toList();
    }

    public List<Cidr> serviceCidrs(IpFamily family) {
        return serviceCidrs.stream().filter(c -> c.family() == family).toList();
    }
}
