package io.clusterdns.server.http;

import java.util.function.Supplier;

/**
 * The answers of {@code /health} and {@code /ready}: two volatile flags and two questions to the
 * running server. The rules of the CoreDNS plugins:
 *
 * <ul>
 *   <li>health: 200 {@code OK} while the process can do its job, including during lameduck; 503
 *       when a cluster source stopped following the cluster for good (a restart may fix it);</li>
 *   <li>ready: 200 {@code OK} once every plugin that reports readiness is ready (kubernetes: it
 *       answers from a complete cluster view) AND the DNS listeners are up; 503 with the reason
 *       before, and again from the start of lameduck so that the Service stops sending new
 *       clients while the old ones are still served;</li>
 *   <li>ready while answering from a persisted snapshot because the API server has not synced
 *       (see the kubernetes plugin's persisted snapshot): 200 with {@code OK; } and the reason. A
 *       pod that can answer every name it knew stays in the kube-dns Service: with the API server
 *       down, every replica is in the same state, and 503 would take all of them out at once.</li>
 * </ul>
 */
public final class Probes {
    /** One probe answer: HTTP 200 with {@code OK}, or 503 with the reason. */
    public record Probe(boolean ok, String text) {
        static final Probe OK = new Probe(true, "OK");

        static Probe failing(String reason) {
            return new Probe(false, reason);
        }

        int status() {
            return ok ? 200 : 503;
        }
    }

    private final Supplier<String> unhealthy;
    private final Supplier<String> notReady;
    private final Supplier<String> degraded;
    private volatile boolean listening;
    private volatile boolean shuttingDown;

    /**
     * @param unhealthy why the process cannot do its job, null when it can
     * @param notReady  which plugin is not ready and why ({@code kubernetes: services waiting, ...}), null when all are
     */
    public Probes(Supplier<String> unhealthy, Supplier<String> notReady) {
        this(unhealthy, notReady, () -> null);
    }

    /** @param degraded why the answers are ready but not current ({@code kubernetes: stale: ...}), null when they are */
    public Probes(Supplier<String> unhealthy, Supplier<String> notReady, Supplier<String> degraded) {
        this.unhealthy = unhealthy;
        this.notReady = notReady;
        this.degraded = degraded;
    }

    public Probe health() {
        String reason = unhealthy.get();
        return reason == null ? Probe.OK : Probe.failing(reason);
    }

    public Probe ready() {
        if (shuttingDown) {
            return Probe.failing("shutting down");
        }
        String reason = notReady.get();
        if (reason != null) {
            return Probe.failing(reason);
        }
        if (!listening) {
            return Probe.failing("listeners not up");
        }
        String note = degraded.get();
        return note == null ? Probe.OK : new Probe(true, "OK; " + note);
    }

    public void listening() {
        listening = true;
    }

    public void shuttingDown() {
        shuttingDown = true;
    }
}
