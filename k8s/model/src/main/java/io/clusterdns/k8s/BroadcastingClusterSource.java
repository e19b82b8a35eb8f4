package io.clusterdns.k8s;

import io.clusterdns.k8s.model.ClusterSnapshot;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A {@link ClusterSource} whose snapshots go out through its own {@link SnapshotBroadcaster}: what
 * readers ask (the current snapshot, whether one was published, subscriptions, publish reports) is
 * the broadcaster's, so each source only decides what to publish and when.
 */
public abstract class BroadcastingClusterSource implements ClusterSource {
    /** Publishing is the subclass's; readers reach it only through the {@link ClusterSource} methods. */
    protected final SnapshotBroadcaster broadcaster;

    /** @param onListenerFailure see {@link SnapshotBroadcaster#SnapshotBroadcaster} */
    protected BroadcastingClusterSource(BiConsumer<String, RuntimeException> onListenerFailure) {
        this.broadcaster = new SnapshotBroadcaster(onListenerFailure);
    }

    @Override
    public ClusterSnapshot current() {
        return broadcaster.current();
    }

    /** True once a snapshot was published. */
    @Override
    public boolean hasSynced() {
        return broadcaster.synced();
    }

    @Override
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        return broadcaster.awaitFirst(timeout);
    }

    @Override
    public void subscribe(Consumer<ClusterSnapshot> listener) {
        broadcaster.subscribe(listener);
    }

    @Override
    public void onPublish(Consumer<PublishReport> listener) {
        broadcaster.onPublish(listener);
    }
}
