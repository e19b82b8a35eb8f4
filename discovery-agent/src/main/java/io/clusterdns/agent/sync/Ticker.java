package io.clusterdns.agent.sync;

/**
 * Monotonic time in nanoseconds, as {@link System#nanoTime()}: the sync loop's only notion of
 * time, so that tests move it by hand instead of waiting (kube-proxy's BoundedFrequencyRunner
 * takes its timer the same way). Only differences between two readings mean anything.
 */
@FunctionalInterface
public interface Ticker {
    Ticker SYSTEM = System::nanoTime;

    long nanos();
}
