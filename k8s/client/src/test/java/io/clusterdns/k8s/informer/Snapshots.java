package io.clusterdns.k8s.informer;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.testing.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Collects published snapshots for a test to wait on ({@link Await}: a deadline, never a fixed sleep).
 * Also checks on every snapshot that versions come in order without gaps.
 */
final class Snapshots implements Consumer<ClusterSnapshot> {
    private final BlockingQueue<ClusterSnapshot> queue = new LinkedBlockingQueue<>();
    private final List<String> orderErrors = new ArrayList<>();
    private long lastVersion;

    @Override
    public synchronized void accept(ClusterSnapshot snapshot) {
        if (lastVersion != 0 && snapshot.version() != lastVersion + 1) {
            orderErrors.add("version " + snapshot.version() + " after " + lastVersion);
        }
        lastVersion = snapshot.version();
        queue.add(snapshot);
    }

    /** The next published snapshot; fails after {@link Await#DEADLINE}. */
    ClusterSnapshot next() {
        ClusterSnapshot s = Await.next("a published snapshot", queue);
        checkOrder();
        return s;
    }

    /** Skips snapshots until one matches; fails after {@link Await#DEADLINE}. */
    ClusterSnapshot until(String what, Predicate<ClusterSnapshot> condition) {
        ClusterSnapshot s = Await.nextMatching("a snapshot with " + what, queue, condition);
        checkOrder();
        return s;
    }

    /** {@link #until(String, Predicate)} with its own {@code deadline}. */
    ClusterSnapshot until(String what, java.time.Duration deadline, Predicate<ClusterSnapshot> condition) {
        ClusterSnapshot s = Await.nextMatching("a snapshot with " + what, deadline, queue, condition);
        checkOrder();
        return s;
    }

    /** Nothing published since the last one taken. */
    void assertNoneQueued() {
        assertThat(queue).as("snapshots published").isEmpty();
    }

    private synchronized void checkOrder() {
        assertThat(orderErrors).as("snapshot versions in order without gaps").isEmpty();
    }
}
