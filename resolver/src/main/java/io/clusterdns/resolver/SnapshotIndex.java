package io.clusterdns.resolver;

import io.clusterdns.k8s.model.ClusterSnapshot;

/**
 * A zone's answers precomputed from cluster snapshots: {@link #update} runs on the source's
 * publisher thread, off the query path, and publishes the new index for lock-free queries. The
 * cluster zone ({@link Resolver}) and the clusterset zone ({@link ClusterSetResolver}) are both
 * kept up to date by whoever follows the source.
 */
public interface SnapshotIndex {

    /** Rebuilds the index for a new snapshot and publishes it. Call from one thread. */
    void update(ClusterSnapshot snapshot);

    /** True once a snapshot has been applied; before that in-zone names get {@link Answer.NotSynced}. */
    boolean synced();

    /** Version of the snapshot the answers come from (-1 before the first). */
    long version();
}
