package io.clusterdns.server.listen;

import io.clusterdns.k8s.config.ListenAddress;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys the UDP and TCP listeners: one {@link ListenerVerticle} per event loop, the first one
 * deciding the port (port 0 picks a free one), the others sharing it with SO_REUSEPORT.
 *
 * @param address    where both listeners are bound (the actual port when 0 was asked for)
 * @param udpSockets UDP sockets sharing the port (1 when SO_REUSEPORT is unavailable)
 * @param eventLoops event loops taking TCP connections
 * @param deployments the Vert.x deployments to undeploy when this address is no longer served
 * @param tcp        its open TCP connections and what the limits turned away
 */
public record DnsListeners(ListenAddress address, int udpSockets, int eventLoops, List<String> deployments, TcpAdmission tcp) {
    private static final Logger log = LoggerFactory.getLogger(DnsListeners.class);
    /** Binding port 0 picks a free UDP port; TCP may find it taken and then we try another. */
    private static final int EPHEMERAL_PORT_ATTEMPTS = 5;

    /**
     * Listens on {@code listen} with {@code sockets} UDP sockets; blocks the calling thread (never
     * an event loop) until listening, and throws with the bind error.
     *
     * @param sharedPort the server also listens on this port on other addresses ({@code bind}: one
     *                   block on 127.0.0.1:53, another on every address): every socket of the port
     *                   then needs SO_REUSEPORT, UDP and TCP, or the second bind fails (CoreDNS sets
     *                   it on all its sockets for the same reason)
     */
    public static DnsListeners deploy(Vertx vertx, ListenAddress listen, QueryReceiver handler, int sockets,
                                      boolean sharedPort, TcpLimits limits) {
        TcpAdmission admission = new TcpAdmission(limits);
        // SO_REUSEPORT needs the native transport; on NIO a second socket on the port would fail.
        boolean reusePort = vertx.isNativeTransportEnabled() && (sockets > 1 || sharedPort);
        boolean tcpReusePort = vertx.isNativeTransportEnabled() && sharedPort;
        List<String> deployments = new ArrayList<>();
        int port = deployFirst(vertx, handler, listen, reusePort, tcpReusePort, admission, deployments);
        ListenAddress bound = listen.withPort(port);
        int udpCount = 1;
        for (int i = 1; i < sockets; i++) {
            if (reusePort && tryDeploy(vertx, new ListenerVerticle(handler, bound, true, true, tcpReusePort, admission), deployments)) {
                udpCount++;
            } else {
                // No more UDP sockets: the event loop still takes its share of TCP connections.
                deployments.add(Futures.await(vertx.deployVerticle(new ListenerVerticle(handler, bound, false, false, tcpReusePort, admission)),
                        "tcp on " + bound));
            }
        }
        return new DnsListeners(bound, udpCount, sockets, List.copyOf(deployments), admission);
    }

    /** Stops listening (in-flight TCP connections are cut); blocks the calling thread until done. */
    public void close(Vertx vertx) {
        for (String id : deployments) {
            try {
                Futures.await(vertx.undeploy(id), "stopping the listeners on " + address);
            } catch (RuntimeException e) {
                log.warn("{}", e.getMessage());
            }
        }
    }

    private static int deployFirst(Vertx vertx, QueryReceiver handler, ListenAddress listen, boolean reusePort, boolean tcpReusePort,
                                   TcpAdmission admission, List<String> deployments) {
        int attempts = listen.port() == 0 ? EPHEMERAL_PORT_ATTEMPTS : 1;
        RuntimeException last = null;
        for (int i = 0; i < attempts; i++) {
            ListenerVerticle first = new ListenerVerticle(handler, listen, true, reusePort, tcpReusePort, admission);
            try {
                deployments.add(Futures.await(vertx.deployVerticle(first), "listeners on " + listen));
                return first.boundPort();
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last;
    }

    private static boolean tryDeploy(Vertx vertx, ListenerVerticle verticle, List<String> deployments) {
        try {
            deployments.add(Futures.await(vertx.deployVerticle(verticle), "udp socket"));
            return true;
        } catch (RuntimeException e) {
            log.warn("could not open another SO_REUSEPORT UDP socket ({}); continuing with fewer", e.getMessage());
            return false;
        }
    }
}
