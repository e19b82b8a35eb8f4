package io.clusterdns.server.plugin.forward;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.SocketAddress;

/**
 * A UDP socket for one upstream on a port the kernel picks at random. Only datagrams from the
 * upstream's address and port reach the exchange; everything else is dropped here.
 */
final class UdpUpstreamConnection extends UpstreamConnection {
    /** Whole datagrams: Netty's default read buffer (2 KB) would cut larger EDNS answers. */
    private static final int MAX_DATAGRAM = 65535;
    private static final DatagramSocketOptions V4 = new DatagramSocketOptions().setReceiveBufferSize(MAX_DATAGRAM);
    private static final DatagramSocketOptions V6 = new DatagramSocketOptions().setReceiveBufferSize(MAX_DATAGRAM).setIpV6(true);

    private final DatagramSocket socket;
    private String local = "?";

    private UdpUpstreamConnection(Upstream upstream, ConnectionPool pool, DatagramSocket socket) {
        super(upstream, pool);
        this.socket = socket;
    }

    /** Opens a socket on the calling event loop (its packets are handled there). */
    static Future<UpstreamConnection> open(Vertx vertx, Upstream upstream, ConnectionPool pool) {
        DatagramSocket socket = vertx.createDatagramSocket(upstream.ipv6 ? V6 : V4);
        UdpUpstreamConnection c = new UdpUpstreamConnection(upstream, pool, socket);
        socket.handler(c::onPacket);
        socket.exceptionHandler(e -> c.broke("read " + c.describe() + ": " + e.getMessage(), false));
        return socket.listen(0, upstream.ipv6 ? "::" : "0.0.0.0")
                .<UpstreamConnection>map(s -> {
                    // bound to the wildcard address: name it as such, in the upstream's family
                    c.local = (upstream.ipv6 ? "[::]:" : "0.0.0.0:") + s.localAddress().port();
                    return c;
                })
                .onFailure(e -> socket.close());
    }

    @Override
    boolean tcp() {
        return false;
    }

    @Override
    void send(byte[] wire) {
        socket.send(Buffer.buffer(wire), upstream.port, upstream.hostAddress)
                .onFailure(e -> broke("write " + describe() + ": " + e.getMessage(), false));
    }

    private void onPacket(DatagramPacket packet) {
        SocketAddress from = packet.sender();
        if (pending != null && upstream.sent(from.hostAddress(), from.port())) {
            deliver(packet.data().getBytes());
        }
    }

    @Override
    void close() {
        if (!closed) {
            closed = true;
            socket.close();
        }
    }

    @Override
    String describe() {
        return "udp " + local + "->" + upstream.label;
    }
}
