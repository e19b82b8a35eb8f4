package io.clusterdns.server.listen;

import io.clusterdns.server.wire.Transport;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.StreamChannelInternal;
import io.vertx.core.net.NetSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DNS-over-TCP client connection: pipelined queries are answered as their answers are ready
 * (cluster answers at once, in order; forwarded ones when they come back, which RFC 7766 allows:
 * clients match responses by ID). A broken frame closes this connection only. One deadline runs
 * at a time, for what the connection waits on: the client's next query (idle timeout), the rest
 * of a query whose first bytes came (read timeout: slowloris), or a client that does not read its
 * answers (write timeout); none while answers are being made. With {@link TcpLimits#maxPipelined}
 * queries being answered it is not read until answers have gone out, nor while its client does
 * not read them; after {@link TcpLimits#maxQueries} it reads no more and closes once they are
 * answered. All state is used on the connection's event loop: answers completed elsewhere
 * (forward) are handed back to it.
 */
final class TcpConnection {
    private static final Logger log = LoggerFactory.getLogger(TcpConnection.class);

    /** What the running deadline is for. */
    private enum Wait { NOTHING, NEXT_QUERY, REST_OF_QUERY, CLIENT_READING }

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
    private boolean lastQueryRead;
    private boolean closed;
    private Wait waiting = Wait.NOTHING;
    private long deadline = -1;

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
            closed = true;
            cancelDeadline();
            admission.release(client.getAddress());
        });
        socket.exceptionHandler(e -> {
            log.debug("tcp connection from {} failed: {}", socket.remoteAddress(), e.toString());
            close();
        });
        retime();
    }

    private void onData(Buffer chunk) {
        if (lastQueryRead) {
            return; // bytes read with the last query allowed: never answered, the client asks again elsewhere
        }
        long before = frames;
        if (decoder.feed(chunk.getBytes(), this::onFrame) == TcpFrameDecoder.Status.BROKEN) {
            log.debug("tcp connection from {}: frame shorter than a DNS header, closing", socket.remoteAddress());
            close();
            return;
        }
        if (frames != before) {
            // a query completed: the next one (or the next wait) gets its own time
            cancelDeadline();
        }
        retime();
    }

    private void onFrame(byte[] frame) {
        if (lastQueryRead) {
            return;
        }
        frames++;
        inFlight++;
        if (limits.maxQueries() != TcpLimits.UNLIMITED && frames >= limits.maxQueries()) {
            lastQueryRead = true;
        }
        updatePause();
        receiver.receive(frame, Transport.TCP, client, listener, this::send);
    }

    private void send(byte[] wire) {
        if (Vertx.currentContext() != context) {
            context.runOnContext(v -> send(wire));
            return;
        }
        inFlight--;
        if (closed) {
            return;
        }
        socket.write(Buffer.buffer(2 + wire.length).appendUnsignedShort(wire.length).appendBytes(wire));
        if (socket.writeQueueFull()) {
            // A client that pipelines but does not read must not make us buffer without bound.
            writesFull = true;
            socket.drainHandler(v -> {
                writesFull = false;
                updatePause();
                retime();
            });
        }
        updatePause();
        if (lastQueryRead && inFlight == 0) {
            // its last answer is written: close after it has gone out
            socket.end();
            return;
        }
        if (!writesFull) {
            cancelDeadline(); // the client's next query gets the whole idle time from this answer on
        }
        retime();
    }

    private void updatePause() {
        boolean pause = lastQueryRead || writesFull || inFlight >= limits.maxPipelined();
        if (pause != paused) {
            paused = pause;
            if (pause) {
                socket.pause();
            } else {
                socket.resume();
            }
        }
    }

    /** Runs the deadline for what the connection waits on now; one already running for the same wait keeps its time. */
    private void retime() {
        Wait now = writesFull ? Wait.CLIENT_READING
                : paused || inFlight > 0 ? Wait.NOTHING
                : decoder.pendingBytes() > 0 ? Wait.REST_OF_QUERY
                : Wait.NEXT_QUERY;
        if (closed || now == waiting && deadline >= 0) {
            return;
        }
        cancelDeadline();
        waiting = now;
        Duration timeout = switch (now) {
            case NOTHING -> null;
            case NEXT_QUERY -> limits.idleTimeout();
            case REST_OF_QUERY -> limits.readTimeout();
            case CLIENT_READING -> limits.writeTimeout();
        };
        if (timeout != null) {
            deadline = vertx.setTimer(timeout.toMillis(), id -> {
                deadline = -1;
                expired(now, timeout);
            });
        }
    }

    private void expired(Wait what, Duration timeout) {
        switch (what) {
            case REST_OF_QUERY -> {
                admission.slowQuery();
                log.debug("tcp connection from {}: a query took longer than {} to arrive, closing", socket.remoteAddress(), timeout);
            }
            case CLIENT_READING -> {
                admission.slowReader();
                log.debug("tcp connection from {}: answers not read for {}, closing", socket.remoteAddress(), timeout);
                abort();
                return;
            }
            default -> log.debug("tcp connection from {}: idle for {}, closing", socket.remoteAddress(), timeout);
        }
        close();
    }

    private void close() {
        cancelDeadline();
        socket.close();
    }

    /**
     * Closes at once, dropping the answers not yet written: Vert.x's close waits until they are
     * flushed, which never happens for a client that does not read (the connection, its buffers
     * and its count against the caps would stay).
     */
    private void abort() {
        cancelDeadline();
        if (socket instanceof StreamChannelInternal channel) {
            // from Vert.x's own handler outward: the close skips its flush-first close
            channel.channelHandlerContext().close();
        } else {
            socket.close();
        }
    }

    private void cancelDeadline() {
        if (deadline >= 0) {
            vertx.cancelTimer(deadline);
            deadline = -1;
        }
        waiting = Wait.NOTHING;
    }
}
