package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.server.metrics.DnsMetrics;
import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.persist.PersistedClusterSource;
import io.clusterdns.k8s.persist.SnapshotWriter;
import io.clusterdns.k8s.persist.WriteFailure;
import io.clusterdns.k8s.SourceStats;
import io.clusterdns.k8s.SyncStatus;
import io.clusterdns.k8s.WatchedKind;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;

/**
 * The cluster source's counters as meters (an informer source's, or the manifest source's):
 *
 * <pre>
 * clusterdns_source_objects{kind}                      objects received from the API server, per watched kind
 * clusterdns_source_synced{kind}                       1 once that informer delivered its first list
 * clusterdns_source_watching{kind}                     1 while its watch is open (0 for long: the API is unreachable)
 * clusterdns_source_healthy                            0 once an informer stopped for good (see /health)
 * clusterdns_source_snapshots_published_total          snapshots published
 * clusterdns_source_conversion_errors_total            objects skipped because they could not be converted
 * clusterdns_source_last_publish_timestamp_seconds     when the current snapshot was published
 * clusterdns_source_publish_delay_seconds              from the oldest change in a snapshot to its publication
 * clusterdns_cluster_snapshot_stale                    1 while answering from the snapshot persisted by an earlier run
 * clusterdns_cluster_snapshot_stale_age_seconds        how old that snapshot is (since it was written), 0 when live
 * clusterdns_snapshot_file_writes_total                snapshot files written (with --snapshot-file, on by default)
 * clusterdns_snapshot_file_write_failures_total{reason} writes that failed: disk_full, not_writable, io_error
 * clusterdns_snapshot_file_last_write_timestamp_seconds when the file was last written, 0 before
 * clusterdns_snapshot_file_bytes                       its size then
 * </pre>
 */
final class SourceMetrics {
    private SourceMetrics() {
    }

    /** Registers the meters of {@code source} (its watched kinds are those its sync status lists). */
    static void bind(ClusterSource source, MeterRegistry registry) {
        for (WatchedKind kind : source.syncStatus().kinds().keySet()) {
            Gauge.builder("clusterdns.source.objects", source, s -> s.stats().objects(kind))
                    .description("Objects received from the Kubernetes API, per watched kind.")
                    .tag("kind", kind.label()).register(registry);
            Gauge.builder("clusterdns.source.synced", source, s -> s.syncStatus().kinds().get(kind) == SyncStatus.State.SYNCED ? 1 : 0)
                    .description("1 once the informer of this kind has delivered its first list.")
                    .tag("kind", kind.label()).register(registry);
            Gauge.builder("clusterdns.source.watching", source, s -> s.stats().watching(kind) ? 1 : 0)
                    .description("1 while the watch of this kind is open; 0 for long means the API server is unreachable.")
                    .tag("kind", kind.label()).register(registry);
        }
        Gauge.builder("clusterdns.source.healthy", source, s -> s.health().isHealthy() ? 1 : 0)
                .description("0 once an informer stopped for good (the last snapshot keeps serving).").register(registry);
        FunctionCounter.builder("clusterdns.source.snapshots.published", source, s -> s.stats().snapshotsPublished())
                .description("Cluster snapshots published by the cluster source.").register(registry);
        FunctionCounter.builder("clusterdns.source.conversion.errors", source, s -> s.stats().conversionErrors())
                .description("Kubernetes objects skipped because they could not be converted.").register(registry);
        Gauge.builder("clusterdns.source.last.publish.timestamp", source, SourceMetrics::lastPublished)
                .description("Unix time the current cluster snapshot was published, 0 before the first.")
                .baseUnit("seconds").register(registry);
        bindPersistence(source, registry);
        Timer delay = Timer.builder("clusterdns.source.publish.delay")
                .description("From the oldest Kubernetes change in a snapshot to its publication (coalescing plus applying).")
                .serviceLevelObjectives(DnsMetrics.exponential(Duration.ofMillis(1), 14)).register(registry);
        source.onPublish(report -> {
            if (!report.first()) {
                delay.record(report.queued());
            }
        });
    }

    private static void bindPersistence(ClusterSource source, MeterRegistry registry) {
        Gauge.builder("clusterdns.cluster.snapshot.stale", source, s -> s.stale().isPresent() ? 1 : 0)
                .description("1 while DNS answers from the cluster snapshot persisted by an earlier run, until the Kubernetes API syncs.")
                .register(registry);
        Gauge.builder("clusterdns.cluster.snapshot.stale.age", source,
                        s -> s.stale().map(st -> st.age(Instant.now()).toMillis() / 1000.0).orElse(0.0))
                .description("Age of the persisted snapshot answered from (since it was written), 0 when answering from live data.")
                .baseUnit("seconds").register(registry);
        if (!(source instanceof PersistedClusterSource persisted)) {
            return;
        }
        SnapshotWriter writer = persisted.writer();
        FunctionCounter.builder("clusterdns.snapshot.file.writes", writer, w -> w.stats().writes())
                .description("Cluster snapshot files written.").register(registry);
        for (WriteFailure kind : WriteFailure.values()) {
            FunctionCounter.builder("clusterdns.snapshot.file.write.failures", writer, w -> w.stats().failures(kind))
                    .description("Cluster snapshot file writes that failed (the file keeps its last version; retried with the next change).")
                    .tag("reason", kind.label()).register(registry);
        }
        Gauge.builder("clusterdns.snapshot.file.last.write.timestamp", writer, w -> {
                    Instant at = w.stats().lastWritten();
                    return at == null ? 0 : at.toEpochMilli() / 1000.0;
                })
                .description("Unix time the cluster snapshot file was last written, 0 before.").baseUnit("seconds").register(registry);
        Gauge.builder("clusterdns.snapshot.file", writer, w -> w.stats().lastBytes())
                .description("Size of the cluster snapshot file last written.").baseUnit("bytes").register(registry);
    }

    private static double lastPublished(ClusterSource source) {
        SourceStats stats = source.stats();
        Instant at = stats.lastPublished();
        return at == null ? 0 : at.toEpochMilli() / 1000.0;
    }
}
