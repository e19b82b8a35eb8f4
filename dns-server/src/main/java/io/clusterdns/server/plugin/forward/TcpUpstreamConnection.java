package io.clusterdns.server.plugin.forward;

import io.clusterdns.server.listen.TcpFrameDecoder;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

/**
 * A TCP connection to one upstream (2-byte length framing), kept open between exchanges until
 * idle for {@code expire}. If the upstream closes it while a reused connection waits for its
 * first answer, the exchange is told it was stale and retries on a new connection.
 */
final class TcpUpstreamConnection extends UpstreamConnection {
    private final NetSocket socket;
    private final TcpFrameDecoder decoder = new TcpFrameDecoder();
    private final String local;
    /** Something arrived since the last send: a close is then not a stale pooled connection's. */
    private boolean heard;

    private TcpUpstreamConnection(Upstream upstream, ConnectionPool pool, NetSocket socket) {
        super(upstream, pool);
        this.socket = socket;
        SocketAddress a = socket.localAddress();
        this.local = a == null ? "?" : (upstream.ipv6 ? "[" + a.hostAddress() + "]" : a.hostAddress()) + ":" + a.port();
    }

    /** Connects from the calling event loop (its data is handled there). */
    static Future<UpstreamConnection> open(NetClient client, Upstream upstream, ConnectionPool pool) {
        return client.connect(upstream.port, upstream.hostAddress).map(socket -> {
            TcpUpstreamConnection c = new TcpUpstreamConnection(upstream, pool, socket);
            socket.handler(c::onData);
            socket.closeHandler(v -> c.onClose());
            socket.exceptionHandler(e -> c.broke("read " + c.describe() + ": " + e.getMessage(), c.reused && !c.heard));
            return c;
        });
    }

    @Override
    boolean tcp() {
        return true;
    }

    @Override
    void send(byte[] wire) {
        heard = false;
        Buffer framed = Buffer.buffer(2 + wire.length).appendUnsignedShort(wire.length).appendBytes(wire);
        socket.write(framed).onFailure(e -> broke("write " + describe() + ": " + e.getMessage(), reused));
    }

    private void onData(Buffer chunk) {
        heard = true;
        if (decoder.feed(chunk.getBytes(), this::deliver) == TcpFrameDecoder.Status.BROKEN) {
            broke("read " + describe() + ": frame shorter than a DNS header", false);
        }
    }

    private void onClose() {
        boolean wasClosed = closed;
        closed = true;
        if (!wasClosed && pending != null) {
            broke("read " + describe() + ": EOF", reused && !heard);
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
        return "tcp " + local + "->" + upstream.label;
    }
}
