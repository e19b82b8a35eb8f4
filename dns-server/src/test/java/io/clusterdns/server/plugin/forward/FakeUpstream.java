package io.clusterdns.server.plugin.forward;

import io.clusterdns.k8s.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.xbill.DNS.Message;

/**
 * An upstream the test plays: a UDP socket on a loopback address that queues what it receives and
 * answers only what the test sends, when it sends it (nothing, a spoofed message, the real
 * answer). Its reader thread ends when it is closed.
 */
public final class FakeUpstream implements AutoCloseable {
    /** One received query and where it came from (the forwarder's socket). */
    public record Query(Message message, SocketAddress from) {
        public int id() {
            return message.getHeader().getID();
        }
    }

    private final DatagramSocket socket;
    private final BlockingQueue<Query> received = new LinkedBlockingQueue<>();
    private final Thread reader;

    public FakeUpstream(String ip) {
        try {
            socket = new DatagramSocket(new InetSocketAddress(Dnsmasq.loopback(ip), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        reader = new Thread(this::read, "fake-upstream-" + ip);
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code IP:PORT}, as a forward line names it. */
    public String target() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    /** The next query received (health checks included), waiting up to the test deadline. */
    public Query next() {
        return Await.next("a query at the fake upstream " + target(), received);
    }

    /** The queries received and not taken yet, at once. */
    public List<Query> drain() {
        List<Query> out = new ArrayList<>();
        received.drainTo(out);
        return out;
    }

    /** Sends {@code message} from this socket to {@code to}. */
    public void send(SocketAddress to, Message message) {
        send(socket, to, message);
    }

    static void send(DatagramSocket from, SocketAddress to, Message message) {
        byte[] wire = message.toWire();
        try {
            from.send(new DatagramPacket(wire, wire.length, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read() {
        byte[] buf = new byte[65535];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                received.add(new Query(new Message(Arrays.copyOf(buf, p.getLength())), p.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        socket.close();
        try {
            reader.join(Await.DEADLINE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
