package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.PodInfo;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Gives the generated pods their addresses, as the node's IPAM (host-local with the Node's
 * {@code podCIDR}) would, but deterministically: a pod's address is a hash of namespace/name into
 * its pool, probing upwards past taken addresses, pods visited in sorted order; one address per
 * CIDR of the pool (two for dual-stack).
 *
 * <ul>
 *   <li>pool: the pod's Node's {@code spec.podCIDRs} when the Node lists them, else the cluster's
 *       {@link PodCidrs} without the Nodes' ranges;</li>
 *   <li>never handed out: the network address, the first host address (the node's bridge or
 *       gateway), the IPv4 broadcast address, and every address an explicit Pod has;</li>
 *   <li>a pod that the serving state already has keeps its addresses when they are still in its
 *       pool and free, so that scaling up or adding a workload never moves a running pod (two
 *       pods hashing to the same address, rare, are then settled by who was there first);</li>
 *   <li>host-network pods have their Node's {@code InternalIP}s; Pending pods (no Node fits) none.</li>
 * </ul>
 */
final class PodIpAllocator {
    /** At most this many addresses of one range are considered (an IPv6 /64 has 2^64). */
    private static final long MAX_SPAN = 1L << 32;

    private final List<IpRange> cluster;

    PodIpAllocator(PodCidrs cidrs) {
        this.cluster = cidrs.ranges();
    }

    /**
     * @param networks the listed Nodes' pod CIDRs and addresses, by node name
     * @param serving  the state being served: its pods keep their addresses where they can
     * @return the pods, in the order planned
     */
    List<PodInfo> allocate(List<PodControllers.PlannedPod> planned, List<PodInfo> explicit,
                           Function<String, NodeNetwork> networks, Collection<String> listedNodes, ClusterSnapshot serving) {
        Set<InetAddress> taken = new HashSet<>();
        explicit.forEach(p -> taken.addAll(p.ips()));
        List<IpRange> nodeRanges = new ArrayList<>();
        listedNodes.forEach(n -> nodeRanges.addAll(networks.apply(n).podCidrs()));
        Map<String, PodInfo> before = new HashMap<>();
        serving.pods().forEach(p -> before.put(p.namespace() + "/" + p.name(), p));

        List<PodControllers.PlannedPod> sorted = new ArrayList<>(planned);
        sorted.sort(Comparator.comparing(PodControllers.PlannedPod::key));
        Map<String, List<InetAddress>> ips = new HashMap<>();
        List<PodControllers.PlannedPod> fresh = new ArrayList<>();
        for (PodControllers.PlannedPod p : sorted) {
            if (p.nodeName() == null) {
                ips.put(p.key(), List.of());
            } else if (p.owner().hostNetwork()) {
                ips.put(p.key(), networks.apply(p.nodeName()).internalIps());
            } else {
                List<InetAddress> kept = keep(before.get(p.key()), pool(p, networks), nodeRanges, taken);
                if (kept == null) {
                    fresh.add(p);
                } else {
                    ips.put(p.key(), kept);
                }
            }
        }
        for (PodControllers.PlannedPod p : fresh) {
            List<IpRange> pool = pool(p, networks);
            List<InetAddress> out = new ArrayList<>(pool.size());
            for (IpRange range : pool) {
                out.add(pick(p, range, pool == cluster ? nodeRanges : List.of(), taken));
            }
            ips.put(p.key(), out);
        }
        return planned.stream().map(p -> pod(p, ips.get(p.key()))).toList();
    }

    private List<IpRange> pool(PodControllers.PlannedPod p, Function<String, NodeNetwork> networks) {
        List<IpRange> own = networks.apply(p.nodeName()).podCidrs();
        return own.isEmpty() ? cluster : own;
    }

    /** The pod's serving addresses, claimed, when each is still a usable address of its pool; else null. */
    private List<InetAddress> keep(PodInfo previous, List<IpRange> pool, List<IpRange> nodeRanges, Set<InetAddress> taken) {
        if (previous == null || previous.ips().size() != pool.size()) {
            return null;
        }
        for (int i = 0; i < pool.size(); i++) {
            InetAddress ip = previous.ips().get(i);
            IpRange range = pool.get(i);
            if (!range.contains(ip) || !usable(range, ip) || taken.contains(ip)
                    || (pool == cluster && nodeRanges.stream().anyMatch(r -> r.contains(ip)))) {
                return null;
            }
        }
        taken.addAll(previous.ips());
        return previous.ips();
    }

    private static InetAddress pick(PodControllers.PlannedPod p, IpRange range, List<IpRange> excluded, Set<InetAddress> taken) {
        long first = first(range);
        long span = last(range) - first + 1;
        long start = StableHash.bounded(p.key() + "/" + range.family(), span);
        for (long k = 0; k < span; k++) {
            InetAddress candidate = range.at(first + (start + k) % span);
            if (!taken.contains(candidate) && excluded.stream().noneMatch(r -> r.contains(candidate))) {
                taken.add(candidate);
                return candidate;
            }
        }
        throw p.owner().origin().error(p.owner().kind() == Workload.Kind.DAEMON_SET ? "spec" : "spec.replicas",
                "no free pod IP left in " + range + " for pod " + p.name() + " (node " + p.nodeName() + ")");
    }

    private static long first(IpRange range) {
        return range.size(MAX_SPAN) >= 4 ? 2 : 0;
    }

    private static long last(IpRange range) {
        long size = range.size(MAX_SPAN);
        return size >= 4 && range.family() == IpFamily.IPV4 ? size - 2 : size - 1;
    }

    private static boolean usable(IpRange range, InetAddress ip) {
        long offset = new java.math.BigInteger(1, ip.getAddress())
                .subtract(new java.math.BigInteger(1, range.at(0).getAddress())).min(java.math.BigInteger.valueOf(Long.MAX_VALUE)).longValue();
        return offset >= first(range) && offset <= last(range);
    }

    private static PodInfo pod(PodControllers.PlannedPod p, List<InetAddress> ips) {
        Workload w = p.owner();
        boolean scheduled = p.nodeName() != null;
        return new PodInfo(w.namespace(), p.name(), ips, p.hostname(), p.subdomain(), p.nodeName(), p.labels(),
                scheduled ? "Running" : "Pending", scheduled && p.ready(), false, w.ports(), w.hostNetwork(), null);
    }
}
