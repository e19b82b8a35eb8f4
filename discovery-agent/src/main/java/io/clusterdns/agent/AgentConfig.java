package io.clusterdns.agent;

import io.clusterdns.agent.lb.LoadBalancingConfig;
import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.NodeNetwork;
import io.clusterdns.agent.model.NodePortAddresses;
import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.config.Durations;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The discovery agent's validated configuration (one place for every default). Built by
 * {@link DiscoveryAgentMain} from the command line; nothing deeper reads flags or the environment.
 *
 * @param source            manifests or the API server; null only for {@link Mode#CLEANUP}, which reads nothing
 * @param nodeName          this node's name: endpoints with this nodeName are local
 * @param nodeIPs           this node's primary addresses, at most one per family; also decide the
 *                          families programmed (none given: both)
 * @param clusterCidrs      pod ranges; traffic from outside them is masqueraded towards ClusterIPs
 * @param nodePortAddresses which local addresses accept NodePorts
 * @param serviceCidrs      service ranges where unallocated addresses are dropped; null = the
 *                          manifest source's ranges with {@code --manifests}, none with an API server
 * @param masqueradeAll     masquerade all ClusterIP traffic
 * @param masqueradeBit     the mark bit (0..31) asking for masquerade
 * @param endpointChainThreshold services with more endpoints use per-endpoint chains and a numgen
 *                          verdict map (kube-proxy's layout); smaller ones pick inline (see
 *                          {@link io.clusterdns.agent.model.NodeContext#endpointChainThreshold})
 * @param syncPeriod        the longest time between two syncs (also the retry time after a failure)
 * @param minSyncPeriod     the shortest time between two syncs: changes arriving faster are batched
 * @param healthzBind       where /healthz listens (null: off)
 * @param metricsBind       where /metrics listens (null: off)
 * @param startupTimeout    how long {@code --dry-run} waits for the first complete view of the cluster
 * @param mode              run, print the rules (dry run), or remove them (cleanup)
 * @param loadBalancing     {@code --load-balancing} (services without the annotation) and {@code --maglev-table-size}
 */
public record AgentConfig(
        ClusterSourceSpec source,
        String nodeName,
        List<InetAddress> nodeIPs,
        List<Cidr> clusterCidrs,
        NodePortAddresses nodePortAddresses,
        List<Cidr> serviceCidrs,
        boolean masqueradeAll,
        int masqueradeBit,
        int endpointChainThreshold,
        Duration syncPeriod,
        Duration minSyncPeriod,
        ListenAddress healthzBind,
        ListenAddress metricsBind,
        Duration startupTimeout,
        Mode mode,
        LoadBalancingConfig loadBalancing) {

    public enum Mode { RUN, DRY_RUN, CLEANUP }

    public static final Duration DEFAULT_SYNC_PERIOD = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MIN_SYNC_PERIOD = Duration.ofSeconds(1);
    public static final int DEFAULT_MASQUERADE_BIT = 14;
    public static final int DEFAULT_ENDPOINT_CHAIN_THRESHOLD = io.clusterdns.agent.model.NodeContext.DEFAULT_ENDPOINT_CHAIN_THRESHOLD;
    public static final String DEFAULT_HEALTHZ_BIND = "0.0.0.0:10256";
    public static final String DEFAULT_METRICS_BIND = "127.0.0.1:10249";
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration MAX_STARTUP_TIMEOUT = Duration.ofHours(1);
    /** The ranges {@code k8s}' manifest source allocates cluster IPs from. */
    public static final List<Cidr> MANIFEST_SERVICE_CIDRS = List.of(Cidr.parse("10.96.0.0/12"), Cidr.parse("fd00:10:96::/112"));

    public AgentConfig {
        nodeIPs = nodeIPs == null ? List.of() : List.copyOf(nodeIPs);
        clusterCidrs = clusterCidrs == null ? List.of() : List.copyOf(clusterCidrs);
        nodePortAddresses = nodePortAddresses == null ? NodePortAddresses.ALL : nodePortAddresses;
        serviceCidrs = serviceCidrs == null ? null : List.copyOf(serviceCidrs);
        syncPeriod = syncPeriod == null ? DEFAULT_SYNC_PERIOD : syncPeriod;
        minSyncPeriod = minSyncPeriod == null ? DEFAULT_MIN_SYNC_PERIOD : minSyncPeriod;
        mode = mode == null ? Mode.RUN : mode;
        startupTimeout = startupTimeout == null ? DEFAULT_STARTUP_TIMEOUT : startupTimeout;
        loadBalancing = loadBalancing == null ? LoadBalancingConfig.DEFAULT : loadBalancing;
        if (source == null && mode != Mode.CLEANUP) {
            throw new ConfigException("--manifests or --kubeconfig", "required: where Services and EndpointSlices come from");
        }
        validate(nodeName, nodeIPs, nodePortAddresses, masqueradeBit, syncPeriod, minSyncPeriod, mode);
        if (endpointChainThreshold < 0) {
            throw new ConfigException("--endpoint-chain-threshold", "must be >= 0, got " + endpointChainThreshold);
        }
        Durations.inRange("--startup-timeout", Durations.format(startupTimeout), startupTimeout, Duration.ZERO, MAX_STARTUP_TIMEOUT);
    }

    /** A configuration with the default load balancing (random). */
    public AgentConfig(ClusterSourceSpec source, String nodeName, List<InetAddress> nodeIPs, List<Cidr> clusterCidrs,
                       NodePortAddresses nodePortAddresses, List<Cidr> serviceCidrs, boolean masqueradeAll, int masqueradeBit,
                       int endpointChainThreshold, Duration syncPeriod, Duration minSyncPeriod, ListenAddress healthzBind,
                       ListenAddress metricsBind, Duration startupTimeout, Mode mode) {
        this(source, nodeName, nodeIPs, clusterCidrs, nodePortAddresses, serviceCidrs, masqueradeAll, masqueradeBit,
                endpointChainThreshold, syncPeriod, minSyncPeriod, healthzBind, metricsBind, startupTimeout, mode, null);
    }

    private static void validate(String nodeName, List<InetAddress> nodeIPs, NodePortAddresses npa, int masqueradeBit,
                                 Duration syncPeriod, Duration minSyncPeriod, Mode mode) {
        if (mode != Mode.CLEANUP && (nodeName == null || nodeName.isBlank() || nodeName.chars().anyMatch(Character::isWhitespace))) {
            throw new ConfigException("--node-name", "must be this node's name, got \"" + nodeName + "\"");
        }
        Set<IpFamily> seen = EnumSet.noneOf(IpFamily.class);
        for (InetAddress ip : nodeIPs) {
            if (ip.isLoopbackAddress() || ip.isAnyLocalAddress()) {
                throw new ConfigException("--node-ip", "must be a routable address of this node, got " + ip.getHostAddress());
            }
            if (!seen.add(IpFamily.of(ip))) {
                throw new ConfigException("--node-ip", "at most one address per IP family");
            }
        }
        if (npa.primary() && nodeIPs.isEmpty()) {
            throw new ConfigException("--nodeport-addresses", "primary needs --node-ip");
        }
        if (masqueradeBit < 0 || masqueradeBit > 31) {
            throw new ConfigException("--masquerade-bit", "must be 0..31, got " + masqueradeBit);
        }
        if (syncPeriod.isNegative() || syncPeriod.isZero()) {
            throw new ConfigException("--sync-period", "must be > 0, got " + Durations.format(syncPeriod));
        }
        if (minSyncPeriod.isNegative() || minSyncPeriod.compareTo(syncPeriod) > 0) {
            throw new ConfigException("--min-sync-period", "must be between 0 and --sync-period (" + Durations.format(syncPeriod)
                    + "), got " + Durations.format(minSyncPeriod));
        }
    }

    /** A configuration with every default, for {@code nodeName} reading {@code manifests}. */
    public static AgentConfig manifests(String nodeName, Path... manifests) {
        return new AgentConfig(new ClusterSourceSpec.Manifests(List.of(manifests)), nodeName, List.of(), List.of(),
                NodePortAddresses.ALL, null, false, DEFAULT_MASQUERADE_BIT, DEFAULT_ENDPOINT_CHAIN_THRESHOLD, DEFAULT_SYNC_PERIOD,
                DEFAULT_MIN_SYNC_PERIOD, ListenAddress.of(DEFAULT_HEALTHZ_BIND), ListenAddress.of(DEFAULT_METRICS_BIND),
                DEFAULT_STARTUP_TIMEOUT, Mode.RUN);
    }

    public boolean usesManifests() {
        return source instanceof ClusterSourceSpec.Manifests;
    }

    /** The families to program: those of the node IPs, or both when none were given. */
    public List<IpFamily> families() {
        if (nodeIPs.isEmpty()) {
            return List.of(IpFamily.IPV4, IpFamily.IPV6);
        }
        List<IpFamily> out = new ArrayList<>();
        for (IpFamily f : IpFamily.values()) {
            if (nodeIPs.stream().anyMatch(ip -> IpFamily.of(ip) == f)) {
                out.add(f);
            }
        }
        return out;
    }

    /** Service ranges in effect (see {@link #serviceCidrs}). */
    public List<Cidr> effectiveServiceCidrs() {
        if (serviceCidrs != null) {
            return serviceCidrs;
        }
        return usesManifests() ? MANIFEST_SERVICE_CIDRS : List.of();
    }

    public int masqueradeMark() {
        return 1 << masqueradeBit;
    }

    /** What the rules depend on about this node's network (the sync code gets this, not the whole configuration). */
    public NodeNetwork nodeNetwork() {
        return new NodeNetwork(nodeIPs, clusterCidrs, nodePortAddresses, effectiveServiceCidrs(), masqueradeAll,
                masqueradeMark(), endpointChainThreshold, loadBalancing);
    }

    public AgentConfig withMode(Mode newMode) {
        return new AgentConfig(source, nodeName, nodeIPs, clusterCidrs, nodePortAddresses,
                serviceCidrs, masqueradeAll, masqueradeBit, endpointChainThreshold, syncPeriod, minSyncPeriod, healthzBind, metricsBind, startupTimeout, newMode, loadBalancing);
    }

    public AgentConfig withPeriods(Duration sync, Duration minSync) {
        return new AgentConfig(source, nodeName, nodeIPs, clusterCidrs, nodePortAddresses,
                serviceCidrs, masqueradeAll, masqueradeBit, endpointChainThreshold, sync, minSync, healthzBind, metricsBind, startupTimeout, mode, loadBalancing);
    }

    public AgentConfig withHttp(ListenAddress healthz, ListenAddress metrics) {
        return new AgentConfig(source, nodeName, nodeIPs, clusterCidrs, nodePortAddresses,
                serviceCidrs, masqueradeAll, masqueradeBit, endpointChainThreshold, syncPeriod, minSyncPeriod, healthz, metrics, startupTimeout, mode, loadBalancing);
    }

    public AgentConfig withNetwork(List<InetAddress> ips, List<Cidr> cluster, NodePortAddresses npa) {
        return new AgentConfig(source, nodeName, ips, cluster, npa,
                serviceCidrs, masqueradeAll, masqueradeBit, endpointChainThreshold, syncPeriod, minSyncPeriod, healthzBind, metricsBind, startupTimeout, mode, loadBalancing);
    }

    public AgentConfig withEndpointChainThreshold(int threshold) {
        return new AgentConfig(source, nodeName, nodeIPs, clusterCidrs, nodePortAddresses,
                serviceCidrs, masqueradeAll, masqueradeBit, threshold, syncPeriod, minSyncPeriod, healthzBind, metricsBind, startupTimeout, mode, loadBalancing);
    }

    public AgentConfig withLoadBalancing(LoadBalancingConfig lb) {
        return new AgentConfig(source, nodeName, nodeIPs, clusterCidrs, nodePortAddresses,
                serviceCidrs, masqueradeAll, masqueradeBit, endpointChainThreshold, syncPeriod, minSyncPeriod, healthzBind, metricsBind, startupTimeout, mode, lb);
    }

    @Override
    public String toString() {
        return "node " + nodeName + ", node IPs " + nodeIPs.stream().map(InetAddress::getHostAddress).toList()
                + ", cluster CIDRs " + clusterCidrs + ", service CIDRs " + effectiveServiceCidrs()
                + ", NodePorts on " + nodePortAddresses + (masqueradeAll ? ", masquerade all" : "")
                + ", sync period " + syncPeriod.toMillis() + " ms (min " + minSyncPeriod.toMillis() + " ms)"
                + ", load balancing " + loadBalancing.nodeDefault()
                + (loadBalancing.nodeDefault().lookupTable() ? " (table size " + loadBalancing.maglevTableSize() + ")" : "");
    }
}
