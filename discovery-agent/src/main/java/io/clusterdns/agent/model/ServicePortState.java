package io.clusterdns.agent.model;

import io.clusterdns.agent.lb.LoadBalancing;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.SessionAffinity;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * Everything the rules of one service port in one IP family depend on, and nothing else: two equal
 * states render identical rules, which is what lets a sync skip unchanged services. Addresses are
 * already filtered to {@code family}; endpoints are sorted and de-duplicated.
 *
 * @param sourceRangesSet true when the Service lists loadBalancerSourceRanges at all (in any
 *                        family): then LoadBalancer traffic of this family is firewalled even if
 *                        none of the ranges is of this family (nothing is allowed)
 * @param healthCheckNodePort the node port answering load balancer health checks (0 = none)
 * @param loadBalancing   the Service's own mode (its {@code clusterdns.io/load-balancing}
 *                        annotation), or null for the node's ({@link NodeContext#loadBalancing})
 * @param tableSize       the Service's own lookup table size (its {@code clusterdns.io/maglev-table-size}
 *                        annotation), or 0 for the node's
 */
public record ServicePortState(
        ServicePortName name,
        IpFamily family,
        InetAddress clusterIP,
        int port,
        int nodePort,
        List<InetAddress> externalIPs,
        List<InetAddress> loadBalancerIPs,
        List<Cidr> sourceRanges,
        boolean sourceRangesSet,
        SessionAffinity affinity,
        boolean internalPolicyLocal,
        boolean externalPolicyLocal,
        int healthCheckNodePort,
        List<Endpoint> endpoints,
        LoadBalancing loadBalancing,
        int tableSize) {

    public ServicePortState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(clusterIP, "clusterIP");
        externalIPs = List.copyOf(externalIPs);
        loadBalancerIPs = List.copyOf(loadBalancerIPs);
        sourceRanges = List.copyOf(sourceRanges);
        affinity = affinity == null ? SessionAffinity.NONE : affinity;
        endpoints = List.copyOf(endpoints);
    }

    /** A state with the node's load balancing mode. */
    public ServicePortState(ServicePortName name, IpFamily family, InetAddress clusterIP, int port, int nodePort,
                            List<InetAddress> externalIPs, List<InetAddress> loadBalancerIPs, List<Cidr> sourceRanges,
                            boolean sourceRangesSet, SessionAffinity affinity, boolean internalPolicyLocal,
                            boolean externalPolicyLocal, int healthCheckNodePort, List<Endpoint> endpoints) {
        this(name, family, clusterIP, port, nodePort, externalIPs, loadBalancerIPs, sourceRanges, sourceRangesSet, affinity,
                internalPolicyLocal, externalPolicyLocal, healthCheckNodePort, endpoints, null, 0);
    }

    public Protocol protocol() {
        return name.protocol();
    }

    /** Reachable from outside the cluster: node port, external IPs or load balancer IPs. */
    public boolean externallyAccessible() {
        return nodePort != 0 || !externalIPs.isEmpty() || !loadBalancerIPs.isEmpty();
    }

    /** Cluster-wide endpoints are needed: for ClusterIP traffic, or to short-circuit external traffic from pods and the node. */
    public boolean usesClusterEndpoints() {
        return !internalPolicyLocal || externallyAccessible();
    }

    public boolean usesLocalEndpoints() {
        return internalPolicyLocal || (externalPolicyLocal && externallyAccessible());
    }

    /** Firewalled load balancer traffic: LB IPs and loadBalancerSourceRanges. */
    public boolean usesFirewall() {
        return !loadBalancerIPs.isEmpty() && sourceRangesSet;
    }

    public boolean clientIpAffinity() {
        return affinity.clientIp();
    }
}
