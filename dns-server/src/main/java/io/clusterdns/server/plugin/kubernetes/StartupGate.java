package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.k8s.ClusterSource;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CoreDNS's start-up rule for the {@code kubernetes} plugin: wait up to {@code startup_timeout} for
 * the API to sync before opening the DNS listeners, then open them anyway. Until the first snapshot
 * is applied, names in the cluster zones get SERVFAIL (the resolver's {@code NotSynced}), never
 * NXDOMAIN, and {@code /ready} says 503. Runs on the starting thread, never on an event loop.
 */
final class StartupGate {
    private static final Logger log = LoggerFactory.getLogger("plugin/kubernetes");
    /** How often the wait is logged (CoreDNS logs once after 500 ms). */
    static final Duration PROGRESS_INTERVAL = Duration.ofMillis(500);

    private StartupGate() {
    }

    /** Returns true when synced in time, false when the timeout passed (or the thread was interrupted). */
    static boolean await(SnapshotApplier applier, ClusterSource status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long remaining = deadline - System.nanoTime();
                if (applier.awaitFirst(Math.min(remaining, PROGRESS_INTERVAL.toNanos()), TimeUnit.NANOSECONDS)) {
                    return true;
                }
                if (deadline - System.nanoTime() <= 0) {
                    break;
                }
                log.info("plugin/kubernetes: waiting for Kubernetes API before starting server: {}", describe(status));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.warn("plugin/kubernetes: starting server with unsynced Kubernetes API: {}; names in the cluster zones get SERVFAIL until it syncs",
                describe(status));
        return false;
    }

    /** {@code services synced, endpointslices waiting, namespaces synced}, and why the source is unhealthy if it is. */
    static String describe(ClusterSource status) {
        String sync = status.syncStatus().describe();
        sync = sync.isEmpty() ? "not started" : sync;
        return status.health().isHealthy() ? sync : sync + " (" + status.health().reason() + ")";
    }
}
