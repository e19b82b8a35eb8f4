package io.clusterdns.k8s.persist;

import io.clusterdns.k8s.model.ClusterSnapshot;
import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot as read back from its file.
 *
 * @param snapshot       the cluster as the writing process last saw it, as version 1 (its creation
 *                       time is the one it had there)
 * @param writtenAt      when the file was written: the last time the writer knew the data to be current
 * @param writtenVersion the snapshot's version in the writing process (for log lines)
 */
public record PersistedSnapshot(ClusterSnapshot snapshot, Instant writtenAt, long writtenVersion) {
    public PersistedSnapshot {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(writtenAt, "writtenAt");
    }
}
