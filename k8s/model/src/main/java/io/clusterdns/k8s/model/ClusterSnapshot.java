package io.clusterdns.k8s.model;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable view of the cluster at one moment, with the indexes every consumer needs (by service
 * key, and pods by IP for {@code pods verified}; reverse lookups by cluster or endpoint IP are the
 * resolver's own, built in its zone index, so they are not kept twice). Published
 * through one volatile reference; readers never lock. {@code version} increases with every
 * publish. {@link #apply} derives the next version from a {@link SnapshotDelta} sharing all
 * unchanged data (see {@link ShardedMap}), and {@link #changes()} tells consumers what changed.
 */
public final class ClusterSnapshot {
    public static final ClusterSnapshot EMPTY = new ClusterSnapshot(0, Instant.EPOCH, List.of(), List.of(), List.of(), List.of());

    private final long version;
    private final Instant createdAt;
    private final SnapshotChanges changes;
    private final ShardedMap<ServiceKey, ServiceInfo> services;
    private final ShardedMap<ServiceKey, List<EndpointSliceInfo>> slicesByService;
    private final Map<String, NamespaceInfo> namespaces;
    private final ShardedMap<String, PodInfo> pods;
    private final ShardedMap<InetAddress, List<PodInfo>> podsByIP;

    /** Builds a snapshot from scratch; its {@link #changes()} is {@link SnapshotChanges#FULL}. */
    public ClusterSnapshot(long version, Instant createdAt, Collection<ServiceInfo> services,
                           Collection<EndpointSliceInfo> slices, Collection<PodInfo> pods,
                           Collection<NamespaceInfo> namespaces) {
        SnapshotDelta all = new SnapshotDelta();
        services.forEach(all::putService);
        slices.forEach(all::putSlice);
        pods.forEach(all::putPod);
        namespaces.forEach(all::putNamespace);
        Builder b = new Builder(null, all);
        this.version = version;
        this.createdAt = createdAt;
        this.changes = SnapshotChanges.FULL;
        this.services = b.services.build();
        this.slicesByService = b.slices.build();
        this.namespaces = Map.copyOf(b.namespaces);
        this.pods = b.pods.build();
        this.podsByIP = b.byPodIp.build();
    }

    private ClusterSnapshot(long version, Instant createdAt, Builder b) {
        this.version = version;
        this.createdAt = createdAt;
        this.changes = new SnapshotChanges(false, b.changedServices, b.namespacesChanged, b.podsChanged);
        this.services = b.services.build();
        this.slicesByService = b.slices.build();
        this.namespaces = b.namespacesChanged ? Map.copyOf(b.namespaces) : b.base.namespaces;
        this.pods = b.pods.build();
        this.podsByIP = b.byPodIp.build();
    }

    /** The next version: this snapshot with {@code delta} applied. Cost is proportional to the delta. */
    public ClusterSnapshot apply(SnapshotDelta delta, Instant at) {
        return new ClusterSnapshot(version + 1, at, new Builder(this, delta));
    }

    public long version() {
        return version;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** What changed since version - 1 ({@link SnapshotChanges#FULL} for snapshots built from scratch). */
    public SnapshotChanges changes() {
        return changes;
    }

    /** Services by key. */
    public Map<ServiceKey, ServiceInfo> services() {
        return services;
    }

    public ServiceInfo service(ServiceKey key) {
        return services.get(key);
    }

    /** All slices of a service (several slices are merged by consumers), in the order they were added. */
    public List<EndpointSliceInfo> slices(ServiceKey key) {
        return slicesByService.getOrDefault(key, List.of());
    }

    public Map<ServiceKey, List<EndpointSliceInfo>> slicesByService() {
        return slicesByService;
    }

    public Map<String, NamespaceInfo> namespaces() {
        return namespaces;
    }

    public Collection<PodInfo> pods() {
        return pods.values();
    }

    /** Pods having {@code ip} (host-network pods share node IPs), empty when none. */
    public List<PodInfo> podsByIP(InetAddress ip) {
        return podsByIP.getOrDefault(ip, List.of());
    }

    public int sliceCount() {
        int n = 0;
        for (List<EndpointSliceInfo> l : slicesByService.values()) {
            n += l.size();
        }
        return n;
    }

    @Override
    public String toString() {
        return "ClusterSnapshot{version=" + version + ", services=" + services.size() + ", slices=" + sliceCount()
                + ", pods=" + pods.size() + ", namespaces=" + namespaces.size() + "}";
    }

    /** Applies a delta to a base (null = empty), maintaining every index for the touched keys only. */
    private static final class Builder {
        final ClusterSnapshot base;
        final ShardedMap.Editor<ServiceKey, ServiceInfo> services;
        final ShardedMap.Editor<ServiceKey, List<EndpointSliceInfo>> slices;
        final ShardedMap.Editor<String, PodInfo> pods;
        final ShardedMap.Editor<InetAddress, List<PodInfo>> byPodIp;
        final Map<String, NamespaceInfo> namespaces;
        final Set<ServiceKey> changedServices = new HashSet<>();
        boolean namespacesChanged;
        boolean podsChanged;

        Builder(ClusterSnapshot base, SnapshotDelta delta) {
            this.base = base;
            this.services = base == null ? ShardedMap.<ServiceKey, ServiceInfo>empty().edit() : base.services.edit();
            this.slices = base == null ? ShardedMap.<ServiceKey, List<EndpointSliceInfo>>empty().edit() : base.slicesByService.edit();
            this.pods = base == null ? ShardedMap.<String, PodInfo>empty().edit() : base.pods.edit();
            this.byPodIp = base == null ? ShardedMap.<InetAddress, List<PodInfo>>empty().edit() : base.podsByIP.edit();
            this.namespaces = base == null ? new HashMap<>() : new HashMap<>(0);
            delta.services.forEach(this::service);
            applySlices(delta);
            delta.pods.forEach(this::pod);
            if (!delta.namespaces.isEmpty()) {
                namespacesChanged = true;
                if (base != null) {
                    namespaces.putAll(base.namespaces);
                }
                delta.namespaces.forEach((name, ns) -> {
                    if (ns.isPresent()) {
                        namespaces.put(name, ns.get());
                    } else {
                        namespaces.remove(name);
                    }
                });
            }
        }

        private void service(ServiceKey key, Optional<ServiceInfo> next) {
            if (next.isPresent()) {
                services.put(key, next.get());
            } else {
                services.remove(key);
            }
            changedServices.add(key);
        }

        private void applySlices(SnapshotDelta delta) {
            Map<ServiceKey, List<Map.Entry<SnapshotDelta.SliceKey, Optional<EndpointSliceInfo>>>> byService = new HashMap<>();
            for (var e : delta.slices.entrySet()) {
                byService.computeIfAbsent(e.getKey().service(), k -> new ArrayList<>()).add(e);
            }
            byService.forEach((svc, changes) -> {
                List<EndpointSliceInfo> old = slices.get(svc);
                List<EndpointSliceInfo> next = new ArrayList<>(old == null ? List.of() : old);
                for (var change : changes) {
                    String name = change.getKey().name();
                    int at = indexOf(next, name);
                    if (change.getValue().isPresent()) {
                        if (at >= 0) {
                            next.set(at, change.getValue().get());
                        } else {
                            next.add(change.getValue().get());
                        }
                    } else if (at >= 0) {
                        next.remove(at);
                    }
                }
                if (next.isEmpty()) {
                    slices.remove(svc);
                } else {
                    slices.put(svc, List.copyOf(next));
                }
                changedServices.add(svc);
            });
        }

        private static int indexOf(List<EndpointSliceInfo> list, String name) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).name().equals(name)) {
                    return i;
                }
            }
            return -1;
        }

        private void pod(String key, Optional<PodInfo> next) {
            PodInfo old = pods.get(key);
            if (old != null) {
                pods.remove(key);
                for (InetAddress ip : old.ips()) {
                    List<PodInfo> list = new ArrayList<>(byPodIp.get(ip) == null ? List.of() : byPodIp.get(ip));
                    list.removeIf(p -> p.namespace().equals(old.namespace()) && p.name().equals(old.name()));
                    if (list.isEmpty()) {
                        byPodIp.remove(ip);
                    } else {
                        byPodIp.put(ip, List.copyOf(list));
                    }
                }
            }
            if (next.isPresent()) {
                PodInfo p = next.get();
                pods.put(key, p);
                for (InetAddress ip : p.ips()) {
                    List<PodInfo> list = byPodIp.get(ip);
                    if (list == null) {
                        byPodIp.put(ip, List.of(p));
                    } else {
                        List<PodInfo> more = new ArrayList<>(list);
                        more.add(p);
                        byPodIp.put(ip, List.copyOf(more));
                    }
                }
            }
            podsChanged = true;
        }
    }
}
