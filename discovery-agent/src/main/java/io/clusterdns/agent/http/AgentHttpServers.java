package io.clusterdns.agent.http;

import io.clusterdns.agent.status.AgentMetrics;
import io.clusterdns.agent.status.ProxierHealth;
import io.clusterdns.k8s.config.ListenAddress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The agent's own HTTP endpoints, as kube-proxy's:
 *
 * <ul>
 *   <li>healthz (default 0.0.0.0:10256): {@code /healthz} and {@code /livez}, 200 or 503 with
 *       {@code {"lastUpdated": ..., "currentTime": ..., "nodeEligible": true}}</li>
 *   <li>metrics (default 127.0.0.1:10249): {@code /metrics} (Prometheus text), {@code /proxyMode}
 *       ("nftables"), {@code /healthz}</li>
 * </ul>
 *
 * Handlers only read in-memory state, so they run on the event loop; a scrape renders a few kB.
 */
public final class AgentHttpServers implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.UTC);

    private final Vertx vertx;
    private final ProxierHealth health;
    private final AgentMetrics metrics;
    private final List<HttpServer> servers = new ArrayList<>();

    public AgentHttpServers(Vertx vertx, ProxierHealth health, AgentMetrics metrics) {
        this.vertx = vertx;
        this.health = health;
        this.metrics = metrics;
    }

    /** Starts the servers that are enabled; returns their bound ports (healthz, metrics; -1 when off). */
    public int[] start(ListenAddress healthz, ListenAddress metricsBind) throws Exception {
        int[] ports = {-1, -1};
        if (healthz != null) {
            ports[0] = listen(healthz, this::healthz);
        }
        if (metricsBind != null) {
            ports[1] = listen(metricsBind, this::metricsRequest);
        }
        return ports;
    }

    private int listen(ListenAddress at, io.vertx.core.Handler<HttpServerRequest> handler) throws Exception {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(at.host()).setPort(at.port()))
                .requestHandler(handler);
        HttpServer bound = await(server.listen(), "listen on " + at);
        servers.add(bound);
        return bound.actualPort();
    }

    private void healthz(HttpServerRequest req) {
        String path = req.path();
        if (!path.equals("/healthz") && !path.equals("/livez")) {
            req.response().setStatusCode(404).end("404 page not found\n");
            return;
        }
        ProxierHealth.Status s = health.status();
        String body = "{\"lastUpdated\": \"" + (s.lastUpdated() == null ? "" : TIME.format(s.lastUpdated()))
                + "\",\"currentTime\": \"" + TIME.format(s.currentTime()) + "\", \"nodeEligible\": true}";
        req.response().setStatusCode(s.healthy() ? 200 : 503)
                .putHeader("Content-Type", "application/json").putHeader("X-Content-Type-Options", "nosniff").end(body);
    }

    private void metricsRequest(HttpServerRequest req) {
        switch (req.path()) {
            case "/metrics" -> req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
            case "/proxyMode" -> req.response().putHeader("Content-Type", "text/plain; charset=utf-8").end("nftables");
            case "/healthz" -> req.response().setStatusCode(health.status().healthy() ? 200 : 503).end(health.status().healthy() ? "ok" : "stale");
            default -> req.response().setStatusCode(404).end("404 page not found\n");
        }
    }

    public static <T> T await(Future<T> f, String what) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        for (HttpServer s : servers) {
            try {
                await(s.close(), "close");
            } catch (Exception e) {
                // closing on shutdown: nothing useful to do
            }
        }
        servers.clear();
    }
}
