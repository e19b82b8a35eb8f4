package io.clusterdns.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DNS-over-TCP client connection: pipelined queries are answered one by one, in the order
 * they arrived (each answer is computed synchronously, so order is free). A broken frame closes
 * this connection only. Idle connections are closed by the server's idle timeout.
 */
final class TcpConnection {
    private static final Logger log = LoggerFactory.getLogger(TcpConnection.class);

    private final NetSocket socket;
    private final QueryHandler handler;
    private final TcpFrameDecoder decoder = new TcpFrameDecoder();
    private final boolean ipv6Client;

    TcpConnection(NetSocket socket, QueryHandler handler, boolean ipv6Client) {
        this.socket = socket;
        this.handler = handler;
        this.ipv6Client = ipv6Client;
    }

    void start() {
        socket.handler(this::onData);
        socket.exceptionHandler(e -> {
            log.debug("tcp connection from {} failed: {}", socket.remoteAddress(), e.toString());
            socket.close();
        });
    }

    private void onData(Buffer chunk) {
        if (decoder.feed(chunk.getBytes(), this::onFrame) == TcpFrameDecoder.Status.BROKEN) {
            log.debug("tcp connection from {}: frame shorter than a DNS header, closing", socket.remoteAddress());
            socket.close();
        }
    }

    private void onFrame(byte[] frame) {
        if (handler.handle(frame, Transport.TCP, ipv6Client) instanceof QueryOutcome.Response response) {
            byte[] wire = response.wire();
            socket.write(Buffer.buffer(2 + wire.length).appendUnsignedShort(wire.length).appendBytes(wire));
            if (socket.writeQueueFull()) {
                // A client that pipelines but does not read must not make us buffer without bound.
                socket.pause();
                socket.drainHandler(v -> socket.resume());
            }
        }
    }
}
