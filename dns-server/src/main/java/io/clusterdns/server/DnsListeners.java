package io.clusterdns.server;

import io.clusterdns.k8s.config.ListenAddress;
import io.vertx.core.Vertx;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the UDP and TCP listeners: one {@link ListenerVerticle} per event loop, the first one
 * deciding the port (port 0 picks a free one), the others sharing it with SO_REUSEPORT.
 *
 * @param address    where both listeners are bound (the actual port when 0 was asked for)
 * @param udpSockets UDP sockets sharing the port (1 when SO_REUSEPORT is unavailable)
 * @param eventLoops event loops taking TCP connections
 */
record DnsListeners(ListenAddress address, int udpSockets, int eventLoops) {
    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);
    /** Binding port 0 picks a free UDP port; TCP may find it taken and then we try another. */
    private static final int EPHEMERAL_PORT_ATTEMPTS = 5;

    /** Blocks the calling thread (never an event loop) until listening; throws with the bind error. */
    static DnsListeners deploy(Vertx vertx, ServerConfig config, QueryHandler handler, int sockets) {
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
                Futures.await(vertx.deployVerticle(new ListenerVerticle(handler, bound, false, false, idle)), "tcp on " + bound);
            }
        }
        return new DnsListeners(bound, udpCount, sockets);
    }

    private static int deployFirst(Vertx vertx, QueryHandler handler, ListenAddress listen, boolean reusePort, Duration idle) {
        int attempts = listen.port() == 0 ? EPHEMERAL_PORT_ATTEMPTS : 1;
        RuntimeException last = null;
        for (int i = 0; i < attempts; i++) {
            ListenerVerticle first = new ListenerVerticle(handler, listen, true, reusePort, idle);
            try {
                Futures.await(vertx.deployVerticle(first), "listeners on " + listen);
                return first.boundPort();
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    private static boolean tryDeploy(Vertx vertx, ListenerVerticle verticle) {
        try {
            Futures.await(vertx.deployVerticle(verticle), "udp socket");
            return true;
        } catch (RuntimeException e) {
            log.warn("could not open another SO_REUSEPORT UDP socket ({}); continuing with fewer", e.getMessage());
            return false;
        }
    }
}
