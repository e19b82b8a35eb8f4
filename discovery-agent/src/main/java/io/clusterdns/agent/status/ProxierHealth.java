package io.clusterdns.agent.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * kube-proxy's healthz logic: healthy unless a change has been waiting longer than the timeout
 * (2 × sync period) without a successful sync. Before the first sync the agent is waiting for the
 * cluster state, which counts as a pending change from the start. Thread-safe.
 */
public final class ProxierHealth {
    /** What /healthz reports. */
    public record Status(boolean healthy, Instant lastUpdated, Instant currentTime) {
    }

    private final Clock clock;
    private final Duration timeout;
    private Instant lastUpdated;
    private Instant pendingSince;

    public ProxierHealth(Clock clock, Duration timeout) {
        this.clock = clock;
        this.timeout = timeout;
        this.pendingSince = clock.instant();
    }

    /** A change is waiting to be synced. */
    public synchronized void queued() {
        if (pendingSince == null) {
            pendingSince = clock.instant();
        }
    }

    /** A sync succeeded: everything queued so far is in the kernel. */
    public synchronized void updated() {
        lastUpdated = clock.instant();
        pendingSince = null;
    }

    public synchronized Status status() {
        Instant now = clock.instant();
        boolean healthy = pendingSince == null || Duration.between(pendingSince, now).compareTo(timeout) < 0;
        return new Status(healthy, lastUpdated, now);
    }
}
