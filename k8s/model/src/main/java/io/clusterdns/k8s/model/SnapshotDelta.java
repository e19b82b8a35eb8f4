package io.clusterdns.k8s.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Changes to apply to a {@link ClusterSnapshot}: upserts and deletes per object, later calls for
 * the same object replacing earlier ones (so a burst of events coalesces to the last state).
 * Mutable and single-threaded: the publisher fills one, applies it, and starts a new one.
 */
public final class SnapshotDelta {
    /** An EndpointSlice's identity: its service and its own name. */
    public record SliceKey(ServiceKey service, String name) {
    }

    final Map<ServiceKey, Optional<ServiceInfo>> services = new LinkedHashMap<>();
    final Map<SliceKey, Optional<EndpointSliceInfo>> slices = new LinkedHashMap<>();
    final Map<PodKey, Optional<PodInfo>> pods = new LinkedHashMap<>();
    final Map<String, Optional<NamespaceInfo>> namespaces = new LinkedHashMap<>();
    final Map<String, Optional<NodeInfo>> nodes = new LinkedHashMap<>();
    final Map<String, Optional<ServiceCidrInfo>> serviceCidrs = new LinkedHashMap<>();
    final Map<ServiceKey, Optional<ServiceImportInfo>> serviceImports = new LinkedHashMap<>();
    final Map<SliceKey, Optional<ImportedSliceInfo>> importedSlices = new LinkedHashMap<>();

    public SnapshotDelta putService(ServiceInfo service) {
        services.put(service.key(), Optional.of(service));
        return this;
    }

    public SnapshotDelta removeService(ServiceKey key) {
        services.put(key, Optional.empty());
        return this;
    }

    public SnapshotDelta putSlice(EndpointSliceInfo slice) {
        slices.put(new SliceKey(slice.service(), slice.name()), Optional.of(slice));
        return this;
    }

    public SnapshotDelta removeSlice(ServiceKey service, String sliceName) {
        slices.put(new SliceKey(service, sliceName), Optional.empty());
        return this;
    }

    public SnapshotDelta putPod(PodInfo pod) {
        pods.put(podKey(pod.namespace(), pod.name()), Optional.of(pod));
        return this;
    }

    public SnapshotDelta removePod(String namespace, String name) {
        pods.put(podKey(namespace, name), Optional.empty());
        return this;
    }

    public SnapshotDelta putNamespace(NamespaceInfo namespace) {
        namespaces.put(namespace.name(), Optional.of(namespace));
        return this;
    }

    public SnapshotDelta removeNamespace(String name) {
        namespaces.put(name, Optional.empty());
        return this;
    }

    public SnapshotDelta putNode(NodeInfo node) {
        nodes.put(node.name(), Optional.of(node));
        return this;
    }

    public SnapshotDelta removeNode(String name) {
        nodes.put(name, Optional.empty());
        return this;
    }

    public SnapshotDelta putServiceCidr(ServiceCidrInfo serviceCidr) {
        serviceCidrs.put(serviceCidr.name(), Optional.of(serviceCidr));
        return this;
    }

    public SnapshotDelta removeServiceCidr(String name) {
        serviceCidrs.put(name, Optional.empty());
        return this;
    }

    public SnapshotDelta putServiceImport(ServiceImportInfo serviceImport) {
        serviceImports.put(serviceImport.key(), Optional.of(serviceImport));
        return this;
    }

    public SnapshotDelta removeServiceImport(ServiceKey key) {
        serviceImports.put(key, Optional.empty());
        return this;
    }

    /** An imported slice, keyed by its ServiceImport and its own name. */
    public SnapshotDelta putImportedSlice(ImportedSliceInfo slice) {
        importedSlices.put(new SliceKey(slice.importKey(), slice.name()), Optional.of(slice));
        return this;
    }

    public SnapshotDelta removeImportedSlice(ServiceKey serviceImport, String sliceName) {
        importedSlices.put(new SliceKey(serviceImport, sliceName), Optional.empty());
        return this;
    }

    public boolean isEmpty() {
        return services.isEmpty() && slices.isEmpty() && pods.isEmpty() && namespaces.isEmpty()
                && serviceImports.isEmpty() && importedSlices.isEmpty() && nodes.isEmpty() && serviceCidrs.isEmpty();
    }

    /** Number of recorded object changes (after coalescing). */
    public int size() {
        return services.size() + slices.size() + pods.size() + namespaces.size() + serviceImports.size() + importedSlices.size() + nodes.size()
                + serviceCidrs.size();
    }

    public Map<ServiceKey, Optional<ServiceInfo>> services() {
        return Collections.unmodifiableMap(services);
    }

    public Map<SliceKey, Optional<EndpointSliceInfo>> slices() {
        return Collections.unmodifiableMap(slices);
    }

    static PodKey podKey(String namespace, String name) {
        return new PodKey(namespace, name);
    }

    /**
     * A pod's namespace and name, keeping the pod's own strings: a {@code namespace/name} string per
     * pod cost 9 MB at 150,000 pods. Its hash is that string's, so that maps keyed by it iterate
     * in the order they did when keyed by the string.
     */
    static final class PodKey {
        private final String namespace;
        private final String name;
        private final int hash;

        PodKey(String namespace, String name) {
            this.namespace = namespace;
            this.name = name;
            int h = namespace.hashCode() * 31 + '/';
            for (int i = 0; i < name.length(); i++) {
                h = 31 * h + name.charAt(i);
            }
            this.hash = h;
        }

        String namespace() {
            return namespace;
        }

        String name() {
            return name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PodKey k && k.hash == hash && k.name.equals(name) && k.namespace.equals(namespace);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }
}
