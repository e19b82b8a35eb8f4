package io.clusterdns.k8s.persist;

import io.clusterdns.k8s.ClusterSource;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The persisted snapshot's meters, described once for every program (this module has no metrics
 * library: each program registers them in its own registry, a {@link Meter#counter()} as a
 * function counter, the others as gauges):
 *
 * <pre>
 * clusterdns_cluster_snapshot_stale                      1 while answering from the snapshot persisted by an earlier run
 * clusterdns_cluster_snapshot_stale_age_seconds          how old that snapshot is (since it was written), 0 when live
 * clusterdns_snapshot_file_writes_total                  snapshot files written
 * clusterdns_snapshot_file_write_failures_total{reason}  writes that failed: disk_full, not_writable, io_error
 * clusterdns_snapshot_file_last_write_timestamp_seconds  when the file was last written, 0 before
 * clusterdns_snapshot_file_bytes                         its size then
 * </pre>
 *
 * The stale pair exists for every source (always 0 without persistence); the file meters only
 * when the source persists.
 */
public final class SnapshotMeters {
    /** One meter, in Micrometer's dotted naming ({@code baseUnit} null when none). */
    public record Meter(String name, String description, String baseUnit, Map<String, String> tags, boolean counter, DoubleSupplier value) {
    }

    private SnapshotMeters() {
    }

    public static List<Meter> of(ClusterSource source, Clock clock) {
        List<Meter> out = new ArrayList<>();
        out.add(new Meter("clusterdns.cluster.snapshot.stale",
                "1 while answers come from the cluster snapshot persisted by an earlier run, until the Kubernetes API syncs.", null,
                Map.of(), false, () -> source.stale().isPresent() ? 1 : 0));
        out.add(new Meter("clusterdns.cluster.snapshot.stale.age",
                "Age of the persisted snapshot answered from (since it was written), 0 when answering from live data.", "seconds",
                Map.of(), false, () -> source.stale().map(s -> s.age(clock.instant()).toMillis() / 1000.0).orElse(0.0)));
        if (!(source instanceof PersistedClusterSource persisted)) {
            return out;
        }
        SnapshotWriter writer = persisted.writer();
        out.add(new Meter("clusterdns.snapshot.file.writes", "Cluster snapshot files written.", null, Map.of(), true,
                () -> writer.stats().writes()));
        for (WriteFailure kind : WriteFailure.values()) {
            out.add(new Meter("clusterdns.snapshot.file.write.failures",
                    "Cluster snapshot file writes that failed (the file keeps its last version; retried with the next change).", null,
                    Map.of("reason", kind.label()), true, () -> writer.stats().failures(kind)));
        }
        out.add(new Meter("clusterdns.snapshot.file.last.write.timestamp", "Unix time the cluster snapshot file was last written, 0 before.",
                "seconds", Map.of(), false, () -> {
                    Instant at = writer.stats().lastWritten();
                    return at == null ? 0 : at.toEpochMilli() / 1000.0;
                }));
        out.add(new Meter("clusterdns.snapshot.file", "Size of the cluster snapshot file last written.", "bytes", Map.of(), false,
                () -> writer.stats().lastBytes()));
        return out;
    }
}
