package io.clusterdns.server.http;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.server.listen.Futures;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The HTTP servers of {@code /health}, {@code /ready} and {@code /metrics}: plain Vert.x servers,
 * one per distinct address (endpoints given the same address share a server, as they would fight
 * over the port otherwise), each answering its paths and 404 for the rest. Probes and scrapes run
 * on worker threads: before the first sync the source's status walks its stores, and gauges may count.
 */
public final class HttpEndpoints {
    /** The three endpoints and their paths, as the CoreDNS plugins serve them. */
    public enum Endpoint {
        HEALTH("/health"), READY("/ready"), METRICS("/metrics");

        public final String path;

        Endpoint(String path) {
            this.path = path;
        }
    }

    /** The Prometheus text exposition format that a scrape is written in. */
    static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Map<Endpoint, ListenAddress> bound;
    private final List<HttpServer> servers;

    private HttpEndpoints(Map<Endpoint, ListenAddress> bound, List<HttpServer> servers) {
        this.bound = bound;
        this.servers = servers;
    }

    /**
     * Starts a server per distinct address of {@code config}. Blocks the calling thread (never an
     * event loop) until all listen; throws with the bind error otherwise.
     */
    public static HttpEndpoints start(Vertx vertx, HttpConfig config, Probes probes, Supplier<String> scrape) {
        Map<Endpoint, Consumer<HttpServerRequest>> handlers = new EnumMap<>(Endpoint.class);
        handlers.put(Endpoint.HEALTH, req -> probe(vertx, req, probes::health));
        handlers.put(Endpoint.READY, req -> probe(vertx, req, probes::ready));
        handlers.put(Endpoint.METRICS, req -> scrape(vertx, scrape, req));
        Map<Endpoint, ListenAddress> bound = new EnumMap<>(Endpoint.class);
        List<HttpServer> servers = new ArrayList<>();
        HttpEndpoints endpoints = new HttpEndpoints(bound, servers);
        try {
            for (Group group : groups(config)) {
                Map<String, Consumer<HttpServerRequest>> routes = new LinkedHashMap<>();
                group.endpoints.forEach(e -> routes.put(e.path, handlers.get(e)));
                HttpServer server = vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(60))
                        .requestHandler(req -> route(routes, req));
                int port = Futures.await(server.listen(group.address.port(), group.address.host()),
                        group.describe()).actualPort();
                servers.add(server);
                group.endpoints.forEach(e -> bound.put(e, group.address.withPort(port)));
            }
        } catch (RuntimeException e) {
            endpoints.close(vertx);
            throw e;
        }
        return endpoints;
    }

    /** Stops listening; blocks the calling thread (never an event loop) until closed. */
    public void close(Vertx vertx) {
        for (HttpServer s : servers) {
            try {
                Futures.await(s.close(), "closing an HTTP endpoint");
            } catch (RuntimeException e) {
                // closing is best effort
            }
        }
    }

    /** Where {@code endpoint} listens (the real port when 0 was asked for); empty when off. */
    public Optional<ListenAddress> address(Endpoint endpoint) {
        return Optional.ofNullable(bound.get(endpoint));
    }

    /** Endpoints with one address; port 0 always gets a server (and a port) of its own. */
    private record Group(ListenAddress address, List<Endpoint> endpoints) {
        String describe() {
            return endpoints.stream().map(e -> e.path).reduce((a, b) -> a + ", " + b).orElse("") + " on " + address;
        }
    }

    private static List<Group> groups(HttpConfig config) {
        List<Group> groups = new ArrayList<>();
        add(groups, Endpoint.HEALTH, config.health());
        add(groups, Endpoint.READY, config.ready());
        add(groups, Endpoint.METRICS, config.metrics());
        return groups;
    }

    private static void add(List<Group> groups, Endpoint endpoint, Optional<ListenAddress> address) {
        if (address.isEmpty()) {
            return;
        }
        ListenAddress a = address.get();
        for (Group g : groups) {
            if (a.port() != 0 && g.address.equals(a)) {
                g.endpoints.add(endpoint);
                return;
            }
        }
        groups.add(new Group(a, new ArrayList<>(List.of(endpoint))));
    }

    private static void route(Map<String, Consumer<HttpServerRequest>> routes, HttpServerRequest req) {
        Consumer<HttpServerRequest> handler = routes.get(req.path());
        if (handler == null) {
            req.response().setStatusCode(404).putHeader("content-type", "text/plain; charset=utf-8")
                    .end("404 page not found: " + String.join(", ", routes.keySet()) + " are served here");
            return;
        }
        handler.accept(req);
    }

    /**
     * Answers a probe from a worker thread: until the source has synced, its status walks the
     * informers' stores, which must not hold up an event loop (probes come every few seconds).
     */
    private static void probe(Vertx vertx, HttpServerRequest req, Supplier<Probes.Probe> probe) {
        vertx.executeBlocking(probe::get, false).onComplete(result -> {
            Probes.Probe p = result.succeeded() ? result.result() : Probes.Probe.failing("probe failed: " + result.cause());
            req.response().setStatusCode(p.status()).putHeader("content-type", "text/plain; charset=utf-8").end(p.text());
        });
    }

    private static void scrape(Vertx vertx, Supplier<String> scrape, HttpServerRequest req) {
        vertx.executeBlocking(scrape::get, false).onComplete(result -> {
            if (result.succeeded()) {
                req.response().putHeader("content-type", METRICS_CONTENT_TYPE).end(result.result());
            } else {
                req.response().setStatusCode(500).putHeader("content-type", "text/plain; charset=utf-8")
                        .end("scrape failed: " + result.cause());
            }
        });
    }
}
