package io.clusterdns.k8s;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What a source serves while it answers from a snapshot persisted by an earlier run because the
 * API server has not synced yet ({@link ClusterSource#stale()}).
 *
 * @param file      the snapshot file
 * @param writtenAt when the earlier run wrote it: the last time the data was known to be current
 */
public record StaleSnapshot(String file, Instant writtenAt) {
    public StaleSnapshot {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(writtenAt, "writtenAt");
    }

    /** How old the data is at {@code now} (never negative, should the clock have stepped back). */
    public Duration age(Instant now) {
        Duration d = Duration.between(writtenAt, now);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** {@code stale: serving the snapshot persisted in F at T (age 42s) until the Kubernetes API syncs: services waiting; last error: ...}. */
    public String describe(Instant now, SyncStatus status) {
        return "stale: serving the snapshot persisted in " + file + " at " + writtenAt + " (age " + age(now).toSeconds()
                + "s) until the Kubernetes API syncs: " + status.describe();
    }
}
