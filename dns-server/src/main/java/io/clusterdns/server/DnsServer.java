package io.clusterdns.server;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.resolver.Resolver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * A running DNS server: the wiring of cluster source → resolver → UDP/TCP listeners. The source
 * publishes snapshots on its own thread straight into {@link Resolver#update}; the listeners'
 * event loops read the resolver's current index without locks. {@link #close} stops the
 * listeners, then the source.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);
    /** Binding port 0 picks a free UDP port; TCP may find it taken and then we try another. */
    private static final int EPHEMERAL_PORT_ATTEMPTS = 5;

    private final ClusterSource source;
    private final Resolver resolver;
    private final Vertx vertx;
    private final ListenAddress address;
    private final int udpSockets;
    private final int eventLoops;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private DnsServer(ClusterSource source, Resolver resolver, Vertx vertx, ListenAddress address, int udpSockets, int eventLoops) {
        this.source = source;
        this.resolver = resolver;
        this.vertx = vertx;
        this.address = address;
        this.udpSockets = udpSockets;
        this.eventLoops = eventLoops;
    }

    /**
     * Starts {@code source} (which now belongs to the server and is closed with it), then the
     * listeners. Throws with the source's message when it cannot load (such as a bad manifest) and
     * with the bind error when the address is unusable; nothing is left running then.
     */
    public static DnsServer start(ServerConfig config, ClusterSource source) {
        Resolver resolver = new Resolver(config.resolverConfig());
        AtomicBoolean announced = new AtomicBoolean();
        Vertx vertx = null;
        try {
            // Subscribe before start so that no snapshot published while starting is missed.
            source.subscribe(snapshot -> apply(resolver, snapshot, announced.get()));
            source.start();
            int sockets = config.effectiveUdpSockets();
            vertx = Vertx.builder()
                    .with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(sockets))
                    .build();
            DnsServer server = listen(config, source, resolver, vertx, sockets);
            log.info(server.describe(config.zones()));
            announced.set(true);
            return server;
        } catch (RuntimeException e) {
            if (vertx != null) {
                closeQuietly(vertx);
            }
            source.close();
            throw e;
        }
    }

    private static DnsServer listen(ServerConfig config, ClusterSource source, Resolver resolver, Vertx vertx, int sockets) {
        QueryHandler handler = new QueryHandler(resolver);
        // SO_REUSEPORT needs the native transport; on NIO a second socket on the port would fail.
        boolean reusePort = vertx.isNativeTransportEnabled() && sockets > 1;
        Duration idle = config.tcpIdleTimeout();
        int port = deployFirst(vertx, handler, config.listen(), reusePort, idle);
        ListenAddress bound = config.listen().withPort(port);
        int udpCount = 1;
        for (int i = 1; i < sockets; i++) {
            if (reusePort && tryDeploy(vertx, new ListenerVerticle(handler, bound, true, true, idle))) {
                udpCount++;
            } else {
                // No more UDP sockets: the event loop still takes its share of TCP connections.
                await(vertx.deployVerticle(new ListenerVerticle(handler, bound, false, false, idle)), "tcp on " + bound);
            }
        }
        return new DnsServer(source, resolver, vertx, bound, udpCount, sockets);
    }

    private static int deployFirst(Vertx vertx, QueryHandler handler, ListenAddress listen, boolean reusePort, Duration idle) {
        int attempts = listen.port() == 0 ? EPHEMERAL_PORT_ATTEMPTS : 1;
        RuntimeException last = null;
        for (int i = 0; i < attempts; i++) {
            ListenerVerticle first = new ListenerVerticle(handler, listen, true, reusePort, idle);
            try {
                await(vertx.deployVerticle(first), "listeners on " + listen);
                return first.boundPort();
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    private static boolean tryDeploy(Vertx vertx, ListenerVerticle verticle) {
        try {
            await(vertx.deployVerticle(verticle), "udp socket");
            return true;
        } catch (RuntimeException e) {
            log.warn("could not open another SO_REUSEPORT UDP socket ({}); continuing with fewer", e.getMessage());
            return false;
        }
    }

    /** Runs on the source's publisher thread; {@code announced}: the start line has been logged. */
    private static void apply(Resolver resolver, ClusterSnapshot snapshot, boolean announced) {
        try {
            resolver.update(snapshot);
            if (announced) {
                // Snapshots applied while starting are summed up by the start line instead.
                log.info("serving snapshot v{}: {}", snapshot.version(), stats(snapshot));
            }
        } catch (RuntimeException e) {
            // Keep answering from the previous index rather than from nothing.
            log.error("could not index snapshot v{}; still serving v{}", snapshot.version(), resolver.version(), e);
        }
    }

    /** The address both listeners are bound to (the actual port when port 0 was asked for). */
    public ListenAddress address() {
        return address;
    }

    public int port() {
        return address.port();
    }

    /** Number of UDP sockets sharing the port (1 when SO_REUSEPORT is unavailable). */
    public int udpSockets() {
        return udpSockets;
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

    /** Closes the listeners (in-flight TCP connections are cut), then the source. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(vertx);
        source.close();
        log.info("dns-server on {} stopped", address);
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
        return String.format("dns-server listening on udp %s (%d socket%s, %s) and tcp %s (%d event loops); zones %s; %s",
                address, udpSockets, udpSockets == 1 ? "" : "s", transport, address, eventLoops,
                zones.stream().map(Name::toString).collect(Collectors.joining(", ")),
                source.hasSynced() ? "snapshot v" + source.current().version() + ": " + stats(source.current()) : "not synced yet");
    }

    private static String stats(ClusterSnapshot s) {
        return s.services().size() + " services, " + s.sliceCount() + " endpoint slices, " + s.pods().size() + " pods, "
                + s.namespaces().size() + " namespaces";
    }

    private static <T> T await(Future<T> future, String what) {
        try {
            return future.await(STARTUP_TIMEOUT);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out starting " + what, e);
        } catch (Exception e) {
            // await() rethrows the failure as is, checked ones too (a bind error is an IOException).
            throw new IllegalStateException("cannot start " + what + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(Vertx vertx) {
        try {
            vertx.close().await(STARTUP_TIMEOUT);
        } catch (Exception e) {
            log.warn("closing the listeners: {}", e.toString());
        }
    }
}
