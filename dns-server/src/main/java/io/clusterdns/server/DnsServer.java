package io.clusterdns.server;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.resolver.Resolver;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * A running DNS server: the wiring of cluster source → resolver → UDP/TCP listeners, plus the
 * HTTP endpoints. The source publishes snapshots on its own thread straight into the resolver
 * ({@link SnapshotApplier}); the listeners' event loops read the resolver's current index without
 * locks.
 *
 * <p>Start-up, in this order: HTTP endpoints (so that probes answer while waiting), the source,
 * the wait for its first snapshot (at most {@code startupTimeout}, see {@link StartupGate}), the
 * DNS listeners. Shut-down: {@link #shutdown} keeps serving for the lameduck time with
 * {@code /ready} at 503, then {@link #close} stops the listeners and endpoints, then the source.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);

    private final ClusterSource source;
    private final Resolver resolver;
    private final Vertx vertx;
    private final DnsListeners listeners;
    private final HttpEndpoints http;
    private final Probes probes;
    private final ServerMetrics metrics;
    private final Duration lameduck;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    private DnsServer(Wiring w, Vertx vertx, DnsListeners listeners, HttpEndpoints http, Duration lameduck) {
        this.source = w.source;
        this.resolver = w.resolver;
        this.metrics = w.metrics;
        this.probes = w.probes;
        this.vertx = vertx;
        this.listeners = listeners;
        this.http = http;
        this.lameduck = lameduck;
    }

    /** The parts that exist before anything listens. */
    private record Wiring(ClusterSource source, Resolver resolver, ServerMetrics metrics,
                          SnapshotApplier applier, Probes probes) {
        static Wiring of(ServerConfig config, ClusterSource source) {
            Resolver resolver = new Resolver(config.resolver());
            ServerMetrics metrics = new ServerMetrics();
            SourceMetrics.bind(source, metrics.registry());
            return new Wiring(source, resolver, metrics, new SnapshotApplier(resolver, metrics.registry()),
                    new Probes(source, resolver));
        }
    }

    /**
     * Starts {@code source} (which now belongs to the server and is closed with it), the HTTP
     * endpoints and the listeners. Throws with the source's message when it cannot start (a bad
     * manifest, an unreadable kubeconfig) and with the bind error when an address is unusable;
     * nothing is left running then. Blocks for at most the startup timeout while the source syncs.
     */
    public static DnsServer start(ServerConfig config, ClusterSource source) {
        Wiring w;
        try {
            w = Wiring.of(config, source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        Vertx vertx = null;
        try {
            int sockets = config.effectiveUdpSockets();
            vertx = Vertx.builder()
                    .with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(sockets))
                    .build();
            HttpEndpoints http = HttpEndpoints.start(vertx, config.http(), w.probes, w.metrics.registry());
            // Subscribe before start so that no snapshot published while starting is missed.
            source.subscribe(w.applier);
            source.start();
            StartupGate.await(w.applier, source, config.startupTimeout());
            DnsMetrics dnsMetrics = new DnsMetrics(w.metrics.registry(), new Zones(config.zones()));
            DnsListeners listeners = DnsListeners.deploy(vertx, config, new QueryHandler(w.resolver, dnsMetrics), sockets);
            dnsMetrics.listening(listeners.address());
            w.probes.listening();
            DnsServer server = new DnsServer(w, vertx, listeners, http, config.http().lameduck());
            log.info(server.describe(config.zones()));
            w.applier.announce();
            return server;
        } catch (RuntimeException e) {
            if (vertx != null) {
                closeQuietly(vertx);
            }
            source.close();
            w.metrics.close();
            throw e;
        }
    }

    /** The address both DNS listeners are bound to (the actual port when port 0 was asked for). */
    public ListenAddress address() {
        return listeners.address();
    }

    public int port() {
        return listeners.address().port();
    }

    /** Number of UDP sockets sharing the port (1 when SO_REUSEPORT is unavailable). */
    public int udpSockets() {
        return listeners.udpSockets();
    }

    public boolean nativeTransport() {
        return vertx.isNativeTransportEnabled();
    }

    public Resolver resolver() {
        return resolver;
    }

    public ClusterSource source() {
        return source;
    }

    /** Where {@code /health} listens; empty when off. */
    public Optional<ListenAddress> healthAddress() {
        return http.address(HttpEndpoints.Endpoint.HEALTH);
    }

    /** Where {@code /ready} listens; empty when off. */
    public Optional<ListenAddress> readyAddress() {
        return http.address(HttpEndpoints.Endpoint.READY);
    }

    /** Where {@code /metrics} listens; empty when off. */
    public Optional<ListenAddress> metricsAddress() {
        return http.address(HttpEndpoints.Endpoint.METRICS);
    }

    /** The Prometheus text of {@code /metrics}, also when it is not served (tools, tests). */
    public String scrape() {
        return metrics.registry().scrape();
    }

    /**
     * What SIGTERM does: with a lameduck time, {@code /ready} turns 503 at once while DNS and
     * {@code /health} keep serving for that long (so the Service stops sending new queries before
     * the listeners go); then {@link #close}. A {@link #close} from elsewhere cuts the wait short.
     */
    public void shutdown() {
        if (!lameduck.isZero() && !closed.get()) {
            probes.shuttingDown();
            log.info("lameduck: /ready is 503, still serving DNS and /health for {} ms", lameduck.toMillis());
            try {
                closeRequested.await(lameduck.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close();
    }

    /**
     * Closes the listeners and endpoints (in-flight TCP connections are cut), then the source.
     * Idempotent; a second caller waits until the first one has finished.
     */
    @Override
    public void close() {
        closeRequested.countDown();
        if (!closed.compareAndSet(false, true)) {
            awaitClose();
            return;
        }
        probes.shuttingDown();
        closeQuietly(vertx);
        source.close();
        metrics.close();
        log.info("dns-server on {} stopped", listeners.address());
        stopped.countDown();
    }

    /** Blocks the calling thread until {@link #close} has finished (main parks here until SIGTERM). */
    public void awaitClose() {
        boolean interrupted = false;
        while (true) {
            try {
                stopped.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private String describe(List<Name> zones) {
        String transport = vertx.isNativeTransportEnabled()
                ? "epoll"
                : "nio, native transport unavailable: " + vertx.unavailableNativeTransportCause();
        ListenAddress address = listeners.address();
        int udp = listeners.udpSockets();
        return String.format("dns-server listening on udp %s (%d socket%s, %s) and tcp %s (%d event loops); zones %s; %s%s",
                address, udp, udp == 1 ? "" : "s", transport, address, listeners.eventLoops(),
                zones.stream().map(Name::toString).collect(Collectors.joining(", ")),
                resolver.synced() ? "snapshot v" + source.current().version() + ": " + SnapshotApplier.summary(source.current())
                        : "not synced yet", describeHttp());
    }

    private String describeHttp() {
        StringBuilder sb = new StringBuilder();
        for (HttpEndpoints.Endpoint e : HttpEndpoints.Endpoint.values()) {
            http.address(e).ifPresent(a -> sb.append(sb.length() == 0 ? "; http " : ", ").append(e.path).append(' ').append(a));
        }
        return sb.toString();
    }

    private static void closeQuietly(Vertx vertx) {
        try {
            vertx.close().await(Futures.START_TIMEOUT);
        } catch (Exception e) {
            log.warn("closing the listeners: {}", e.toString());
        }
    }
}
