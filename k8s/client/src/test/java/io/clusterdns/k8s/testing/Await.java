package io.clusterdns.k8s.testing;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one way tests wait (shipped in the k8s test-jar for every module's tests): for a condition,
 * for a probe's value, or for the next element of a queue, always up to a deadline and never for
 * a fixed time. The deadline is generous on purpose: CI machines are shared and busy, a passing
 * test returns as soon as the condition holds, and only a failing one waits it out.
 *
 * <p>What tests must not do is assert that something did NOT happen within some milliseconds of
 * wall time: drive such code with a fake clock instead.
 */
public final class Await {
    /** How long a test waits for something that should happen, unless it says otherwise. */
    public static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private Await() {
    }

    /** Polls {@code condition} until it holds; fails after {@link #DEADLINE} naming {@code what}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, DEADLINE, condition);
    }

    /** Polls {@code condition} until it holds; fails after {@code deadline} naming {@code what}. */
    public static void until(String what, Duration deadline, BooleanSupplier condition) {
        until(what, deadline, condition::getAsBoolean, ok -> ok);
    }

    /**
     * Polls {@code probe} until {@code done} accepts its value and returns that value; fails after
     * {@link #DEADLINE} with the last value seen (or the last exception the probe threw).
     */
    public static <T> T until(String what, Supplier<T> probe, Predicate<? super T> done) {
        return until(what, DEADLINE, probe, done);
    }

    /** {@link #until(String, Supplier, Predicate)} with its own deadline. */
    public static <T> T until(String what, Duration deadline, Supplier<T> probe, Predicate<? super T> done) {
        long end = System.nanoTime() + deadline.toNanos();
        Object last = "nothing (never probed)";
        while (true) {
            try {
                T value = probe.get();
                if (done.test(value)) {
                    return value;
                }
                last = value;
            } catch (RuntimeException e) {
                // e.g. a connection refused while a server starts: keep probing, report the last one
                last = e;
            }
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out after " + deadline.toSeconds() + " s waiting for " + what + "; last: " + last);
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
    }

    /** The next element of {@code queue}; fails after {@link #DEADLINE} naming {@code what}. */
    public static <T> T next(String what, BlockingQueue<T> queue) {
        return next(what, DEADLINE, queue);
    }

    /** The next element of {@code queue}; fails after {@code deadline} naming {@code what}. */
    public static <T> T next(String what, Duration deadline, BlockingQueue<T> queue) {
        try {
            T value = queue.poll(deadline.toNanos(), TimeUnit.NANOSECONDS);
            if (value == null) {
                throw new AssertionError("timed out after " + deadline.toSeconds() + " s waiting for " + what);
            }
            return value;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        }
    }

    /**
     * Takes elements of {@code queue} until one matches {@code condition} and returns it (the ones
     * before it are dropped); fails after {@link #DEADLINE} naming {@code what}.
     */
    public static <T> T nextMatching(String what, BlockingQueue<T> queue, Predicate<? super T> condition) {
        return nextMatching(what, DEADLINE, queue, condition);
    }

    /** {@link #nextMatching(String, BlockingQueue, Predicate)} with its own {@code deadline}. */
    public static <T> T nextMatching(String what, Duration deadline, BlockingQueue<T> queue, Predicate<? super T> condition) {
        long end = System.nanoTime() + deadline.toNanos();
        T last = null;
        while (true) {
            T value;
            try {
                value = queue.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
            if (value == null) {
                throw new AssertionError("timed out after " + deadline.toSeconds() + " s waiting for " + what
                        + "; last element: " + last);
            }
            if (condition.test(value)) {
                return value;
            }
            last = value;
        }
    }
}
