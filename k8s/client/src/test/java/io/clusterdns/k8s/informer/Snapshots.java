package io.clusterdns.k8s.informer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.clusterdns.k8s.model.ClusterSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Collects published snapshots for a test to wait on, with a deadline and never a fixed sleep.
 * Also checks on every snapshot that versions come in order without gaps.
 */
final class Snapshots implements Consumer<ClusterSnapshot> {
    static final Duration DEADLINE = Duration.ofSeconds(15);

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

    /** The next published snapshot; fails after the deadline. */
    ClusterSnapshot next() {
        try {
            ClusterSnapshot s = queue.poll(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            if (s == null) {
                fail("no snapshot published within " + DEADLINE);
            }
            checkOrder();
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Skips snapshots until one matches; fails after the deadline. */
    ClusterSnapshot until(String what, Predicate<ClusterSnapshot> condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            ClusterSnapshot s;
            try {
                s = queue.poll(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (s == null) {
                fail("no snapshot with " + what + " within " + DEADLINE);
            }
            checkOrder();
            if (condition.test(s)) {
                return s;
            }
        }
    }

    /** Nothing published since the last one taken. */
    void assertNoneQueued() {
        assertThat(queue).as("snapshots published").isEmpty();
    }

    private synchronized void checkOrder() {
        assertThat(orderErrors).as("snapshot versions in order without gaps").isEmpty();
    }

    /** Polls a condition every millisecond until it holds; fails after the deadline. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + DEADLINE + " waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
