package io.clusterdns.server;

import io.clusterdns.k8s.SourceHealth;
import io.clusterdns.k8s.SyncStatus;
import io.clusterdns.k8s.WatchedKind;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.testing.PublishingClusterSource;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A cluster source fed by the test ({@link PublishingClusterSource}) that also reports the sync
 * status and health the test sets, as the informer source does, and can fail to start.
 */
final class SnapshotSource extends PublishingClusterSource {
    /** What an informer source says before its first list arrived. */
    static final String WAITING = "services waiting, endpointslices waiting, namespaces synced";

    private final RuntimeException startFailure;
    private final CountDownLatch started = new CountDownLatch(1);
    /** Holds start() until counted down, as a long manifest read (null: start() returns at once). */
    private final CountDownLatch startHeld;

    SnapshotSource(ClusterSnapshot initial) {
        this(initial, null, null);
    }

    private SnapshotSource(ClusterSnapshot initial, RuntimeException startFailure, CountDownLatch startHeld) {
        super(initial);
        this.startFailure = startFailure;
        this.startHeld = startHeld;
    }

    /** A source whose start() throws {@code failure}, as a bad manifest does. */
    static SnapshotSource failingToStart(RuntimeException failure) {
        return new SnapshotSource(null, failure, null);
    }

    /**
     * A source whose start() publishes {@code initial} (as a manifest source publishes what it
     * read) only once {@code release} is counted down; {@link #awaitStarted} says when it began.
     */
    static SnapshotSource startingWhen(CountDownLatch release, ClusterSnapshot initial) {
        return new SnapshotSource(initial, null, release);
    }

    @Override
    public void start() {
        if (startFailure != null) {
            throw startFailure;
        }
        started.countDown();
        if (startHeld != null) {
            try {
                if (!startHeld.await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("start() held for 5 minutes: the test never released it");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("start() interrupted", e);
            }
        }
        super.start();
    }

    /** Waits (at most {@code seconds}) until start() has been called; true if it was. */
    boolean awaitStarted(long seconds) throws InterruptedException {
        return started.await(seconds, TimeUnit.SECONDS);
    }

    /** From now on health() says so, as an informer source whose informer stopped for good. */
    void failForGood(String reason) {
        setHealth(SourceHealth.unhealthy(reason));
    }

    @Override
    public SyncStatus syncStatus() {
        Map<WatchedKind, SyncStatus.State> kinds = new EnumMap<>(WatchedKind.class);
        SyncStatus.State state = hasSynced() ? SyncStatus.State.SYNCED : SyncStatus.State.WAITING;
        kinds.put(WatchedKind.SERVICES, state);
        kinds.put(WatchedKind.ENDPOINT_SLICES, state);
        kinds.put(WatchedKind.NAMESPACES, SyncStatus.State.SYNCED);
        return new SyncStatus(hasSynced(), kinds);
    }
}
