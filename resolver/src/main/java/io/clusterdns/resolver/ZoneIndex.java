package io.clusterdns.resolver;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ShardedMap;
import io.clusterdns.k8s.model.SnapshotChanges;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;

/**
 * Everything the resolver needs from one snapshot, precomputed: service entries by key, the
 * exposed namespaces, the reverse (PTR) maps and each zone's SOA/NS. Built off the query path.
 * When a snapshot says which services changed since the one this index was built from, only those
 * entries and their PTR records are redone; untouched shards are shared with the previous index.
 */
final class ZoneIndex {
    /** Where the NS record points when the cluster has no kube-system/kube-dns service. */
    static final InetAddress FALLBACK_NS_ADDRESS = InetAddress.getLoopbackAddress();
    static final ServiceKey DNS_SERVICE = ServiceKey.of("kube-system", "kube-dns");
    private static final Comparator<ServiceEntry> BY_KEY = Comparator.comparing(e -> e.service().key());
    /** Indexes built in this process: each gets the next number as its {@link #id()}. */
    private static final java.util.concurrent.atomic.AtomicLong BUILT = new java.util.concurrent.atomic.AtomicLong();
    /** Index changes kept with an index: how far behind a reader of the changes ({@link Resolver#changesSince}) may be. */
    static final int HISTORY = 16;
    /** Changed parts up to which a change is listed however small the cluster (past that and a quarter of the services: "all"). */
    private static final int MIN_ALL = 256;

    /** A PTR target: a service (endpoint null: its cluster IP) or one of its endpoints. */
    record PtrTarget(ServiceEntry entry, ReadyEndpoint endpoint) {
    }

    private final ResolverConfig config;
    private final ClusterSnapshot snapshot;
    private final ShardedMap<ServiceKey, ServiceEntry> services;
    private final Set<String> namespaces;
    /*
     * The PTR maps hold per address the one service entry it belongs to, or a sorted List of them
     * when several services share it (see Owners): one list and one pair object per endpoint
     * address cost 7 MB at 150,000 endpoints, and almost every address has one owner.
     */
    private final ShardedMap<InetAddress, Object> clusterIpPtr;
    private final ShardedMap<InetAddress, Object> endpointPtr;
    /** Services by their external addresses (spec.externalIPs, load balancer ingress IPs): k8s_external's PTR records. */
    private final ShardedMap<InetAddress, Object> externalPtr;
    private final long serial;
    private final List<ZoneAuthority> authorities;
    private final List<InetAddress> nsAddresses;
    private final long id = BUILT.incrementAndGet();
    /** What this index changed against the one it replaced, and the changes of the indexes before (oldest first, this one last). */
    private final IndexChange change;
    private final List<IndexChange> history;

    private ZoneIndex(ResolverConfig config, ClusterSnapshot snapshot, Set<String> namespaces, Maps maps, ZoneIndex previous) {
        this.config = config;
        this.snapshot = snapshot;
        this.namespaces = namespaces;
        this.services = maps.services.build();
        this.clusterIpPtr = maps.clusterIpPtr.build();
        this.endpointPtr = maps.endpointPtr.build();
        this.externalPtr = maps.externalPtr.build();
        ServiceEntry dns = services.get(DNS_SERVICE);
        boolean hasDns = dns != null && dns.service().hasClusterIP();
        this.nsAddresses = hasDns ? dns.service().clusterIPs() : List.of(FALLBACK_NS_ADDRESS);
        Name cluster = config.clusterDomain();
        this.serial = Math.max(0, Math.min(0xffffffffL, snapshot.createdAt().getEpochSecond()));
        List<ZoneAuthority> auth = new ArrayList<>();
        for (Name zone : config.zones()) {
            // CoreDNS points NS at its own service's name when it finds it, else at ns.dns.<zone>
            Name target = hasDns ? dns.name(cluster)
                    : Name.fromConstantString("ns.dns." + (ResolverConfig.isReverse(zone) ? cluster : zone));
            auth.add(new ZoneAuthority(zone, config.ttl(), serial, target, nsAddresses));
        }
        this.authorities = List.copyOf(auth);
        boolean all = previous == null || maps.changed.size() > Math.max(MIN_ALL, services.size() / 4);
        this.change = new IndexChange(id, previous == null ? -1 : previous.id, serial, all, all ? Set.of() : maps.changed);
        List<IndexChange> h = new ArrayList<>(HISTORY);
        if (previous != null) {
            h.addAll(previous.history.subList(Math.max(0, previous.history.size() - (HISTORY - 1)), previous.history.size()));
        }
        h.add(change);
        this.history = List.copyOf(h);
    }

    /**
     * The index for {@code snapshot}: an incremental update of {@code previous} when the snapshot is
     * its direct successor and lists its changed services, else a full build (reusing the entries
     * of services whose objects are unchanged).
     */
    static ZoneIndex build(ResolverConfig config, ClusterSnapshot snapshot, ZoneIndex previous) {
        SnapshotChanges changes = snapshot.changes();
        if (previous != null && !changes.full() && !changes.namespaces()
                && previous.snapshot.version() == snapshot.version() - 1) {
            Maps maps = new Maps(previous);
            for (ServiceKey key : changes.services()) {
                ServiceEntry old = previous.services.get(key);
                maps.remove(old);
                ServiceInfo svc = snapshot.service(key);
                ServiceEntry now = null;
                if (svc != null && previous.namespaces.contains(svc.namespace())) {
                    now = ServiceEntry.build(svc, snapshot.slices(key), config);
                    maps.add(now);
                }
                maps.changed(key, old, now);
            }
            if (changes.pods()) {
                maps.changed.add(Dependency.PODS);
            }
            return new ZoneIndex(config, snapshot, previous.namespaces, maps, previous);
        }
        Set<String> namespaces = new HashSet<>();
        for (String ns : snapshot.namespaces().keySet()) {
            if (config.namespaceExposed(ns)) {
                namespaces.add(ns);
            }
        }
        Maps maps = new Maps(null);
        for (ServiceInfo svc : snapshot.services().values()) {
            if (namespaces.contains(svc.namespace())) {
                List<EndpointSliceInfo> slices = snapshot.slices(svc.key());
                ServiceEntry reused = previous == null ? null : previous.reusable(svc, slices, config);
                ServiceEntry entry = reused != null ? reused : ServiceEntry.build(svc, slices, config);
                maps.add(entry);
                if (previous != null && reused == null) {
                    maps.changed(svc.key(), previous.services.get(svc.key()), entry);
                }
            }
        }
        if (previous != null) {
            // what a rebuild changed, by entry identity: a reused entry is the same object
            for (ServiceEntry old : previous.services.values()) {
                ServiceKey key = old.service().key();
                if (maps.services.get(key) == null) {
                    maps.changed(key, old, null);
                }
            }
            for (String ns : namespaces) {
                if (!previous.namespaces.contains(ns)) {
                    maps.changed.add(Dependency.namespace(ns));
                }
            }
            for (String ns : previous.namespaces) {
                if (!namespaces.contains(ns)) {
                    maps.changed.add(Dependency.namespace(ns));
                }
            }
            if (changes.pods()) {
                maps.changed.add(Dependency.PODS);
            }
        }
        return new ZoneIndex(config, snapshot, Set.copyOf(namespaces), maps, previous);
    }

    /**
     * The previous entry of a service when neither the service nor its slices changed, and the
     * entries are computed the same way (this index's entries were all computed with its config).
     */
    private ServiceEntry reusable(ServiceInfo svc, List<EndpointSliceInfo> slices, ResolverConfig next) {
        ServiceEntry old = services.get(svc.key());
        if (old == null || !old.service().equals(svc) || next != config) {
            return null;
        }
        return snapshot.slices(svc.key()).equals(slices) ? old : null;
    }

    /** The maps being edited together: entries and the PTR contributions each entry makes. */
    private static final class Maps {
        final ShardedMap.Editor<ServiceKey, ServiceEntry> services;
        final ShardedMap.Editor<InetAddress, Object> clusterIpPtr;
        final ShardedMap.Editor<InetAddress, Object> endpointPtr;
        final ShardedMap.Editor<InetAddress, Object> externalPtr;
        /** The parts of the index that differ from the previous one's (see {@link IndexChange}). */
        final Set<Dependency> changed = new HashSet<>();

        Maps(ZoneIndex base) {
            services = base == null ? ShardedMap.<ServiceKey, ServiceEntry>empty().edit() : base.services.edit();
            clusterIpPtr = base == null ? ShardedMap.<InetAddress, Object>empty().edit() : base.clusterIpPtr.edit();
            endpointPtr = base == null ? ShardedMap.<InetAddress, Object>empty().edit() : base.endpointPtr.edit();
            externalPtr = base == null ? ShardedMap.<InetAddress, Object>empty().edit() : base.externalPtr.edit();
        }

        void add(ServiceEntry e) {
            services.put(e.service().key(), e);
            for (InetAddress ip : e.service().clusterIPs()) {
                insert(clusterIpPtr, ip, e);
            }
            EndpointList eps = e.endpoints();
            for (int i = 0; i < eps.size(); i++) {
                insert(endpointPtr, eps.address(i), e);
            }
            for (InetAddress ip : e.externalIps()) {
                insert(externalPtr, ip, e);
            }
        }

        /**
         * Records that service {@code key}'s entry went from {@code old} to {@code now} (either may
         * be null): the service, and the PTR owners of every address either has.
         */
        void changed(ServiceKey key, ServiceEntry old, ServiceEntry now) {
            changed.add(Dependency.service(key));
            for (ServiceEntry e : new ServiceEntry[] {old, now}) {
                if (e == null) {
                    continue;
                }
                for (InetAddress ip : e.service().clusterIPs()) {
                    changed.add(Dependency.address(ip));
                }
                EndpointList eps = e.endpoints();
                for (int i = 0; i < eps.size(); i++) {
                    changed.add(Dependency.address(eps.address(i)));
                }
                for (InetAddress ip : e.externalIps()) {
                    changed.add(Dependency.address(ip));
                }
            }
        }

        void remove(ServiceEntry e) {
            if (e == null) {
                return;
            }
            ServiceKey key = e.service().key();
            services.remove(key);
            for (InetAddress ip : e.service().clusterIPs()) {
                delete(clusterIpPtr, ip, key);
            }
            EndpointList eps = e.endpoints();
            for (int i = 0; i < eps.size(); i++) {
                delete(endpointPtr, eps.address(i), key);
            }
            for (InetAddress ip : e.externalIps()) {
                delete(externalPtr, ip, key);
            }
        }

        private static void insert(ShardedMap.Editor<InetAddress, Object> map, InetAddress ip, ServiceEntry value) {
            Object old = map.get(ip);
            if (old == null) {
                map.put(ip, value);
                return;
            }
            List<ServiceEntry> owners = owners(old);
            List<ServiceEntry> next = new ArrayList<>(owners.size() + 1);
            next.addAll(owners);
            next.add(value);
            next.sort(BY_KEY);
            map.put(ip, List.copyOf(next));
        }

        private static void delete(ShardedMap.Editor<InetAddress, Object> map, InetAddress ip, ServiceKey key) {
            Object old = map.get(ip);
            if (old == null) {
                return;
            }
            List<ServiceEntry> owners = owners(old);
            List<ServiceEntry> next = new ArrayList<>(owners);
            next.removeIf(x -> x.service().key().equals(key));
            if (next.isEmpty()) {
                map.remove(ip);
            } else if (next.size() != owners.size()) {
                map.put(ip, next.size() == 1 ? next.get(0) : List.copyOf(next));
            }
        }
    }

    long version() {
        return snapshot.version();
    }

    /** This index among all built in the process: a later one has a larger id. */
    long id() {
        return id;
    }

    ClusterSnapshot snapshot() {
        return snapshot;
    }

    IndexChange change() {
        return change;
    }

    /** The changes of the indexes after index {@code since} up to this one, oldest first; null when not kept or one changed everything. */
    List<IndexChange> changesSince(long since) {
        for (int i = history.size() - 1; i >= 0; i--) {
            IndexChange c = history.get(i);
            if (c.all()) {
                return null;
            }
            if (c.previousId() == since) {
                return history.subList(i, history.size());
            }
        }
        return null;
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

    /** PTR targets of an address: the service owning it as cluster IP, else every service having it as a ready endpoint. */
    List<PtrTarget> ptr(InetAddress ip) {
        Object owners = clusterIpPtr.get(ip);
        if (owners != null) {
            return List.of(new PtrTarget(owners(owners).get(0), null));
        }
        return endpointsAt(ip);
    }

    /**
     * The services having {@code ip} as a ready endpoint, each with that endpoint (CoreDNS's
     * {@code EpIndexReverse}), in service key order. The pairs are made per lookup: the endpoint
     * is found in its service's list, which costs a scan of that list per reverse query rather
     * than a stored pair per endpoint.
     */
    List<PtrTarget> endpointsAt(InetAddress ip) {
        Object value = endpointPtr.get(ip);
        if (value == null) {
            return List.of();
        }
        List<ServiceEntry> owners = owners(value);
        List<PtrTarget> out = new ArrayList<>(owners.size());
        for (ServiceEntry e : owners) {
            out.add(new PtrTarget(e, e.endpointAt(ip)));
        }
        return out;
    }

    /** The services having {@code ip} as an external IP or load balancer ingress IP. */
    List<ServiceEntry> externalOwners(InetAddress ip) {
        Object value = externalPtr.get(ip);
        return value == null ? List.of() : owners(value);
    }

    /** A PTR map's value as a list: one entry, or the sorted list of several. */
    @SuppressWarnings("unchecked")
    private static List<ServiceEntry> owners(Object value) {
        return value instanceof ServiceEntry e ? List.of(e) : (List<ServiceEntry>) value;
    }

    /** The SOA serial of every zone: the time of the snapshot (the last cluster change), in Unix seconds. */
    long serial() {
        return serial;
    }

    /** Pods in {@code namespace} having {@code ip} (verified pod mode). */
    boolean podExists(String namespace, InetAddress ip) {
        return snapshot.hasPod(namespace, ip);
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

    Collection<ServiceEntry> entries() {
        return services.values();
    }
}
