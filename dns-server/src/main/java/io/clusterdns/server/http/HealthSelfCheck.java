package io.clusterdns.server.http;

import io.clusterdns.k8s.config.ListenAddress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CoreDNS's health plugin asks its own {@code /health} once a second and records how long that
 * took ({@code coredns_health_request_duration_seconds}) and how often it failed
 * ({@code coredns_health_request_failures_total}): a slow answer is an early sign of an
 * overloaded process. Non-blocking, on the Vert.x event loop.
 */
public final class HealthSelfCheck implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("plugin/health");
    static final Duration PERIOD = Duration.ofSeconds(1);
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Vertx vertx;
    private final HttpClient client;
    private final long timerId;
    /** Set by {@link #close}: a request still in flight then fails with the closed client, which is no failure of the server's. */
    private volatile boolean closed;

    private HealthSelfCheck(Vertx vertx, ListenAddress health, Timer duration, Counter failures) {
        this.vertx = vertx;
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) TIMEOUT.toMillis()));
        // a wildcard socket, "::" included (dual-stack), takes IPv4 loopback connections
        String host = health.isWildcard() ? "127.0.0.1" : health.host();
        String authority = host.contains(":") ? "[" + host + "]" : host;
        String url = "http://" + authority + ":" + health.port() + "/health";
        // the address to connect to apart from the Host header: Vert.x reads a bare IPv6 host as a name
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
                .setServer(SocketAddress.inetSocketAddress(health.port(), host)).setHost(authority).setPort(health.port())
                .setURI("/health").setIdleTimeout(TIMEOUT.toMillis());
        this.timerId = vertx.setPeriodic(PERIOD.toMillis(), id -> {
            long start = System.nanoTime();
            client.request(request).compose(req -> req.send()).compose(resp -> resp.body().map(b -> resp.statusCode()))
                    .onComplete(ar -> {
                        if (closed) {
                            return;
                        }
                        long took = System.nanoTime() - start;
                        duration.record(took, TimeUnit.NANOSECONDS);
                        if (ar.failed()) {
                            failures.increment();
                            LOG.warn("plugin/health: Local health request to \"{}\" failed: {}", url, ar.cause().toString());
                        } else if (took > PERIOD.toNanos()) {
                            LOG.warn("plugin/health: Local health request to \"{}\" took more than 1s: {} ms", url, TimeUnit.NANOSECONDS.toMillis(took));
                        }
                    });
        });
    }

    /** Starts asking {@code health} (the address {@code /health} is bound to) once a second. */
    public static HealthSelfCheck start(Vertx vertx, ListenAddress health, Timer duration, Counter failures) {
        return new HealthSelfCheck(vertx, health, duration, failures);
    }

    @Override
    public void close() {
        closed = true;
        vertx.cancelTimer(timerId);
        client.close();
    }
}
