package io.clusterdns.server.listen;

import io.clusterdns.server.wire.Transport;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DNS-over-TCP client connection: pipelined queries are answered as their answers are ready
 * (cluster answers at once, in order; forwarded ones when they come back, which RFC 7766 allows:
 * clients match responses by ID). A broken frame closes this connection only. Idle connections
 * are closed by the server's idle timeout; a query whose bytes trickle in for longer than
 * {@link TcpLimits#frameTimeout} closes it too (slowloris); with {@link TcpLimits#maxPipelined}
 * queries being answered it is not read until answers have gone out, nor while its client does
 * not read them. All state is used on the connection's event loop: answers completed elsewhere
 * (forward) are handed back to it.
 */
final class TcpConnection {
    private static final Logger log = LoggerFactory.getLogger(TcpConnection.class);

    private final NetSocket socket;
    private final QueryReceiver receiver;
    private final Listener listener;
    private final InetSocketAddress client;
    private final TcpAdmission admission;
    private final TcpLimits limits;
    private final TcpFrameDecoder decoder = new TcpFrameDecoder();
    private Vertx vertx;
    private Context context;
    private int inFlight;
    private long frames;
    private boolean writesFull;
    private boolean paused;
    private long frameTimer = -1;

    /** @param admission took this connection: its limits, and it is told when the connection closes */
    TcpConnection(NetSocket socket, QueryReceiver receiver, Listener listener, InetSocketAddress client, TcpAdmission admission) {
        this.socket = socket;
        this.receiver = receiver;
        this.listener = listener;
        this.client = client;
        this.admission = admission;
        this.limits = admission.limits();
    }

    /** Called on the connection's event loop. */
    void start(Vertx vertx) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        socket.handler(this::onData);
        socket.closeHandler(v -> {
            cancelFrameTimer();
            admission.release(client.getAddress());
        });
        socket.exceptionHandler(e -> {
            log.debug("tcp connection from {} failed: {}", socket.remoteAddress(), e.toString());
            socket.close();
        });
    }

    private void onData(Buffer chunk) {
        long before = frames;
        if (decoder.feed(chunk.getBytes(), this::onFrame) == TcpFrameDecoder.Status.BROKEN) {
            log.debug("tcp connection from {}: frame shorter than a DNS header, closing", socket.remoteAddress());
            socket.close();
            return;
        }
        if (frames != before) {
            // a query completed: the next one gets its own time
            cancelFrameTimer();
        }
        armFrameTimer();
    }

    /** Times the query whose first bytes are here, while the connection is read (paused, its bytes cannot come). */
    private void armFrameTimer() {
        if (decoder.pendingBytes() == 0 || paused) {
            cancelFrameTimer();
        } else if (frameTimer < 0) {
            frameTimer = vertx.setTimer(limits.frameTimeout().toMillis(), id -> {
                frameTimer = -1;
                admission.slowQuery();
                log.debug("tcp connection from {}: a query took longer than {} to arrive, closing", socket.remoteAddress(),
                        limits.frameTimeout());
                socket.close();
            });
        }
    }

    private void onFrame(byte[] frame) {
        frames++;
        inFlight++;
        updatePause();
        receiver.receive(frame, Transport.TCP, client, listener, this::send);
    }

    private void send(byte[] wire) {
        if (Vertx.currentContext() != context) {
            context.runOnContext(v -> send(wire));
            return;
        }
        inFlight--;
        socket.write(Buffer.buffer(2 + wire.length).appendUnsignedShort(wire.length).appendBytes(wire));
        if (socket.writeQueueFull()) {
            // A client that pipelines but does not read must not make us buffer without bound.
            writesFull = true;
            socket.drainHandler(v -> {
                writesFull = false;
                updatePause();
            });
        }
        updatePause();
    }

    private void updatePause() {
        boolean pause = writesFull || inFlight >= limits.maxPipelined();
        if (pause != paused) {
            paused = pause;
            if (pause) {
                socket.pause();
            } else {
                socket.resume();
            }
            armFrameTimer();
        }
    }

    private void cancelFrameTimer() {
        if (frameTimer >= 0) {
            vertx.cancelTimer(frameTimer);
            frameTimer = -1;
        }
    }
}
