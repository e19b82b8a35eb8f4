package io.clusterdns.k8s;

import io.clusterdns.k8s.model.ClusterSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The publishing half of every {@link ClusterSource}: holds the current snapshot and delivers each
 * new one to the subscribers, in version order, one at a time, then the {@link PublishReport} to
 * the report listeners. The informer source, the manifest source and the tests' fake all publish
 * through one of these, so the subscription rules are the same everywhere:
 *
 * <ul>
 *   <li>a subscriber added after the first publish is called at once, on the subscribing thread,
 *       with the current snapshot, and never sees an older one afterwards;</li>
 *   <li>a subscriber that throws costs only its own delivery (reported to {@code onListenerFailure});</li>
 *   <li>{@link #current()} is the new snapshot before any subscriber sees it.</li>
 * </ul>
 *
 * <p>{@link #publish} must be called from one thread at a time (a source's publisher thread).
 */
public final class SnapshotBroadcaster {
    private final List<Consumer<ClusterSnapshot>> listeners = new ArrayList<>();
    private final List<Consumer<PublishReport>> reportListeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstPublished = new CountDownLatch(1);
    private final BiConsumer<String, RuntimeException> onListenerFailure;
    private volatile ClusterSnapshot current = ClusterSnapshot.EMPTY;
    private volatile boolean synced;
    private volatile Instant lastPublished;
    private volatile long publishCount;

    /**
     * @param onListenerFailure told which listener failed on which version ({@code "snapshot listener
     *                          X failed on version 7"}) with the exception; the sources log it (this
     *                          module has no logging dependency)
     */
    public SnapshotBroadcaster(BiConsumer<String, RuntimeException> onListenerFailure) {
        this.onListenerFailure = Objects.requireNonNull(onListenerFailure, "onListenerFailure");
    }

    /**
     * Makes {@code snapshot} current and delivers it. {@code report} is asked for only when someone
     * listens for reports, after every snapshot listener returned (so latencies include them).
     */
    public void publish(ClusterSnapshot snapshot, Supplier<PublishReport> report) {
        synchronized (listeners) {
            current = snapshot;
            lastPublished = snapshot.createdAt();
            publishCount++;
            synced = true;
            // a copy: a listener may subscribe another one from its callback
            for (Consumer<ClusterSnapshot> l : List.copyOf(listeners)) {
                deliver(l, snapshot);
            }
        }
        firstPublished.countDown();
        if (reportListeners.isEmpty()) {
            return;
        }
        PublishReport done = report.get();
        for (Consumer<PublishReport> l : reportListeners) {
            try {
                l.accept(done);
            } catch (RuntimeException e) {
                onListenerFailure.accept("publish listener " + l + " failed on version " + done.version(), e);
            }
        }
    }

    private void deliver(Consumer<ClusterSnapshot> listener, ClusterSnapshot snapshot) {
        try {
            listener.accept(snapshot);
        } catch (RuntimeException e) {
            onListenerFailure.accept("snapshot listener " + listener + " failed on version " + snapshot.version(), e);
        }
    }

    /** See {@link ClusterSource#subscribe}. */
    public void subscribe(Consumer<ClusterSnapshot> listener) {
        synchronized (listeners) {
            listeners.add(listener);
            if (synced) {
                deliver(listener, current);
            }
        }
    }

    /** See {@link ClusterSource#onPublish}. */
    public void onPublish(Consumer<PublishReport> listener) {
        reportListeners.add(listener);
    }

    public ClusterSnapshot current() {
        return current;
    }

    /** True once something was published. */
    public boolean synced() {
        return synced;
    }

    /** Waits for the first publish at most {@code timeout}; true once it happened. */
    public boolean awaitFirst(Duration timeout) throws InterruptedException {
        return firstPublished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** When the current snapshot was made, null before the first. */
    public Instant lastPublished() {
        return lastPublished;
    }

    public long publishCount() {
        return publishCount;
    }
}
