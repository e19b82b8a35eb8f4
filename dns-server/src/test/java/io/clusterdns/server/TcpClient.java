package io.clusterdns.server;

import io.clusterdns.k8s.testing.Await;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.xbill.DNS.Message;

/**
 * A raw DNS-over-TCP client on 127.0.0.1 (or another loopback address): writes exactly the bytes given (so tests control how
 * frames are split or coalesced) and reads length-prefixed responses. Reads wait at most
 * {@link #DEADLINE_MS}.
 */
public final class TcpClient implements AutoCloseable {
    public static final int DEADLINE_MS = (int) Await.DEADLINE.toMillis();

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public TcpClient(int port) {
        this(port, DEADLINE_MS);
    }

    public TcpClient(int port, int readDeadlineMs) {
        this(InetAddress.getLoopbackAddress(), port, readDeadlineMs);
    }

    /** A client of {@code port} on another loopback address (127.0.0.2, ::1). */
    public TcpClient(InetAddress address, int port) {
        this(address, port, DEADLINE_MS);
    }

    private TcpClient(InetAddress address, int port, int readDeadlineMs) {
        try {
            socket = new Socket(address, port);
            socket.setSoTimeout(readDeadlineMs);
            socket.setTcpNoDelay(true);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes raw bytes, flushed at once (one write, normally one TCP segment on loopback). */
    public void write(byte[] raw) {
        try {
            out.write(raw);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one response frame (without its prefix). */
    public byte[] readFrame() {
        try {
            int length = in.readUnsignedShort();
            byte[] body = new byte[length];
            in.readFully(body);
            return body;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no TCP response within the deadline", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Message exchange(Message query) {
        write(Wire.framed(Wire.bytes(query)));
        return Wire.parse(readFrame());
    }

    /** True when the server closes the connection before the read deadline (EOF or reset). */
    public boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            return true; // connection reset
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a test socket: nothing to do
        }
    }
}
