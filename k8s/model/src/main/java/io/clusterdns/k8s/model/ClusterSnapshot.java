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
import java.util.function.Function;

/**
 * An immutable view of the cluster at one moment, with the indexes every consumer needs (by service
 * key, and pods by IP for {@code pods verified}; reverse lookups by cluster or endpoint IP are the
 * resolver's own, built in its zone index, so they are not kept twice). Published
 * through one volatile reference; readers never lock. {@code version} increases with every
 * publish. {@link #apply} derives the next version from a {@link SnapshotDelta} sharing all
 * unchanged data (see {@link ShardedMap}), and {@link #changes()} tells consumers what changed.
 *
 * <p>The clusterset view (KEP-1645) is kept apart from the cluster's own: ServiceImports and the
 * EndpointSlices imported for them (labelled {@code multicluster.kubernetes.io/service-name}),
 * by import key. A slice carrying both service-name labels is in both views.
 */
public final class ClusterSnapshot {
    public static final ClusterSnapshot EMPTY = new ClusterSnapshot(0, Instant.EPOCH, List.of(), List.of(), List.of(), List.of());

    private final long version;
    private final Instant createdAt;
    private final SnapshotChanges changes;
    private final ShardedMap<ServiceKey, ServiceInfo> services;
    /**
     * Per service its slice, or the List of its slices when it has several: a list per service
     * with one slice cost 24 bytes each (1 MB at 50,000 services). The same for imported slices.
     */
    private final ShardedMap<ServiceKey, Object> slicesByService;
    private final Map<String, NamespaceInfo> namespaces;
    private final Map<String, NodeInfo> nodes;
    private final Map<String, ServiceCidrInfo> serviceCidrs;
    /**
     * Pods by name: a PodInfo, or a List of the pods of that name in several namespaces. Keyed by
     * name alone, so that no key object is made per pod (a namespace and name key cost 24 bytes
     * each, 3 MB at 135,000 pods), and the frozen shards keep no keys at all, each value telling
     * its name ({@link ShardedMap#keyedByValue}: 6 bytes a pod rather than 12); a look-up picks the
     * namespace from the few pods of one name. Pods are kept {@link PodInfo#slim}: labels and
     * container ports are read by manifest mode's endpoint derivation only, before a snapshot is built.
     */
    private final ShardedMap<String, Object> pods;
    private final int podCount;
    /** A PodInfo, or a List of them when pods share the address (host network): one list per pod cost 24 bytes each. */
    private final ShardedMap<InetAddress, Object> podsByIP;
    private final ShardedMap<ServiceKey, ServiceImportInfo> serviceImports;
    private final ShardedMap<ServiceKey, Object> importedSlices;

    /** Builds a snapshot from scratch, without ServiceImports; its {@link #changes()} is {@link SnapshotChanges#FULL}. */
    public ClusterSnapshot(long version, Instant createdAt, Collection<ServiceInfo> services,
                           Collection<EndpointSliceInfo> slices, Collection<PodInfo> pods,
                           Collection<NamespaceInfo> namespaces) {
        this(version, createdAt, services, slices, pods, namespaces, List.of(), List.of());
    }

    /**
     * Builds a snapshot from scratch, with the clusterset view (ServiceImports and the slices
     * imported for them); its {@link #changes()} is {@link SnapshotChanges#FULL}.
     */
    public ClusterSnapshot(long version, Instant createdAt, Collection<ServiceInfo> services,
                           Collection<EndpointSliceInfo> slices, Collection<PodInfo> pods,
                           Collection<NamespaceInfo> namespaces, Collection<ServiceImportInfo> serviceImports,
                           Collection<ImportedSliceInfo> importedSlices) {
        this(version, createdAt, services, slices, pods, namespaces, serviceImports, importedSlices, List.of());
    }

    /**
     * Builds a snapshot from scratch with every kind, Nodes included (only the data plane's sources
     * read Nodes: its own); its {@link #changes()} is {@link SnapshotChanges#FULL}.
     */
    public ClusterSnapshot(long version, Instant createdAt, Collection<ServiceInfo> services,
                           Collection<EndpointSliceInfo> slices, Collection<PodInfo> pods,
                           Collection<NamespaceInfo> namespaces, Collection<ServiceImportInfo> serviceImports,
                           Collection<ImportedSliceInfo> importedSlices, Collection<NodeInfo> nodes) {
        this(version, createdAt, services, slices, pods, namespaces, serviceImports, importedSlices, nodes, List.of());
    }

    /**
     * Builds a snapshot from scratch with every kind, Nodes and ServiceCIDRs included (only the
     * data plane's sources read them); its {@link #changes()} is {@link SnapshotChanges#FULL}.
     */
    public ClusterSnapshot(long version, Instant createdAt, Collection<ServiceInfo> services,
                           Collection<EndpointSliceInfo> slices, Collection<PodInfo> pods,
                           Collection<NamespaceInfo> namespaces, Collection<ServiceImportInfo> serviceImports,
                           Collection<ImportedSliceInfo> importedSlices, Collection<NodeInfo> nodes,
                           Collection<ServiceCidrInfo> serviceCidrs) {
        SnapshotDelta all = new SnapshotDelta();
        services.forEach(all::putService);
        slices.forEach(all::putSlice);
        pods.forEach(all::putPod);
        namespaces.forEach(all::putNamespace);
        serviceImports.forEach(all::putServiceImport);
        importedSlices.forEach(all::putImportedSlice);
        nodes.forEach(all::putNode);
        serviceCidrs.forEach(all::putServiceCidr);
        Builder b = new Builder(null, all);
        this.version = version;
        this.createdAt = createdAt;
        this.changes = SnapshotChanges.FULL;
        this.services = b.services.build();
        this.slicesByService = b.slices.build();
        this.namespaces = Map.copyOf(b.namespaces);
        this.nodes = Map.copyOf(b.nodes);
        this.serviceCidrs = Map.copyOf(b.serviceCidrs);
        this.pods = b.pods.build();
        this.podCount = b.podCount;
        this.podsByIP = b.byPodIp.build();
        this.serviceImports = b.serviceImports.build();
        this.importedSlices = b.importedSlices.build();
    }

    private ClusterSnapshot(long version, Instant createdAt, Builder b) {
        this.version = version;
        this.createdAt = createdAt;
        this.changes = new SnapshotChanges(false, b.changedServices, b.namespacesChanged, b.podsChanged, b.changedImports);
        this.services = b.services.build();
        this.slicesByService = b.slices.build();
        this.namespaces = b.namespacesChanged ? Map.copyOf(b.namespaces) : b.base.namespaces;
        this.nodes = b.nodesChanged ? Map.copyOf(b.nodes) : b.base.nodes;
        this.serviceCidrs = b.serviceCidrsChanged ? Map.copyOf(b.serviceCidrs) : b.base.serviceCidrs;
        this.pods = b.pods.build();
        this.podCount = b.podCount;
        this.podsByIP = b.byPodIp.build();
        this.serviceImports = b.serviceImports.build();
        this.importedSlices = b.importedSlices.build();
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
        return OneOrList.list(slicesByService.get(key));
    }

    public Map<ServiceKey, List<EndpointSliceInfo>> slicesByService() {
        return new OneOrList.ListsView<>(slicesByService);
    }

    public Map<String, NamespaceInfo> namespaces() {
        return namespaces;
    }

    /** Nodes by name: empty unless the source was asked for them (the data plane's own node). */
    public Map<String, NodeInfo> nodes() {
        return nodes;
    }

    public NodeInfo node(String name) {
        return nodes.get(name);
    }

    /**
     * ServiceCIDRs by name: empty unless the source was asked for them (the data plane), or when
     * the cluster has none (before Kubernetes 1.33, or manifests without any).
     */
    public Map<String, ServiceCidrInfo> serviceCidrs() {
        return serviceCidrs;
    }

    public Collection<PodInfo> pods() {
        return OneOrList.flattened(pods, podCount);
    }

    /** Pods having {@code ip} (host-network pods share node IPs), empty when none. */
    public List<PodInfo> podsByIP(InetAddress ip) {
        return OneOrList.<PodInfo>list(podsByIP.get(ip));
    }

    /**
     * Whether a pod in {@code namespace} has {@code ip} ({@code pods verified}): on the query path,
     * so it makes no list as {@link #podsByIP} does for one pod.
     */
    public boolean hasPod(String namespace, InetAddress ip) {
        Object at = podsByIP.get(ip);
        for (int i = 0, n = OneOrList.size(at); i < n; i++) {
            if (OneOrList.<PodInfo>get(at, i).namespace().equals(namespace)) {
                return true;
            }
        }
        return false;
    }

    /** How many pods have {@code ip}: with {@link #podByIP}, {@link #podsByIP} without a list, for the query path. */
    public int podCountByIP(InetAddress ip) {
        return OneOrList.size(podsByIP.get(ip));
    }

    /** The {@code i}th of {@link #podsByIP} ({@code 0 <= i < }{@link #podCountByIP}). */
    public PodInfo podByIP(InetAddress ip, int i) {
        return OneOrList.get(podsByIP.get(ip), i);
    }

    /** ServiceImports by key (the clusterset view; empty unless a source was asked to read them). */
    public Map<ServiceKey, ServiceImportInfo> serviceImports() {
        return serviceImports;
    }

    public ServiceImportInfo serviceImport(ServiceKey key) {
        return serviceImports.get(key);
    }

    /** The slices imported for a ServiceImport, from every source cluster, in the order they were added. */
    public List<ImportedSliceInfo> importedSlices(ServiceKey serviceImport) {
        return OneOrList.list(importedSlices.get(serviceImport));
    }

    /** Every imported slice by the key of its ServiceImport, including slices whose import is not (yet) there. */
    public Map<ServiceKey, List<ImportedSliceInfo>> importedSlicesByImport() {
        return new OneOrList.ListsView<>(importedSlices);
    }

    public int importedSliceCount() {
        return total(importedSlices);
    }

    public int sliceCount() {
        return total(slicesByService);
    }

    private static int total(Map<ServiceKey, Object> lists) {
        int n = 0;
        for (Object l : lists.values()) {
            n += OneOrList.size(l);
        }
        return n;
    }

    @Override
    public String toString() {
        String clusterSet = serviceImports.isEmpty() && importedSlices.isEmpty() ? ""
                : ", serviceImports=" + serviceImports.size() + ", importedSlices=" + importedSliceCount();
        return "ClusterSnapshot{version=" + version + ", services=" + services.size() + ", slices=" + sliceCount()
                + ", pods=" + podCount + ", namespaces=" + namespaces.size() + clusterSet
                + (nodes.isEmpty() ? "" : ", nodes=" + nodes.size())
                + (serviceCidrs.isEmpty() ? "" : ", serviceCidrs=" + serviceCidrs.size()) + "}";
    }

    /** Applies a delta to a base (null = empty), maintaining every index for the touched keys only. */
    private static final class Builder {
        final ClusterSnapshot base;
        final ShardedMap.Editor<ServiceKey, ServiceInfo> services;
        final ShardedMap.Editor<ServiceKey, Object> slices;
        final ShardedMap.Editor<String, Object> pods;
        int podCount;
        final ShardedMap.Editor<InetAddress, Object> byPodIp;
        final Map<String, NamespaceInfo> namespaces;
        final Map<String, NodeInfo> nodes;
        final Map<String, ServiceCidrInfo> serviceCidrs;
        final ShardedMap.Editor<ServiceKey, ServiceImportInfo> serviceImports;
        final ShardedMap.Editor<ServiceKey, Object> importedSlices;
        final Set<ServiceKey> changedServices = new HashSet<>();
        final Set<ServiceKey> changedImports = new HashSet<>();
        boolean namespacesChanged;
        boolean podsChanged;
        boolean nodesChanged;
        boolean serviceCidrsChanged;

        Builder(ClusterSnapshot base, SnapshotDelta delta) {
            this.base = base;
            this.services = base == null ? ShardedMap.<ServiceKey, ServiceInfo>empty().edit() : base.services.edit();
            this.slices = base == null ? ShardedMap.<ServiceKey, Object>empty().edit() : base.slicesByService.edit();
            this.pods = base == null ? ShardedMap.<String, Object>keyedByValue(Builder::podName).edit() : base.pods.edit();
            this.podCount = base == null ? 0 : base.podCount;
            this.byPodIp = base == null ? ShardedMap.<InetAddress, Object>empty().edit() : base.podsByIP.edit();
            this.namespaces = base == null ? new HashMap<>() : new HashMap<>(0);
            this.nodes = base == null ? new HashMap<>() : new HashMap<>(0);
            this.serviceCidrs = base == null ? new HashMap<>() : new HashMap<>(0);
            this.serviceImports = base == null ? ShardedMap.<ServiceKey, ServiceImportInfo>empty().edit() : base.serviceImports.edit();
            this.importedSlices = base == null ? ShardedMap.<ServiceKey, Object>empty().edit() : base.importedSlices.edit();
            delta.services.forEach(this::service);
            applyGrouped(delta.slices, slices, EndpointSliceInfo::name, changedServices);
            delta.serviceImports.forEach(this::serviceImport);
            applyGrouped(delta.importedSlices, importedSlices, ImportedSliceInfo::name, changedImports);
            delta.pods.forEach(this::pod);
            if (!delta.nodes.isEmpty()) {
                nodesChanged = true;
                if (base != null) {
                    nodes.putAll(base.nodes);
                }
                delta.nodes.forEach((name, node) -> {
                    if (node.isPresent()) {
                        nodes.put(name, node.get());
                    } else {
                        nodes.remove(name);
                    }
                });
            }
            serviceCidrsChanged = replaceAll(base == null ? null : base.serviceCidrs, delta.serviceCidrs, serviceCidrs);
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

        /** A small by-name map: copied from the base and edited when the delta touches it; returns whether it did. */
        private static <T> boolean replaceAll(Map<String, T> base, Map<String, Optional<T>> delta, Map<String, T> out) {
            if (delta.isEmpty()) {
                return false;
            }
            if (base != null) {
                out.putAll(base);
            }
            delta.forEach((name, value) -> {
                if (value.isPresent()) {
                    out.put(name, value.get());
                } else {
                    out.remove(name);
                }
            });
            return true;
        }

        private void service(ServiceKey key, Optional<ServiceInfo> next) {
            if (next.isPresent()) {
                services.put(key, next.get());
            } else {
                services.remove(key);
            }
            changedServices.add(key);
        }

        private void serviceImport(ServiceKey key, Optional<ServiceImportInfo> next) {
            if (next.isPresent()) {
                serviceImports.put(key, next.get());
            } else {
                serviceImports.remove(key);
            }
            changedImports.add(key);
        }

        /** Slices kept per owner (a Service, or a ServiceImport), replaced or removed by name. */
        private static <T> void applyGrouped(Map<SnapshotDelta.SliceKey, Optional<T>> delta, ShardedMap.Editor<ServiceKey, Object> lists,
                                             Function<T, String> nameOf, Set<ServiceKey> changed) {
            Map<ServiceKey, List<Map.Entry<SnapshotDelta.SliceKey, Optional<T>>>> byOwner = new HashMap<>();
            for (var e : delta.entrySet()) {
                byOwner.computeIfAbsent(e.getKey().service(), k -> new ArrayList<>()).add(e);
            }
            byOwner.forEach((owner, changes) -> {
                List<T> next = new ArrayList<>(OneOrList.<T>list(lists.get(owner)));
                for (var change : changes) {
                    int at = indexOf(next, change.getKey().name(), nameOf);
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
                    lists.remove(owner);
                } else {
                    lists.put(owner, next.size() == 1 ? next.get(0) : List.copyOf(next));
                }
                changed.add(owner);
            });
        }

        private static <T> int indexOf(List<T> list, String name, Function<T, String> nameOf) {
            for (int i = 0; i < list.size(); i++) {
                if (nameOf.apply(list.get(i)).equals(name)) {
                    return i;
                }
            }
            return -1;
        }

        private void pod(SnapshotDelta.PodKey key, Optional<PodInfo> next) {
            List<PodInfo> named = OneOrList.<PodInfo>list(pods.get(key.name()));
            int at = indexOf(named, key.namespace(), PodInfo::namespace);
            PodInfo old = at < 0 ? null : named.get(at);
            if (old != null) {
                List<PodInfo> rest = new ArrayList<>(named);
                rest.remove(at);
                putNamed(key.name(), rest);
                podCount--;
                for (InetAddress ip : old.ips()) {
                    List<PodInfo> list = new ArrayList<>(OneOrList.<PodInfo>list(byPodIp.get(ip)));
                    list.removeIf(p -> p.namespace().equals(old.namespace()) && p.name().equals(old.name()));
                    if (list.isEmpty()) {
                        byPodIp.remove(ip);
                    } else {
                        byPodIp.put(ip, list.size() == 1 ? list.get(0) : List.copyOf(list));
                    }
                }
            }
            if (next.isPresent()) {
                // labels and container ports are read by endpoint derivation only, before a snapshot is built
                PodInfo p = next.get().slim();
                List<PodInfo> sameName = new ArrayList<>(OneOrList.<PodInfo>list(pods.get(key.name())));
                sameName.add(p);
                putNamed(p.name(), sameName);
                podCount++;
                for (InetAddress ip : p.ips()) {
                    Object present = byPodIp.get(ip);
                    if (present == null) {
                        byPodIp.put(ip, p);
                    } else {
                        List<PodInfo> more = new ArrayList<>(OneOrList.<PodInfo>list(present));
                        more.add(p);
                        byPodIp.put(ip, List.copyOf(more));
                    }
                }
            }
            podsChanged = true;
        }

        /** The name of a {@link #pods} value: a pod, or the pods of one name in several namespaces. */
        private static String podName(Object named) {
            return OneOrList.<PodInfo>get(named, 0).name();
        }

        private void putNamed(String name, List<PodInfo> named) {
            if (named.isEmpty()) {
                pods.remove(name);
            } else {
                pods.put(name, named.size() == 1 ? named.get(0) : List.copyOf(named));
            }
        }
    }
}
