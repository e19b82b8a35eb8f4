package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Gives every service the cluster IPs its manifest left empty, deterministically: the address is
 * a hash of namespace/name into the service CIDR, probing upwards on a collision, with services
 * visited in sorted order. Adding or removing a service therefore moves no other service (unless
 * two hash to the same address, which is rare in a /12).
 *
 * <p>Rules, as on a kubeadm cluster: IPv4 from {@value #IPV4_CIDR} (never the network or broadcast
 * address), IPv6 from {@value #IPV6_CIDR}; {@code default/kubernetes} gets the first address
 * (10.96.0.1); IPs written in a manifest are kept, and two services writing the same IP is an
 * error on the second. Like the API server's static sub-range (KEP-3070), automatic allocation
 * stays out of the first {@value #STATIC_BAND} addresses, where hand-picked ones such as kube-dns's
 * 10.96.0.10 live, so they never collide with allocated ones.
 */
final class ClusterIpAllocator {
    static final String IPV4_CIDR = "10.96.0.0/12";
    static final String IPV6_CIDR = "fd00:10:96::/112";
    static final ServiceKey KUBERNETES = ServiceKey.of("default", "kubernetes");
    static final long STATIC_BAND = 256;

    private static final IpRange IPV4 = IpRange.parse(IPV4_CIDR);
    private static final IpRange IPV6 = IpRange.parse(IPV6_CIDR);

    /** Returns the services (same order) with their final cluster IPs and families. */
    List<ManifestService> allocate(List<ManifestService> services) {
        return allocate(services, s -> false);
    }

    /** Services whose written cluster IPs are all theirs in {@code serving}. */
    static Predicate<ManifestService> holding(ClusterSnapshot serving) {
        return s -> {
            ServiceInfo before = serving.service(s.info().key());
            return before != null && before.clusterIPs().containsAll(s.info().clusterIPs());
        };
    }

    /** As {@link #allocate(List)}; {@code established} services claim their written values first. */
    List<ManifestService> allocate(List<ManifestService> services, Predicate<ManifestService> established) {
        Map<InetAddress, ManifestService> owners = new HashMap<>();
        for (ManifestService s : AllocationOrder.forClaims(services, established)) {
            reserveWritten(s, owners);
        }
        return AllocationOrder.byKey(services, ClusterIpAllocator::allocates, s -> complete(s, owners));
    }

    private static void reserveWritten(ManifestService s, Map<InetAddress, ManifestService> owners) {
        List<InetAddress> ips = s.info().clusterIPs();
        for (int i = 0; i < ips.size(); i++) {
            ManifestService owner = owners.putIfAbsent(ips.get(i), s);
            if (owner != null) {
                throw s.origin().error(writtenPath(s, i), IpAddresses.format(ips.get(i)) + " is already allocated to "
                        + owner.info().key() + " (" + owner.origin().describe() + ")");
            }
        }
    }

    /** The field the manifest used for cluster IP {@code i}, so the error points at the right line. */
    private static String writtenPath(ManifestService s, int i) {
        String list = "spec.clusterIPs[" + i + "]";
        return i == 0 && !s.origin().wrote(list) ? "spec.clusterIP" : list;
    }

    /** True when {@link #complete} takes a new cluster IP for {@code s}: it has fewer than its families. */
    private static boolean allocates(ManifestService s) {
        ServiceInfo info = s.info();
        return !info.isExternalName() && !info.headless() && info.clusterIPs().size() < IpFamilyPlanner.families(s).size();
    }

    private static ManifestService complete(ManifestService s, Map<InetAddress, ManifestService> owners) {
        ServiceInfo info = s.info();
        if (info.isExternalName()) {
            return s;
        }
        List<IpFamily> families = IpFamilyPlanner.families(s);
        if (info.headless()) {
            return s.with(info.withClusterIPs(List.of(), families));
        }
        List<InetAddress> ips = new ArrayList<>(info.clusterIPs());
        for (int i = ips.size(); i < families.size(); i++) {
            ips.add(allocateOne(s, families.get(i), owners));
        }
        return s.with(info.withClusterIPs(ips, families));
    }

    private static InetAddress allocateOne(ManifestService s, IpFamily family, Map<InetAddress, ManifestService> owners) {
        IpRange range = family == IpFamily.IPV4 ? IPV4 : IPV6;
        ServiceKey key = s.info().key();
        if (key.equals(KUBERNETES) && owners.putIfAbsent(range.at(1), s) == null) {
            return range.at(1);
        }
        long last = range.size() - (family == IpFamily.IPV4 ? 2 : 1);
        InetAddress ip = probe(range, STATIC_BAND, last, key + "/" + family, s, owners);
        if (ip == null) {
            ip = probe(range, 1, STATIC_BAND - 1, key + "/" + family, s, owners);
        }
        if (ip == null) {
            throw s.origin().error("spec.clusterIP", "no free cluster IP left in " + range);
        }
        return ip;
    }

    /** Linear probing from a hashed start within offsets {@code [first, last]}. */
    private static InetAddress probe(IpRange range, long first, long last, String seed,
                                     ManifestService s, Map<InetAddress, ManifestService> owners) {
        long span = last - first + 1;
        long start = StableHash.bounded(seed, span);
        for (long k = 0; k < span; k++) {
            InetAddress candidate = range.at(first + (start + k) % span);
            if (owners.putIfAbsent(candidate, s) == null) {
                return candidate;
            }
        }
        return null;
    }
}
