package io.clusterdns.resolver;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * Everything the resolver needs from one snapshot, precomputed: service entries by key, the
 * exposed namespaces, the reverse (PTR) map and each zone's SOA/NS. Built off the query path;
 * entries of services whose objects did not change are reused from the previous index.
 */
final class ZoneIndex {
    /** Where the NS record points when the cluster has no kube-system/kube-dns service. */
    static final InetAddress FALLBACK_NS_ADDRESS = InetAddress.getLoopbackAddress();
    static final ServiceKey DNS_SERVICE = ServiceKey.of("kube-system", "kube-dns");

    /** A PTR target: the service name when {@code label} is null, else an endpoint of it. */
    record PtrTarget(ServiceEntry entry, String label) {
    }

    private final ResolverConfig config;
    private final ClusterSnapshot snapshot;
    private final Map<ServiceKey, ServiceEntry> services;
    private final Set<String> namespaces;
    private final Map<InetAddress, List<PtrTarget>> ptr;
    private final List<ZoneAuthority> authorities;
    private final List<InetAddress> nsAddresses;

    private ZoneIndex(ResolverConfig config, ClusterSnapshot snapshot, Map<ServiceKey, ServiceEntry> services,
                      Set<String> namespaces, Map<InetAddress, List<PtrTarget>> ptr, List<InetAddress> nsAddresses) {
        this.config = config;
        this.snapshot = snapshot;
        this.services = services;
        this.namespaces = namespaces;
        this.ptr = ptr;
        this.nsAddresses = nsAddresses;
        ServiceEntry dns = services.get(DNS_SERVICE);
        Name cluster = config.clusterDomain();
        // CoreDNS points NS at its own service's name when it finds it, else at ns.dns.<zone>
        Name nsTarget = dns != null && dns.service().hasClusterIP() ? dns.name(cluster) : null;
        long serial = Math.max(0, Math.min(0xffffffffL, snapshot.createdAt().getEpochSecond()));
        List<ZoneAuthority> auth = new ArrayList<>();
        for (Name zone : config.zones()) {
            Name target = nsTarget != null ? nsTarget : Name.fromConstantString("ns.dns." + (ResolverConfig.isReverse(zone) ? cluster : zone));
            auth.add(new ZoneAuthority(zone, config.ttl(), serial, target, nsAddresses));
        }
        this.authorities = List.copyOf(auth);
    }

    static ZoneIndex build(ResolverConfig config, ClusterSnapshot snapshot, ZoneIndex previous) {
        Set<String> namespaces = new HashSet<>();
        for (String ns : snapshot.namespaces().keySet()) {
            if (config.namespaceExposed(ns)) {
                namespaces.add(ns);
            }
        }
        Map<ServiceKey, ServiceEntry> entries = new HashMap<>(snapshot.services().size() * 2);
        for (ServiceInfo svc : snapshot.services().values()) {
            if (!namespaces.contains(svc.namespace())) {
                continue;
            }
            List<EndpointSliceInfo> slices = snapshot.slices(svc.key());
            ServiceEntry reused = previous == null ? null : previous.reusable(svc, slices);
            entries.put(svc.key(), reused != null ? reused : ServiceEntry.build(svc, slices, config));
        }
        return new ZoneIndex(config, snapshot, Map.copyOf(entries), Set.copyOf(namespaces), reverse(entries),
                nameserverAddresses(entries));
    }

    /** The previous entry of a service when neither the service nor its slices changed. */
    private ServiceEntry reusable(ServiceInfo svc, List<EndpointSliceInfo> slices) {
        ServiceEntry old = services.get(svc.key());
        if (old == null || !old.service().equals(svc)) {
            return null;
        }
        return snapshot.slices(svc.key()).equals(slices) ? old : null;
    }

    /** Cluster IPs map to their service; other addresses to every service having them as a ready endpoint. */
    private static Map<InetAddress, List<PtrTarget>> reverse(Map<ServiceKey, ServiceEntry> entries) {
        Map<InetAddress, List<PtrTarget>> byIp = new HashMap<>();
        Map<InetAddress, ServiceEntry> byClusterIp = new HashMap<>();
        for (ServiceEntry e : entries.values()) {
            for (InetAddress ip : e.service().clusterIPs()) {
                byClusterIp.merge(ip, e, (a, b) -> a.service().key().compareTo(b.service().key()) <= 0 ? a : b);
            }
            for (ReadyEndpoint ep : e.endpoints()) {
                byIp.computeIfAbsent(ep.address(), k -> new ArrayList<>(1)).add(new PtrTarget(e, ep.label()));
            }
        }
        byIp.replaceAll((ip, list) -> {
            list.sort((a, b) -> a.entry().service().key().compareTo(b.entry().service().key()));
            return List.copyOf(list);
        });
        byClusterIp.forEach((ip, e) -> byIp.put(ip, List.of(new PtrTarget(e, null))));
        return Map.copyOf(byIp);
    }

    /** The DNS service's cluster IPs (CoreDNS finds its own service the same way), else loopback. */
    private static List<InetAddress> nameserverAddresses(Map<ServiceKey, ServiceEntry> entries) {
        ServiceEntry dns = entries.get(DNS_SERVICE);
        if (dns != null && dns.service().hasClusterIP()) {
            return dns.service().clusterIPs();
        }
        return List.of(FALLBACK_NS_ADDRESS);
    }

    long version() {
        return snapshot.version();
    }

    ResolverConfig config() {
        return config;
    }

    ServiceEntry service(String namespace, String name) {
        return services.get(ServiceKey.of(namespace, name));
    }

    boolean namespaceExists(String namespace) {
        return namespaces.contains(namespace);
    }

    List<PtrTarget> ptr(InetAddress ip) {
        return ptr.getOrDefault(ip, List.of());
    }

    /** Pods in {@code namespace} having {@code ip} (verified pod mode). */
    boolean podExists(String namespace, InetAddress ip) {
        for (PodInfo p : snapshot.podsByIP(ip)) {
            if (p.namespace().equals(namespace)) {
                return true;
            }
        }
        return false;
    }

    ZoneAuthority authority(int zoneIndex) {
        return authorities.get(zoneIndex);
    }

    List<InetAddress> nameserverAddresses() {
        return nsAddresses;
    }

    int serviceCount() {
        return services.size();
    }

    Answer resolve(Name qname, int type) {
        return new Lookup(this, qname, type).answer();
    }
}
