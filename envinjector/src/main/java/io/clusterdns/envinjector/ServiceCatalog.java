package io.clusterdns.envinjector;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The services the injector reads, indexed by namespace and sorted by name (the order the
 * default set is injected in). Immutable; {@link #next} derives the catalog of a new snapshot,
 * re-sorting only the namespaces whose services changed.
 */
public final class ServiceCatalog {
    /** Before the first snapshot: not synced, no services. */
    public static final ServiceCatalog EMPTY = new ServiceCatalog(ClusterSnapshot.EMPTY, Map.of(), false);

    private static final Comparator<ServiceInfo> BY_NAME = Comparator.comparing(ServiceInfo::name);

    private final ClusterSnapshot snapshot;
    private final Map<String, List<ServiceInfo>> byNamespace;
    private final boolean synced;

    private ServiceCatalog(ClusterSnapshot snapshot, Map<String, List<ServiceInfo>> byNamespace, boolean synced) {
        this.snapshot = snapshot;
        this.byNamespace = byNamespace;
        this.synced = synced;
    }

    /** A synced catalog built from scratch. */
    public static ServiceCatalog of(ClusterSnapshot snapshot) {
        Map<String, List<ServiceInfo>> index = new HashMap<>();
        for (ServiceInfo s : snapshot.services().values()) {
            index.computeIfAbsent(s.namespace(), ns -> new ArrayList<>()).add(s);
        }
        index.replaceAll((ns, list) -> sorted(list));
        return new ServiceCatalog(snapshot, Map.copyOf(index), true);
    }

    /**
     * The catalog of {@code snapshot}, reusing this one's index for the namespaces that did not
     * change. Falls back to a full rebuild when {@code snapshot} is not the direct successor.
     */
    public ServiceCatalog next(ClusterSnapshot snapshot) {
        if (!synced || snapshot.changes().full() || snapshot.version() != this.snapshot.version() + 1) {
            return of(snapshot);
        }
        Set<String> touched = new HashSet<>();
        for (ServiceKey key : snapshot.changes().services()) {
            touched.add(key.namespace());
        }
        if (touched.isEmpty()) {
            return new ServiceCatalog(snapshot, byNamespace, true);
        }
        Map<String, List<ServiceInfo>> index = new HashMap<>(byNamespace);
        Set<ServiceKey> changed = snapshot.changes().services();
        for (String ns : touched) {
            List<ServiceInfo> list = new ArrayList<>();
            for (ServiceInfo s : byNamespace.getOrDefault(ns, List.of())) {
                if (!changed.contains(s.key())) {
                    list.add(s);
                }
            }
            for (ServiceKey key : changed) {
                ServiceInfo s = key.namespace().equals(ns) ? snapshot.service(key) : null;
                if (s != null) {
                    list.add(s);
                }
            }
            if (list.isEmpty()) {
                index.remove(ns);
            } else {
                index.put(ns, sorted(list));
            }
        }
        return new ServiceCatalog(snapshot, Map.copyOf(index), true);
    }

    private static List<ServiceInfo> sorted(List<ServiceInfo> list) {
        list.sort(BY_NAME);
        return List.copyOf(list);
    }

    public boolean synced() {
        return synced;
    }

    public long version() {
        return snapshot.version();
    }

    /** The services of {@code namespace} sorted by name, empty when none. */
    public List<ServiceInfo> inNamespace(String namespace) {
        return byNamespace.getOrDefault(namespace, List.of());
    }

    /** One service, or null. */
    public ServiceInfo service(String namespace, String name) {
        return snapshot.service(ServiceKey.of(namespace, name));
    }

    /** The labels of a namespace, empty when it is unknown. */
    public Map<String, String> namespaceLabels(String namespace) {
        NamespaceInfo ns = snapshot.namespaces().get(namespace);
        return ns == null ? Map.of() : ns.labels();
    }

    public int serviceCount() {
        return snapshot.services().size();
    }
}
