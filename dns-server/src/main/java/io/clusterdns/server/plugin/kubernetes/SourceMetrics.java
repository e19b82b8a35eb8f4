package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.server.metrics.DnsMetrics;
import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.persist.SnapshotMeters;
import io.clusterdns.k8s.SourceStats;
import io.clusterdns.k8s.SyncStatus;
import io.clusterdns.k8s.WatchedKind;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
 * clusterdns_cluster_snapshot_stale..., clusterdns_snapshot_file_...   the persisted snapshot's, see {@link SnapshotMeters}
 * </pre>
 */
final class SourceMetrics {
    private SourceMetrics() {
    }

    /**
     * The publish delay timer, registered with the backend: every backend's source adds to the
     * same series (a timer of the same name is shared, and a source is listened to once).
     */
    static void bindTimers(ClusterSource source, MeterRegistry registry) {
        Timer delay = Timer.builder("clusterdns.source.publish.delay")
                .description("From the oldest Kubernetes change in a snapshot to its publication (coalescing plus applying).")
                .serviceLevelObjectives(DnsMetrics.exponential(Duration.ofMillis(1), 14)).register(registry);
        source.onPublish(report -> {
            if (!report.first()) {
                delay.record(report.queued());
            }
        });
    }

    /**
     * Registers the meters that read {@code source} (its watched kinds are those its sync status
     * lists) and returns them, for {@link KubernetesBackend#bindMeters}: one backend's at a time.
     */
    static List<Meter> functionMeters(ClusterSource source, MeterRegistry registry) {
        List<Meter> out = new ArrayList<>();
        for (WatchedKind kind : source.syncStatus().kinds().keySet()) {
            out.add(Gauge.builder("clusterdns.source.objects", source, s -> s.stats().objects(kind))
                    .description("Objects received from the Kubernetes API, per watched kind.")
                    .tag("kind", kind.label()).register(registry));
            out.add(Gauge.builder("clusterdns.source.synced", source, s -> s.syncStatus().kinds().get(kind) == SyncStatus.State.SYNCED ? 1 : 0)
                    .description("1 once the informer of this kind has delivered its first list.")
                    .tag("kind", kind.label()).register(registry));
            out.add(Gauge.builder("clusterdns.source.watching", source, s -> s.stats().watching(kind) ? 1 : 0)
                    .description("1 while the watch of this kind is open; 0 for long means the API server is unreachable.")
                    .tag("kind", kind.label()).register(registry));
        }
        out.add(Gauge.builder("clusterdns.source.healthy", source, s -> s.health().isHealthy() ? 1 : 0)
                .description("0 once an informer stopped for good (the last snapshot keeps serving).").register(registry));
        out.add(FunctionCounter.builder("clusterdns.source.snapshots.published", source, s -> s.stats().snapshotsPublished())
                .description("Cluster snapshots published by the cluster source.").register(registry));
        out.add(FunctionCounter.builder("clusterdns.source.conversion.errors", source, s -> s.stats().conversionErrors())
                .description("Kubernetes objects skipped because they could not be converted.").register(registry));
        out.add(Gauge.builder("clusterdns.source.last.publish.timestamp", source, SourceMetrics::lastPublished)
                .description("Unix time the current cluster snapshot was published, 0 before the first.")
                .baseUnit("seconds").register(registry));
        out.addAll(persistence(source, registry));
        return out;
    }

    /**
     * The persisted snapshot's meters ({@link SnapshotMeters}), weakly tied to the source (which the
     * backend holds) as Micrometer's function meters are: tied to the short-lived description they
     * would read NaN after a garbage collection.
     */
    private static List<Meter> persistence(ClusterSource source, MeterRegistry registry) {
        List<Meter> out = new ArrayList<>();
        for (SnapshotMeters.Meter m : SnapshotMeters.of(source, Clock.systemUTC())) {
            Tags tags = Tags.of(m.tags().entrySet().stream().map(e -> Tag.of(e.getKey(), e.getValue())).toList());
            if (m.counter()) {
                out.add(FunctionCounter.builder(m.name(), source, s -> m.value().getAsDouble()).description(m.description())
                        .tags(tags).register(registry));
            } else {
                out.add(Gauge.builder(m.name(), source, s -> m.value().getAsDouble()).description(m.description()).baseUnit(m.baseUnit())
                        .tags(tags).register(registry));
            }
        }
        return out;
    }

    private static double lastPublished(ClusterSource source) {
        SourceStats stats = source.stats();
        Instant at = stats.lastPublished();
        return at == null ? 0 : at.toEpochMilli() / 1000.0;
    }
}
