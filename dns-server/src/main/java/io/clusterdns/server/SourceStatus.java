package io.clusterdns.server;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.informer.InformerClusterSource;
import io.clusterdns.k8s.informer.SourceHealth;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What {@code /health}, {@code /ready}, the startup log lines and the metrics learn from a cluster
 * source beyond {@link ClusterSource}: per-kind sync progress, whether it can still follow the
 * cluster, and its own counters. A source may implement this itself (the tests' fake does);
 * {@link #of} adapts the known ones.
 */
public interface SourceStatus {

    /** Sync progress for humans: {@code services synced, endpointslices waiting, namespaces synced}. */
    String syncStatus();

    /** Unhealthy once the source stopped following the cluster for good (the last snapshot keeps serving). */
    SourceHealth health();

    /** Registers the source's own meters; called once. */
    default void bindMetrics(MeterRegistry registry) {
    }

    /** The status of {@code source}: its own when it implements this interface. */
    static SourceStatus of(ClusterSource source) {
        if (source instanceof SourceStatus own) {
            return own;
        }
        if (source instanceof InformerClusterSource informers) {
            return new InformerSourceStatus(informers);
        }
        // The manifest source loads synchronously and a broken edit keeps the last good state
        // serving: nothing it does makes the process unhealthy.
        return new SourceStatus() {
            @Override
            public String syncStatus() {
                return source.hasSynced() ? "synced" : "waiting";
            }

            @Override
            public SourceHealth health() {
                return SourceHealth.HEALTHY;
            }
        };
    }
}
