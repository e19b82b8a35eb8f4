package io.clusterdns.agent.model;

import io.clusterdns.agent.lb.LoadBalancingConfig;
import io.clusterdns.k8s.model.IpFamily;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * What the rules of one IP family depend on besides the services: this node and the agent's flags.
 *
 * @param nodeIP        the node's address in this family, or null (only used to let the node
 *                      through a load balancer firewall that allows it)
 * @param clusterCidrs  pod ranges of this family; traffic from outside them is "off-cluster"
 *                      (masqueraded towards ClusterIPs, not short-circuited for Local policy).
 *                      Empty: no such distinction is made, as kube-proxy without a local detector
 * @param nodePortIPs   addresses accepting NodePort traffic, or null for every local address
 *                      except loopback
 * @param serviceCidrs  service ranges of this family: traffic to an unallocated address in them is dropped
 * @param masqueradeAll masquerade all ClusterIP traffic, not only off-cluster traffic
 * @param masqueradeMark the packet mark bit that asks the postrouting chain to masquerade
 * @param endpointChainThreshold a service chain with more endpoints than this picks one through a
 *                      {@code numgen} verdict map and per-endpoint chains (O(1), kube-proxy's
 *                      layout); with at most this many it picks inline with one rule per endpoint,
 *                      which keeps the chain count (and so the cost of every nft run) low. 0 =
 *                      always per-endpoint chains
 * @param zone          this node's {@code topology.kubernetes.io/zone} label, or null when its Node
 *                      has none (or is not known yet): zone hints then never match, so services
 *                      use all their endpoints, as kube-proxy does
 * @param loadBalancing the node's load balancing mode and Maglev table size (per-endpoint chains
 *                      are always used for round-robin and Maglev: {@code endpointChainThreshold}
 *                      only decides for random picks)
 */
public record NodeContext(
        IpFamily family,
        InetAddress nodeIP,
        List<Cidr> clusterCidrs,
        List<InetAddress> nodePortIPs,
        List<Cidr> serviceCidrs,
        boolean masqueradeAll,
        int masqueradeMark,
        int endpointChainThreshold,
        String zone,
        LoadBalancingConfig loadBalancing) {

    /** See {@link #endpointChainThreshold}: the default keeps typical services inline. */
    public static final int DEFAULT_ENDPOINT_CHAIN_THRESHOLD = 16;

    /** A context without a known zone. */
    public NodeContext(IpFamily family, InetAddress nodeIP, List<Cidr> clusterCidrs, List<InetAddress> nodePortIPs,
                       List<Cidr> serviceCidrs, boolean masqueradeAll, int masqueradeMark, int endpointChainThreshold) {
        this(family, nodeIP, clusterCidrs, nodePortIPs, serviceCidrs, masqueradeAll, masqueradeMark, endpointChainThreshold, null, null);
    }

    public NodeContext {
        zone = zone == null || zone.isEmpty() ? null : zone;
        loadBalancing = loadBalancing == null ? LoadBalancingConfig.DEFAULT : loadBalancing;
        Objects.requireNonNull(family, "family");
        clusterCidrs = List.copyOf(clusterCidrs);
        nodePortIPs = nodePortIPs == null ? null : List.copyOf(nodePortIPs);
        serviceCidrs = List.copyOf(serviceCidrs);
        if (masqueradeMark == 0 || Integer.bitCount(masqueradeMark) != 1) {
            throw new IllegalArgumentException("masquerade mark must be a single bit, got " + Integer.toHexString(masqueradeMark));
        }
        if (endpointChainThreshold < 0) {
            throw new IllegalArgumentException("endpoint chain threshold must be >= 0, got " + endpointChainThreshold);
        }
    }

    /** NodePorts answer on every local address (no {@code --nodeport-addresses}). */
    public boolean nodePortsOnAllAddresses() {
        return nodePortIPs == null;
    }

    public boolean hasLocalDetector() {
        return !clusterCidrs.isEmpty();
    }

    public NodeContext withNodePortIPs(List<InetAddress> ips) {
        return new NodeContext(family, nodeIP, clusterCidrs, ips, serviceCidrs, masqueradeAll, masqueradeMark, endpointChainThreshold, zone, loadBalancing);
    }

    public NodeContext withEndpointChainThreshold(int threshold) {
        return new NodeContext(family, nodeIP, clusterCidrs, nodePortIPs, serviceCidrs, masqueradeAll, masqueradeMark, threshold, zone, loadBalancing);
    }

    /** This context for a node in {@code zone} (null: none). */
    public NodeContext withZone(String zone) {
        return new NodeContext(family, nodeIP, clusterCidrs, nodePortIPs, serviceCidrs, masqueradeAll, masqueradeMark, endpointChainThreshold, zone, loadBalancing);
    }

    /** This context with these service ranges (the cluster's ServiceCIDRs, when it has any). */
    public NodeContext withServiceCidrs(List<Cidr> cidrs) {
        return new NodeContext(family, nodeIP, clusterCidrs, nodePortIPs, cidrs, masqueradeAll, masqueradeMark, endpointChainThreshold, zone, loadBalancing);
    }

    public NodeContext withLoadBalancing(LoadBalancingConfig lb) {
        return new NodeContext(family, nodeIP, clusterCidrs, nodePortIPs, serviceCidrs, masqueradeAll, masqueradeMark, endpointChainThreshold, zone, lb);
    }
}
