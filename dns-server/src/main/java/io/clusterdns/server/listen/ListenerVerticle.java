package io.clusterdns.server.listen;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.model.IpAddresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one event loop: a UDP socket (when {@code udp}) and an instance of the shared
 * TCP server. The server deploys one per event loop; with native epoll every instance opens its
 * own UDP socket ({@link UdpSocket}) with SO_REUSEPORT so the kernel spreads datagrams across cores, while Vert.x
 * spreads the TCP connections of the shared server over the same loops.
 */
public final class ListenerVerticle extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(ListenerVerticle.class);

    private final QueryReceiver receiver;
    private final ListenAddress address;
    private final boolean udp;
    private final boolean reusePort;
    private final boolean tcpReusePort;
    private final TcpAdmission admission;
    private UdpSocket socket;
    private NetServer tcp;
    private volatile int boundPort = -1;

    /**
     * @param address   where to bind; port 0 picks a free UDP port that TCP then also binds
     * @param udp       open a UDP socket on this event loop
     * @param reusePort set SO_REUSEPORT on it (several sockets share the port)
     * @param tcpReusePort set SO_REUSEPORT on the TCP listener (the port is also bound on other addresses)
     * @param admission the address's open TCP connections, shared by its verticles, and their limits
     */
    private volatile Listener listener;

    ListenerVerticle(QueryReceiver receiver, ListenAddress address, boolean udp, boolean reusePort, boolean tcpReusePort,
                     TcpAdmission admission) {
        this.receiver = receiver;
        this.address = address;
        this.udp = udp;
        this.reusePort = reusePort;
        this.tcpReusePort = tcpReusePort;
        this.admission = admission;
    }

    /** Completes with the bound port once both listeners are up. */
    @Override
    public Future<Integer> start() {
        Future<Integer> udpPort = udp ? listenUdp() : Future.succeededFuture(address.port());
        // A half-started instance (UDP bound, TCP refused) must not keep its socket.
        return udpPort.compose(this::listenTcp)
                .onSuccess(port -> {
                    listener = Listener.of(address.withPort(port));
                    if (socket != null) {
                        socket.listener(listener);
                    }
                    boundPort = port;
                })
                .onFailure(e -> stop());
    }

    /** The port both listeners are bound to; -1 until started. */
    int boundPort() {
        return boundPort;
    }

    @Override
    public Future<?> stop() {
        return Future.join(
                socket == null ? Future.succeededFuture() : socket.close(),
                tcp == null ? Future.succeededFuture() : tcp.close());
    }

    private Future<Integer> listenUdp() {
        return UdpSocket.open((ContextInternal) context, address, reusePort, receiver).map(s -> {
            socket = s;
            return s.port();
        });
    }

    private Future<Integer> listenTcp(int port) {
        NetServerOptions options = new NetServerOptions()
                // idle, read and write timeouts are the connection's own (TcpConnection): a reload may change them
                .setTcpNoDelay(true)
                .setReusePort(tcpReusePort);
        tcp = vertx.createNetServer(options);
        tcp.connectHandler(s -> {
            InetSocketAddress client = client(s.remoteAddress());
            if (!admission.admit(client.getAddress())) {
                // over a cap: this one is closed at once, those open keep working
                log.debug("tcp connection from {} refused: {} open, limits {}", client, admission.open(), admission.limits());
                s.close();
                return;
            }
            new TcpConnection(s, receiver, listener, client, admission).start(vertx);
        });
        return tcp.listen(port, address.host()).map(NetServer::actualPort);
    }

    /**
     * The sender as an address (an IP literal: no name lookup); IPv4-mapped IPv6 becomes IPv4, as
     * CoreDNS counts it. The epoll transport writes an IPv6 sender with its scope
     * ({@code 0:0:0:0:0:0:0:1%0}): the scope is dropped, the address kept.
     */
    public static InetSocketAddress client(SocketAddress sender) {
        String host = sender.host();
        int scope = host == null ? -1 : host.indexOf('%');
        InetAddress ip = IpAddresses.tryParse(scope < 0 ? host : host.substring(0, scope));
        return new InetSocketAddress(ip == null ? InetAddress.getLoopbackAddress() : ip, sender.port());
    }
}
