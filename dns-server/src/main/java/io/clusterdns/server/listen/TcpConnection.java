package io.clusterdns.server.listen;

import io.clusterdns.server.wire.Transport;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DNS-over-TCP client connection: pipelined queries are answered as their answers are ready
 * (cluster answers at once, in order; forwarded ones when they come back, which RFC 7766 allows:
 * clients match responses by ID). A broken frame closes this connection only. Idle connections
 * are closed by the server's idle timeout.
 */
final class TcpConnection {
    private static final Logger log = LoggerFactory.getLogger(TcpConnection.class);

    private final NetSocket socket;
    private final QueryReceiver receiver;
    private final Listener listener;
    private final InetSocketAddress client;
    private final TcpFrameDecoder decoder = new TcpFrameDecoder();

    TcpConnection(NetSocket socket, QueryReceiver receiver, Listener listener, InetSocketAddress client) {
        this.socket = socket;
        this.receiver = receiver;
        this.listener = listener;
        this.client = client;
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
        receiver.receive(frame, Transport.TCP, client, listener, this::send);
    }

    private void send(byte[] wire) {
        socket.write(Buffer.buffer(2 + wire.length).appendUnsignedShort(wire.length).appendBytes(wire));
        if (socket.writeQueueFull()) {
            // A client that pipelines but does not read must not make us buffer without bound.
            socket.pause();
            socket.drainHandler(v -> socket.resume());
        }
    }
}
