package io.clusterdns.k8s;

import io.clusterdns.k8s.model.ClusterSnapshot;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where cluster state comes from: Kubernetes manifests on disk or a live API server. A source
 * publishes immutable snapshots through a {@link SnapshotBroadcaster}; listeners are called from
 * the source's single publisher thread, one snapshot at a time, and must not block for long.
 *
 * <p>Everything a server needs to report about its source (for {@code /ready}, {@code /health},
 * the startup log and the metrics) is here, so that no caller has to know which kind of source it
 * holds.
 */
public interface ClusterSource extends AutoCloseable {

    /**
     * Starts loading/watching. Returns once started; use {@link #hasSynced()} or
     * {@link #awaitSynced} for the first complete view.
     *
     * @throws IllegalArgumentException when the source cannot start (a bad manifest, an unreadable
     *                                  kubeconfig); the message is one line fit for the user
     */
    void start();

    /**
     * Returns once {@link #start()}'s work is done, for a source that finishes it in the background
     * (a persisted snapshot serves while the live client is built); throws what the start threw.
     * Returns at once for sources whose {@code start()} does all of it.
     */
    default void awaitStarted() {
    }

    /** The latest published snapshot ({@link ClusterSnapshot#EMPTY} before the first). */
    ClusterSnapshot current();

    /** True once a complete view of the cluster has been published at least once. */
    boolean hasSynced();

    /**
     * Blocks the calling thread until the first snapshot is published or {@code timeout} passed;
     * {@link #syncStatus()} says what is missing when it returns false.
     */
    boolean awaitSynced(Duration timeout) throws InterruptedException;

    /**
     * Registers a listener for every snapshot published after this call; when already synced it is
     * also called at once, on the caller's thread, with the current one. A listener never sees
     * versions out of order.
     */
    void subscribe(Consumer<ClusterSnapshot> listener);

    /** Called on the publisher thread after each publish, once the snapshot listeners returned. */
    void onPublish(Consumer<PublishReport> listener);

    /** Per watched kind: waiting, synced or failed; and whether the first snapshot is out. */
    SyncStatus syncStatus();

    /**
     * Unhealthy, with the reasons, once the source stopped following the cluster for good (the last
     * snapshot keeps serving). Retried trouble (API server restarts, a broken manifest edit) keeps
     * it healthy.
     */
    SourceHealth health();

    /**
     * While the source answers from a snapshot an earlier run persisted, because the API server
     * has not synced yet: which one. Empty once live data replaced it, and for sources that
     * persist nothing.
     */
    default Optional<StaleSnapshot> stale() {
        return Optional.empty();
    }

    /** Counters for metrics. */
    SourceStats stats();

    /** What this source follows, for log lines: {@code manifests [k8s/examples]}, {@code Kubernetes API https://...}. */
    String describe();

    @Override
    void close();
}
