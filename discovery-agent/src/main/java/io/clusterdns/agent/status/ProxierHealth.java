package io.clusterdns.agent.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;

/**
 * kube-proxy's healthz logic: healthy unless a change has been waiting longer than the timeout
 * (2 × sync period) without a successful sync. Before the first sync the agent is waiting for the
 * cluster state, which counts as a pending change from the start. Thread-safe.
 *
 * <p>How long a change has waited is measured on a monotonic clock (nanoseconds as
 * {@link System#nanoTime()}): a wall-clock jump (NTP step, a VM resumed) must neither make a
 * healthy agent unhealthy (forwards) nor hide a stuck one (backwards). The wall clock only gives
 * the timestamps /healthz reports.
 */
public final class ProxierHealth {
    /** What /healthz reports. */
    public record Status(boolean healthy, Instant lastUpdated, Instant currentTime) {
    }

    private final Clock clock;
    private final LongSupplier nanos;
    private final long timeoutNanos;
    private Instant lastUpdated;
    private boolean pending;
    private long pendingSince;

    /**
     * @param clock wall time, for the reported timestamps
     * @param nanos monotonic time in nanoseconds, for the timeout
     */
    public ProxierHealth(Clock clock, LongSupplier nanos, Duration timeout) {
        this.clock = clock;
        this.nanos = nanos;
        this.timeoutNanos = timeout.toNanos();
        this.pending = true;
        this.pendingSince = nanos.getAsLong();
    }

    /** A change is waiting to be synced. */
    public synchronized void queued() {
        if (!pending) {
            pending = true;
            pendingSince = nanos.getAsLong();
        }
    }

    /** A sync succeeded: everything queued so far is in the kernel. */
    public synchronized void updated() {
        lastUpdated = clock.instant();
        pending = false;
    }

    public synchronized Status status() {
        boolean healthy = !pending || nanos.getAsLong() - pendingSince < timeoutNanos;
        return new Status(healthy, lastUpdated, clock.instant());
    }
}
