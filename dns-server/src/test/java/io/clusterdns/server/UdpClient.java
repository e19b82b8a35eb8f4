package io.clusterdns.server;

import io.clusterdns.k8s.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import org.xbill.DNS.Message;

/**
 * A raw UDP client on 127.0.0.1: sends exactly the bytes given. Receives wait at most
 * {@link #DEADLINE_MS}; a missing answer fails the test rather than hanging it.
 */
public final class UdpClient implements AutoCloseable {
    public static final int DEADLINE_MS = (int) Await.DEADLINE.toMillis();

    private final DatagramSocket socket;

    public UdpClient(int port) {
        this(InetAddress.getLoopbackAddress(), port);
    }

    /** A client on {@code loopback} (127.0.0.1 or ::1) asking {@code port} of the same address. */
    public UdpClient(InetAddress loopback, int port) {
        this(loopback, loopback, port);
    }

    /**
     * A client sending from {@code source} (any address of 127.0.0.0/8, to be told apart from
     * 127.0.0.1) to {@code server}'s {@code port}. A wildcard listener answers from the address
     * asked, when that is the one the kernel picks for the way back (127.0.0.1 for all of 127/8),
     * so ask 127.0.0.1 from 127.0.0.2 rather than 127.0.0.2 itself.
     */
    public UdpClient(InetAddress source, InetAddress server, int port) {
        try {
            socket = new DatagramSocket(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress(server, port));
            socket.setSoTimeout(DEADLINE_MS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void send(byte[] packet) {
        try {
            socket.send(new DatagramPacket(packet, packet.length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] receive() {
        byte[] buf = new byte[65535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no UDP response within " + DEADLINE_MS + " ms", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Arrays.copyOf(buf, p.getLength());
    }

    public byte[] exchange(byte[] query) {
        send(query);
        return receive();
    }

    public Message exchange(Message query) {
        return Wire.parse(exchange(Wire.bytes(query)));
    }

    @Override
    public void close() {
        socket.close();
    }
}
