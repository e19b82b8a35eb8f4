package io.clusterdns.server.plugin.forward;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * An upstream that misbehaves on demand, over UDP and TCP on one loopback address and port: it
 * answers every A question with {@link #GOOD_IP} (TTL 1) and any other question with an empty
 * NOERROR, until the test switches it to a {@link Mode} that answers garbage, late or never, or
 * kills it (both sockets closed: UDP queries meet ICMP port unreachable, TCP connects a reset) and
 * revives it on the same port. Threads: one UDP reader, one TCP acceptor and one per connection,
 * all ending when it is closed.
 */
public final class FaultyUpstream implements AutoCloseable {
    static final String GOOD_IP = "192.0.2.1";
    static final String SPOOFED_IP = "198.51.100.66";
    /** What {@link Mode#WRONG_QUESTION} answers instead of the question asked. */
    static final Name POISON = Name.fromConstantString("poison.test.");

    enum Mode {
        /** Right answers. */
        GOOD,
        /** Random bytes behind the query's ID, QR and one question: past the header check, into the parser. */
        RANDOM_BYTES,
        /** The right answer under another ID. */
        WRONG_ID,
        /** An answer for {@link #POISON} with {@link #SPOOFED_IP}, whatever was asked: a poisoning attempt. */
        WRONG_QUESTION,
        /** The right answer cut short inside its answer record. */
        TRUNCATED_MESSAGE,
        /** TC=1 and no records, over UDP and TCP alike. */
        TC_ALWAYS,
        /** The right answer 2.5 s late: after the forwarder's 2 s attempt timeout. */
        SLOW,
        /** Reads and never answers. */
        SILENT,
        /** Not listening at all: {@link #kill()}. */
        DEAD
    }

    private final InetAddress address;
    private final Random random = new Random(13);
    private final ScheduledExecutorService late = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "faulty-upstream-late");
        t.setDaemon(true);
        return t;
    });
    private volatile Mode mode = Mode.GOOD;
    private volatile int port;
    private volatile DatagramSocket udp;
    private volatile ServerSocket tcp;
    private final java.util.Set<Socket> connections = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public FaultyUpstream(String ip) {
        this.address = Dnsmasq.loopback(ip);
        for (int attempt = 0; ; attempt++) {
            try {
                bind(0);
                return;
            } catch (UncheckedIOException e) {
                // the UDP port was free and its TCP twin was not: another port
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** {@code IP:PORT}, as a forward line names it. */
    public String target() {
        return address.getHostAddress() + ":" + port;
    }

    /** Switches the behaviour: {@link Mode#DEAD} closes the sockets, any other mode binds them again if dead. */
    synchronized void mode(Mode m) {
        if (m == Mode.DEAD) {
            kill();
        } else if (mode == Mode.DEAD) {
            bind(port);
        }
        mode = m;
    }

    private void kill() {
        closeSockets();
    }

    private void bind(int wanted) {
        DatagramSocket u = null;
        try {
            u = new DatagramSocket(new InetSocketAddress(address, wanted));
            ServerSocket t = new ServerSocket();
            t.setReuseAddress(true);
            try {
                t.bind(new InetSocketAddress(address, u.getLocalPort()));
            } catch (IOException e) {
                t.close();
                throw e;
            }
            udp = u;
            tcp = t;
            port = u.getLocalPort();
        } catch (IOException e) {
            if (u != null) {
                u.close();
            }
            throw new UncheckedIOException(e);
        }
        DatagramSocket myUdp = udp;
        ServerSocket myTcp = tcp;
        daemon("faulty-upstream-udp", () -> readUdp(myUdp));
        daemon("faulty-upstream-tcp", () -> accept(myTcp));
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private void readUdp(DatagramSocket socket) {
        byte[] buf = new byte[65535];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                continue;
            }
            byte[] query = Arrays.copyOf(buf, p.getLength());
            SocketAddress from = p.getSocketAddress();
            answer(query, reply -> {
                try {
                    socket.send(new DatagramPacket(reply, reply.length, from));
                } catch (IOException e) {
                    // the socket was closed (killed) meanwhile: the reply is lost, as it would be
                }
            });
        }
    }

    private void accept(ServerSocket server) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.add(s);
                daemon("faulty-upstream-tcp-conn", () -> serveTcp(s));
            } catch (IOException e) {
                // closed: the loop ends
            }
        }
    }

    private void serveTcp(Socket s) {
        try (s; DataInputStream in = new DataInputStream(s.getInputStream());
             DataOutputStream out = new DataOutputStream(s.getOutputStream())) {
            while (true) {
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                answer(query, reply -> {
                    synchronized (out) {
                        try {
                            out.writeShort(reply.length);
                            out.write(reply);
                            out.flush();
                        } catch (IOException e) {
                            // the forwarder closed the connection
                        }
                    }
                });
            }
        } catch (IOException e) {
            // the forwarder closed the connection, or we were killed
        } finally {
            connections.remove(s);
        }
    }

    private void answer(byte[] query, java.util.function.Consumer<byte[]> send) {
        Message q;
        try {
            q = new Message(query);
        } catch (IOException e) {
            return;
        }
        Mode m = mode;
        switch (m) {
            case GOOD -> send.accept(good(q).toWire());
            case RANDOM_BYTES -> send.accept(randomBytes(q));
            case WRONG_ID -> {
                Message a = good(q);
                a.getHeader().setID((q.getHeader().getID() + 1) & 0xFFFF);
                send.accept(a.toWire());
            }
            case WRONG_QUESTION -> send.accept(poison(q).toWire());
            case TRUNCATED_MESSAGE -> {
                byte[] whole = good(q).toWire();
                send.accept(Arrays.copyOf(whole, whole.length - 3));
            }
            case TC_ALWAYS -> {
                Message a = empty(q);
                a.getHeader().setFlag(Flags.TC);
                send.accept(a.toWire());
            }
            case SLOW -> {
                byte[] reply = good(q).toWire();
                late.schedule(() -> send.accept(reply), 2_500, TimeUnit.MILLISECONDS);
            }
            case SILENT, DEAD -> {
            }
        }
    }

    private static Message empty(Message q) {
        Message a = new Message(q.getHeader().getID());
        a.getHeader().setFlag(Flags.QR);
        a.getHeader().setFlag(Flags.RA);
        if (q.getHeader().getFlag(Flags.RD)) {
            a.getHeader().setFlag(Flags.RD);
        }
        a.addRecord(q.getQuestion(), Section.QUESTION);
        return a;
    }

    private static Message good(Message q) {
        Message a = empty(q);
        Record question = q.getQuestion();
        if (question.getType() == Type.A) {
            a.addRecord(new ARecord(question.getName(), DClass.IN, 1, ForwardFakeUpstreamTest.ip(GOOD_IP)), Section.ANSWER);
        }
        return a;
    }

    private static Message poison(Message q) {
        Message a = new Message(q.getHeader().getID());
        a.getHeader().setFlag(Flags.QR);
        a.addRecord(Record.newRecord(POISON, Type.A, DClass.IN), Section.QUESTION);
        a.addRecord(new ARecord(POISON, DClass.IN, 3600, ForwardFakeUpstreamTest.ip(SPOOFED_IP)), Section.ANSWER);
        return a;
    }

    private byte[] randomBytes(Message q) {
        byte[] b;
        synchronized (random) {
            b = new byte[12 + random.nextInt(200)];
            random.nextBytes(b);
        }
        int id = q.getHeader().getID();
        b[0] = (byte) (id >>> 8);
        b[1] = (byte) id;
        b[2] |= (byte) 0x80;
        b[4] = 0;
        b[5] = 1;
        return b;
    }

    /** Both listening sockets and every accepted connection, as when the process dies. */
    private void closeSockets() {
        DatagramSocket u = udp;
        ServerSocket t = tcp;
        for (Socket c : connections) {
            try {
                c.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
        }
        if (u != null) {
            u.close();
        }
        if (t != null) {
            try {
                t.close();
            } catch (IOException e) {
                // closing: nothing to do
            }
        }
    }

    @Override
    public void close() {
        closeSockets();
        late.shutdownNow();
    }
}
