package io.clusterdns.server;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.informer.SourceHealth;
import io.clusterdns.k8s.model.ClusterSnapshot;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * A cluster source fed by the test: publishes {@code initial} on start (nothing when null), then
 * whatever {@link #publish} gets. It reports the sync status and health the test sets, as the
 * informer source does.
 */
final class SnapshotSource implements ClusterSource, SourceStatus {
    /** What an informer source says before its first list arrived. */
    static final String WAITING = "services waiting, endpointslices waiting, namespaces synced";

    private final ClusterSnapshot initial;
    private final RuntimeException startFailure;
    private final List<Consumer<ClusterSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile ClusterSnapshot current = ClusterSnapshot.EMPTY;
    private volatile boolean synced;
    private volatile boolean closed;
    private volatile SourceHealth health = SourceHealth.HEALTHY;

    SnapshotSource(ClusterSnapshot initial) {
        this(initial, null);
    }

    private SnapshotSource(ClusterSnapshot initial, RuntimeException startFailure) {
        this.initial = initial;
        this.startFailure = startFailure;
    }

    /** A source whose start() throws {@code failure}, as a bad manifest does. */
    static SnapshotSource failingToStart(RuntimeException failure) {
        return new SnapshotSource(null, failure);
    }

    @Override
    public void start() {
        if (startFailure != null) {
            throw startFailure;
        }
        started.countDown();
        if (initial != null) {
            publish(initial);
        }
    }

    /** Waits (at most {@code seconds}) until start() has been called; true if it was. */
    boolean awaitStarted(long seconds) throws InterruptedException {
        return started.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
    }

    synchronized void publish(ClusterSnapshot snapshot) {
        current = snapshot;
        synced = true;
        listeners.forEach(l -> l.accept(snapshot));
    }

    /** From now on health() says so, as an informer source whose informer stopped for good. */
    void failForGood(String reason) {
        health = SourceHealth.unhealthy(reason);
    }

    @Override
    public ClusterSnapshot current() {
        return current;
    }

    @Override
    public boolean hasSynced() {
        return synced;
    }

    @Override
    public synchronized void subscribe(Consumer<ClusterSnapshot> listener) {
        listeners.add(listener);
        if (synced) {
            listener.accept(current);
        }
    }

    @Override
    public String syncStatus() {
        return synced ? "services synced, endpointslices synced, namespaces synced" : WAITING;
    }

    @Override
    public SourceHealth health() {
        return health;
    }

    @Override
    public void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }
}
