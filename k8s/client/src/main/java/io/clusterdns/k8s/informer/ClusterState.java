package io.clusterdns.k8s.informer;

import io.clusterdns.k8s.WatchedKind;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.ServiceCidrInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.SnapshotDelta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Every converted object received from the API server, owned by the publisher thread alone. It
 * turns batches of object changes into {@link SnapshotDelta}s holding only what really changed
 * and is visible:
 *
 * <ul>
 *   <li>an object whose converted record equals the one already held is no change (relists,
 *       and updates of fields DNS does not keep, such as annotations, publish nothing), and
 *       the record already held stays held: it is the one the snapshots hold;</li>
 *   <li>an EndpointSlice whose service-name label changed leaves its old service and joins the
 *       new one;</li>
 *   <li>with a namespace label filter, objects of namespaces that do not match are held but not
 *       published, and appear or disappear when their namespace starts or stops matching.</li>
 * </ul>
 *
 * The records are the same instances the snapshots hold, so this costs a table slot per object
 * ({@link NamedValues}). A slice names its service by the service's own key instance when the
 * service is held ({@link EndpointSliceInfo#sharingService}: one key and name String, not two).
 * An endpoint's {@code targetRef} pod name, when kept (only for
 * {@code endpoint_pod_names}: {@link InformerConfig#endpointPodNames}), is the String of the pod's
 * own record when that pod is held ({@link EndpointSliceInfo#sharingPodNames}): the API sends the
 * name once in the Pod and once in the EndpointSlice, and with {@code pods verified} the second
 * copy cost about 52 bytes a pod.
 */
final class ClusterState {
    private final boolean filterNamespaces;
    private final Map<String, NamespaceInfo> namespaces = new HashMap<>();
    /** Read by stats() on other threads; the maps are not. */
    private volatile int namespaceCount;
    /** Cluster-scoped and never filtered by namespace labels. */
    private final Map<String, NodeInfo> nodes = new HashMap<>();
    private volatile int nodeCount;
    /** Cluster-scoped too. */
    private final Map<String, ServiceCidrInfo> serviceCidrs = new HashMap<>();
    private volatile int serviceCidrCount;
    private final Table<ServiceInfo> services = new Table<>(ServiceInfo::name);
    private final Table<EndpointSliceInfo> slices = new Table<>(EndpointSliceInfo::name);
    private final Table<PodInfo> pods = new Table<>(PodInfo::name);
    private final Table<ServiceImportInfo> serviceImports = new Table<>(ServiceImportInfo::name);
    private final Table<ImportedSliceInfo> importedSlices = new Table<>(ImportedSliceInfo::name);

    /** @param filterNamespaces true when only namespaces received (those matching the namespace labels) are visible */
    ClusterState(boolean filterNamespaces) {
        this.filterNamespaces = filterNamespaces;
    }

    /** Applies a batch and returns the visible changes (possibly empty). */
    SnapshotDelta apply(PendingChanges.Batch batch) {
        SnapshotDelta delta = new SnapshotDelta();
        batch.namespaces.forEach((name, next) -> namespace(name, next.orElse(null), delta));
        batch.nodes.forEach((name, next) -> node(name, next.orElse(null), delta));
        batch.serviceCidrs.forEach((name, next) -> serviceCidr(name, next.orElse(null), delta));
        batch.services.forEach((key, next) -> service(key, next.orElse(null), delta));
        // pods first: a batch's slices then find the pods whose names they share
        batch.pods.forEach((ref, next) -> pod(ref, next.orElse(null), delta));
        batch.slices.forEach((ref, next) -> slice(ref, next.orElse(null), delta));
        batch.serviceImports.forEach((ref, next) -> serviceImport(ref, next.orElse(null), delta));
        batch.importedSlices.forEach((ref, next) -> importedSlice(ref, next.orElse(null), delta));
        return delta;
    }

    private void namespace(String name, NamespaceInfo next, SnapshotDelta delta) {
        NamespaceInfo old = setKeepingEqual(namespaces, name, next);
        namespaceCount = namespaces.size();
        if (Objects.equals(old, next)) {
            return;
        }
        if (next == null) {
            delta.removeNamespace(name);
        } else {
            delta.putNamespace(next);
        }
        if (filterNamespaces && (old == null) != (next == null)) {
            boolean visible = next != null;
            for (ServiceInfo s : services.in(name)) {
                if (visible) {
                    delta.putService(s);
                } else {
                    delta.removeService(s.key());
                }
            }
            for (EndpointSliceInfo s : slices.in(name)) {
                if (visible) {
                    delta.putSlice(s);
                } else {
                    delta.removeSlice(s.service(), s.name());
                }
            }
            for (PodInfo p : pods.in(name)) {
                if (visible) {
                    delta.putPod(p);
                } else {
                    delta.removePod(p.namespace(), p.name());
                }
            }
            for (ServiceImportInfo i : serviceImports.in(name)) {
                if (visible) {
                    delta.putServiceImport(i);
                } else {
                    delta.removeServiceImport(i.key());
                }
            }
            for (ImportedSliceInfo s : importedSlices.in(name)) {
                if (visible) {
                    delta.putImportedSlice(s);
                } else {
                    delta.removeImportedSlice(s.importKey(), s.name());
                }
            }
        }
    }

    private void node(String name, NodeInfo next, SnapshotDelta delta) {
        NodeInfo old = setKeepingEqual(nodes, name, next);
        nodeCount = nodes.size();
        if (Objects.equals(old, next)) {
            return;
        }
        if (next == null) {
            delta.removeNode(name);
        } else {
            delta.putNode(next);
        }
    }

    private void serviceCidr(String name, ServiceCidrInfo next, SnapshotDelta delta) {
        ServiceCidrInfo old = setKeepingEqual(serviceCidrs, name, next);
        serviceCidrCount = serviceCidrs.size();
        if (Objects.equals(old, next)) {
            return;
        }
        if (next == null) {
            delta.removeServiceCidr(name);
        } else {
            delta.putServiceCidr(next);
        }
    }

    private void service(ServiceKey key, ServiceInfo next, SnapshotDelta delta) {
        ServiceInfo held = services.get(key.namespace(), key.name());
        // a changed service keeps the key instance its slices hold
        ServiceInfo old = services.set(key.namespace(), key.name(), held == null || next == null ? next : next.sharingKey(held.key()));
        next = services.get(key.namespace(), key.name());
        if (Objects.equals(old, next) || !visible(key.namespace())) {
            return;
        }
        if (next == null) {
            delta.removeService(key);
        } else {
            delta.putService(next);
        }
    }

    private void slice(ObjectRef ref, EndpointSliceInfo next, SnapshotDelta delta) {
        EndpointSliceInfo old = slices.set(ref.namespace(), ref.name(), sharing(ref.namespace(), next));
        next = slices.get(ref.namespace(), ref.name());
        if (Objects.equals(old, next) || !visible(ref.namespace())) {
            return;
        }
        if (old != null && (next == null || !old.service().equals(next.service()))) {
            delta.removeSlice(old.service(), old.name());
        }
        if (next != null) {
            delta.putSlice(next);
        }
    }

    private void pod(ObjectRef ref, PodInfo next, SnapshotDelta delta) {
        PodInfo held = pods.get(ref.namespace(), ref.name());
        // a changed pod keeps the name String its endpoints hold
        PodInfo old = pods.set(ref.namespace(), ref.name(), held == null || next == null ? next : next.sharingName(held.name()));
        next = pods.get(ref.namespace(), ref.name());
        if (Objects.equals(old, next) || !visible(ref.namespace())) {
            return;
        }
        if (next == null) {
            delta.removePod(ref.namespace(), ref.name());
        } else {
            delta.putPod(next);
        }
    }

    private void serviceImport(ObjectRef ref, ServiceImportInfo next, SnapshotDelta delta) {
        ServiceImportInfo old = serviceImports.set(ref.namespace(), ref.name(), next);
        if (Objects.equals(old, next) || !visible(ref.namespace())) {
            return;
        }
        if (next == null) {
            delta.removeServiceImport(ServiceKey.of(ref.namespace(), ref.name()));
        } else {
            delta.putServiceImport(next);
        }
    }

    /** Like a slice of a Service: one whose service-name label changed leaves its old import and joins the new one. */
    private void importedSlice(ObjectRef ref, ImportedSliceInfo next, SnapshotDelta delta) {
        ImportedSliceInfo old = importedSlices.set(ref.namespace(), ref.name(), next);
        if (Objects.equals(old, next) || !visible(ref.namespace())) {
            return;
        }
        if (old != null && (next == null || !old.importKey().equals(next.importKey()))) {
            delta.removeImportedSlice(old.importKey(), old.name());
        }
        if (next != null) {
            delta.putImportedSlice(next);
        }
    }

    private boolean visible(String namespace) {
        return !filterNamespaces || namespaces.containsKey(namespace);
    }

    /**
     * {@code slice} with its service's key instance when that service is held
     * ({@link EndpointSliceInfo#sharingService}) and the names of the pods held in
     * {@code namespace} ({@link EndpointSliceInfo#sharingPodNames}).
     */
    private EndpointSliceInfo sharing(String namespace, EndpointSliceInfo slice) {
        if (slice == null) {
            return null;
        }
        ServiceInfo service = services.get(slice.service().namespace(), slice.service().name());
        EndpointSliceInfo shared = service == null ? slice : slice.sharingService(service.key());
        if (pods.size == 0) {
            return shared;
        }
        return shared.sharingPodNames(name -> {
            PodInfo pod = pods.get(namespace, name);
            return pod == null ? null : pod.name();
        });
    }

    /** Sets (null = removes) and returns the previous value; a value equal to the one held leaves that one held. */
    private static <V> V setKeepingEqual(Map<String, V> map, String name, V next) {
        if (next == null) {
            return map.remove(name);
        }
        V old = map.get(name);
        if (!next.equals(old)) {
            map.put(name, next);
        }
        return old;
    }

    /**
     * A complete snapshot of the visible objects (the first publish). Slices received before their
     * services or pods share the services' keys and the pods' names from here on.
     */
    ClusterSnapshot snapshot(long version, Instant at) {
        slices.replaceAll(this::sharing);
        return new ClusterSnapshot(version, at, services.visible(this), slices.visible(this), pods.visible(this), namespaces.values(),
                serviceImports.visible(this), importedSlices.visible(this), nodes.values(), serviceCidrs.values());
    }

    /** Objects held per kind (visible or not); safe to call from any thread. */
    int count(WatchedKind kind) {
        return switch (kind) {
            case SERVICES -> services.size;
            case ENDPOINT_SLICES -> slices.size;
            case PODS -> pods.size;
            case NAMESPACES -> namespaceCount;
            case SERVICE_IMPORTS -> serviceImports.size;
            case IMPORTED_ENDPOINT_SLICES -> importedSlices.size;
            case NODES -> nodeCount;
            case SERVICE_CIDRS -> serviceCidrCount;
        };
    }

    /**
     * namespace → name → record, so a namespace's objects can be found when its visibility changes;
     * a namespace's records are {@link NamedValues}, each found by its own name.
     */
    private static final class Table<V> {
        private final Function<? super V, String> nameOf;
        private final Map<String, NamedValues<V>> byNamespace = new HashMap<>();
        /** Written by the publisher thread only. */
        private volatile int size;

        Table(Function<? super V, String> nameOf) {
            this.nameOf = nameOf;
        }

        /**
         * Sets (null = removes) and returns the previous value. A value equal to the one held
         * leaves that one held: it is the instance the snapshots hold, and replacing it would keep
         * two copies of an object (a pod's status update that changes nothing DNS keeps, say).
         */
        V set(String namespace, String name, V value) {
            V old;
            if (value == null) {
                NamedValues<V> names = byNamespace.get(namespace);
                old = names == null ? null : names.remove(name);
                if (names != null && names.isEmpty()) {
                    byNamespace.remove(namespace);
                }
            } else {
                NamedValues<V> names = byNamespace.computeIfAbsent(namespace, k -> new NamedValues<>(nameOf));
                old = names.get(name);
                if (!value.equals(old)) {
                    names.put(name, value);
                }
            }
            size += (value == null ? 0 : 1) - (old == null ? 0 : 1);
            return old;
        }

        /** The value held for {@code namespace}/{@code name}, null when none. */
        V get(String namespace, String name) {
            NamedValues<V> names = byNamespace.get(namespace);
            return names == null ? null : names.get(name);
        }

        /** Replaces each held value by {@code change}'s result for it (namespace, value), which has the same name. */
        void replaceAll(BiFunction<String, V, V> change) {
            byNamespace.forEach((ns, names) -> {
                List<V> changed = new ArrayList<>();
                for (V v : names) {
                    V next = change.apply(ns, v);
                    if (next != v) {
                        changed.add(next);
                    }
                }
                changed.forEach(v -> names.put(nameOf.apply(v), v));
            });
        }

        Collection<V> in(String namespace) {
            NamedValues<V> names = byNamespace.get(namespace);
            return names == null ? List.of() : names;
        }

        List<V> visible(ClusterState state) {
            List<V> out = new ArrayList<>(size);
            byNamespace.forEach((ns, names) -> {
                if (state.visible(ns)) {
                    out.addAll(names);
                }
            });
            return out;
        }
    }

}
