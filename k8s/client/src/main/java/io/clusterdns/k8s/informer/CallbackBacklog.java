package io.clusterdns.k8s.informer;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many objects an informer has stored but its callbacks have not converted yet, and the brake
 * that keeps that number bounded. fabric8 stores each object of a list page (or watch event) and
 * queues an event holding the whole fabric8 object for the callbacks, without waiting for them:
 * when the callbacks are slower than the list (a busy node, the first list of a large cluster, a
 * relist in which much changed), every object of the kind can end up queued at once. The store
 * ({@link ResourceVersionStore#put}) calls {@link #stored} on the list/watch thread, which then waits
 * while more than {@code limit} events are queued; the callbacks call {@link #converted}.
 *
 * <p>fabric8 queues an event exactly when the stored resourceVersion is new or different, the
 * rule the store counts by. Should the count drift all the same (an event lost when an informer
 * stops), a wait ends after {@link #MAX_WAIT} and the count starts again from zero: slower,
 * never stuck.
 */
final class CallbackBacklog {
    static final Duration MAX_WAIT = Duration.ofSeconds(1);

    private final int limit;
    private final long maxWaitNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private int queued;

    /** @param limit events queued before the list/watch thread waits; 0 for no limit */
    CallbackBacklog(int limit) {
        this(limit, MAX_WAIT);
    }

    /** @param maxWait the longest one wait lasts before the count is assumed to have drifted */
    CallbackBacklog(int limit, Duration maxWait) {
        this.limit = limit;
        this.maxWaitNanos = maxWait.toNanos();
    }

    /** An event was queued for the callbacks; waits while too many are. */
    void stored() {
        lock.lock();
        try {
            queued++;
            if (limit <= 0) {
                return;
            }
            long left = maxWaitNanos;
            while (queued > limit) {
                if (left <= 0) {
                    queued = 0;
                    return;
                }
                left = drained.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            // the informer is stopping: let it
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** The callbacks are done with one queued event. */
    void converted() {
        lock.lock();
        try {
            if (queued > 0) {
                queued--;
            }
            if (queued <= limit) {
                drained.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Events queued and not yet converted (for tests). */
    int queued() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }
}
