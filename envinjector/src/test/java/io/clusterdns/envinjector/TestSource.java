package io.clusterdns.envinjector;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.model.ClusterSnapshot;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A cluster source fed by the test: publishes {@code initial} on start (nothing when null), then whatever {@link #publish} gets. */
final class TestSource implements ClusterSource {
    private final ClusterSnapshot initial;
    private final List<Consumer<ClusterSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private volatile ClusterSnapshot current = ClusterSnapshot.EMPTY;
    private volatile boolean synced;
    private volatile boolean closed;

    TestSource(ClusterSnapshot initial) {
        this.initial = initial;
    }

    @Override
    public void start() {
        if (initial != null) {
            publish(initial);
        }
    }

    synchronized void publish(ClusterSnapshot snapshot) {
        current = snapshot;
        synced = true;
        listeners.forEach(l -> l.accept(snapshot));
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
    public void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }
}
