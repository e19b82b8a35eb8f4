package io.clusterdns.server;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.SourceHealth;
import io.clusterdns.resolver.Resolver;

/**
 * The answers of {@code /health} and {@code /ready}: two volatile flags, the resolver's state and
 * the source's status. The rules of the CoreDNS plugins:
 *
 * <ul>
 *   <li>health: 200 {@code OK} while the process can do its job, including during lameduck; 503
 *       when the cluster source stopped following the cluster for good (a restart may fix it);</li>
 *   <li>ready: 200 {@code OK} once the resolver answers from a complete cluster view AND the DNS
 *       listeners are up; 503 with the reason before, and again from the start of lameduck so
 *       that the Service stops sending new clients while the old ones are still served.</li>
 * </ul>
 */
final class Probes {
    /** One probe answer: HTTP 200 with {@code OK}, or 503 with the reason. */
    record Probe(boolean ok, String text) {
        static final Probe OK = new Probe(true, "OK");

        static Probe failing(String reason) {
            return new Probe(false, reason);
        }

        int status() {
            return ok ? 200 : 503;
        }
    }

    private final ClusterSource source;
    private final Resolver resolver;
    private volatile boolean listening;
    private volatile boolean shuttingDown;

    Probes(ClusterSource source, Resolver resolver) {
        this.source = source;
        this.resolver = resolver;
    }

    Probe health() {
        SourceHealth h = source.health();
        return h.isHealthy() ? Probe.OK : Probe.failing("kubernetes: " + h.reason());
    }

    Probe ready() {
        if (shuttingDown) {
            return Probe.failing("shutting down");
        }
        if (!resolver.synced()) {
            return Probe.failing("kubernetes: " + StartupGate.describe(source));
        }
        if (!listening) {
            return Probe.failing("listeners not up");
        }
        return Probe.OK;
    }

    void listening() {
        listening = true;
    }

    void shuttingDown() {
        shuttingDown = true;
    }
}
