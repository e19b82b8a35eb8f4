package io.clusterdns.k8s.testing;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.model.ClusterSnapshot;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A cluster source fed by the test (shipped in the k8s test-jar for every module's tests):
 * publishes {@code initial} on {@link #start} (nothing when null), then whatever {@link #publish}
 * gets, to subscribers in order, like the real sources' single publisher.
 */
public class PublishingClusterSource implements ClusterSource {
    private final ClusterSnapshot initial;
    private final List<Consumer<ClusterSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private volatile ClusterSnapshot current = ClusterSnapshot.EMPTY;
    private volatile boolean synced;
    private volatile boolean closed;

    public PublishingClusterSource(ClusterSnapshot initial) {
        this.initial = initial;
    }

    @Override
    public void start() {
        if (initial != null) {
            publish(initial);
        }
    }

    /** Publishes a snapshot as the source's publisher would: it becomes current, then listeners see it. */
    public synchronized void publish(ClusterSnapshot snapshot) {
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

    public boolean closed() {
        return closed;
    }
}
