package io.clusterdns.k8s;

import io.clusterdns.k8s.model.ClusterSnapshot;
import java.util.function.Consumer;

/**
 * Where cluster state comes from: Kubernetes manifests on disk or a live API server. A source
 * publishes immutable snapshots; listeners are called from the source's single publisher thread,
 * one snapshot at a time, and must not block for long.
 */
public interface ClusterSource extends AutoCloseable {

    /** Starts loading/watching. Returns once started; use {@link #hasSynced()} for the first complete view. */
    void start();

    /** The latest published snapshot ({@link ClusterSnapshot#EMPTY} before the first). */
    ClusterSnapshot current();

    /** True once a complete view of the cluster has been published at least once. */
    boolean hasSynced();

    /** Registers a listener for every snapshot published after this call; it is also called at once with the current one if synced. */
    void subscribe(Consumer<ClusterSnapshot> listener);

    @Override
    void close();
}
