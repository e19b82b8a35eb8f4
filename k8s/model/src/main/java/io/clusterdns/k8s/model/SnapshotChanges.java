package io.clusterdns.k8s.model;

import java.util.Set;

/**
 * What differs between a snapshot and the one of the previous version, so that consumers can
 * update their own indexes incrementally. {@code full} means "assume everything changed" (the
 * first snapshot, or one built from scratch such as a manifest reload).
 */
public record SnapshotChanges(boolean full, Set<ServiceKey> services, boolean namespaces, boolean pods) {
    public static final SnapshotChanges FULL = new SnapshotChanges(true, Set.of(), true, true);

    public SnapshotChanges {
        services = Set.copyOf(services);
    }
}
