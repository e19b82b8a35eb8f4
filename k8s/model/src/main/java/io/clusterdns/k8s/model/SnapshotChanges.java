package io.clusterdns.k8s.model;

import java.util.Set;

/**
 * What differs between a snapshot and the one of the previous version, so that consumers can
 * update their own indexes incrementally. {@code full} means "assume everything changed" (the
 * first snapshot, or one built from scratch such as a manifest reload). {@code serviceImports}
 * names the ServiceImports whose import or imported slices changed (the clusterset view).
 */
public record SnapshotChanges(boolean full, Set<ServiceKey> services, boolean namespaces, boolean pods,
                              Set<ServiceKey> serviceImports) {
    public static final SnapshotChanges FULL = new SnapshotChanges(true, Set.of(), true, true, Set.of());

    public SnapshotChanges {
        services = Set.copyOf(services);
        serviceImports = serviceImports == null ? Set.of() : Set.copyOf(serviceImports);
    }

    /** Changes that touch no ServiceImport. */
    public SnapshotChanges(boolean full, Set<ServiceKey> services, boolean namespaces, boolean pods) {
        this(full, services, namespaces, pods, Set.of());
    }
}
