package io.clusterdns.k8s.testing;

import io.clusterdns.k8s.BroadcastingClusterSource;
import io.clusterdns.k8s.PublishReport;
import io.clusterdns.k8s.SnapshotBroadcaster;
import io.clusterdns.k8s.SourceHealth;
import io.clusterdns.k8s.SourceStats;
import io.clusterdns.k8s.SyncStatus;
import io.clusterdns.k8s.WatchedKind;
import io.clusterdns.k8s.model.ClusterSnapshot;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A cluster source fed by the test (shipped in the k8s test-jar for every module's tests):
 * publishes {@code initial} on {@link #start} (nothing when null), then whatever {@link #publish}
 * gets, through the same {@link SnapshotBroadcaster} as the real sources. Its health and sync
 * status are whatever the test sets.
 */
public class PublishingClusterSource extends BroadcastingClusterSource {
    private final ClusterSnapshot initial;
    private volatile SourceHealth health = SourceHealth.HEALTHY;
    private volatile boolean closed;

    public PublishingClusterSource(ClusterSnapshot initial) {
        super((what, e) -> {
            throw new AssertionError(what, e);
        });
        this.initial = initial;
    }

    @Override
    public void start() {
        if (initial != null) {
            publish(initial);
        }
    }

    /** Publishes a snapshot as a source's publisher would: it becomes current, then listeners see it. */
    public synchronized void publish(ClusterSnapshot snapshot) {
        broadcaster.publish(snapshot, () -> new PublishReport(snapshot.version(), snapshot.version() <= 1, 0, Duration.ZERO, List.of()));
    }

    /** What {@link #health()} says from now on. */
    public void setHealth(SourceHealth value) {
        health = value;
    }






    /** Services and endpointslices: synced once something was published, else waiting. */
    @Override
    public SyncStatus syncStatus() {
        Map<WatchedKind, SyncStatus.State> kinds = new EnumMap<>(WatchedKind.class);
        SyncStatus.State state = hasSynced() ? SyncStatus.State.SYNCED : SyncStatus.State.WAITING;
        kinds.put(WatchedKind.SERVICES, state);
        kinds.put(WatchedKind.ENDPOINT_SLICES, state);
        return new SyncStatus(hasSynced(), kinds);
    }

    @Override
    public SourceHealth health() {
        return health;
    }

    @Override
    public SourceStats stats() {
        return new SourceStats(broadcaster.publishCount(), current().version(), broadcaster.lastPublished(), Map.of(), Map.of(), 0);
    }

    @Override
    public String describe() {
        return "test source";
    }

    @Override
    public void close() {
        closed = true;
    }

    public boolean closed() {
        return closed;
    }
}
