package io.clusterdns.server.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Valid queries with known answers, asked over UDP in a loop while the fuzzer runs: the server
 * must keep answering its clients correctly.
 *
 * <p>The rule for "answered": a probe is sent up to {@link #ATTEMPTS} times, each attempt waiting
 * {@link #ATTEMPT_TIMEOUT_MS} for the response with its ID. On a busy machine the kernel drops
 * datagrams when a socket buffer is full (the server's, under the flood, or ours), which is not
 * the server's fault, so a probe that is answered at any attempt counts as answered; one that is
 * not answered in all of them (20 s) is an unanswered probe. A wrong answer fails at once.
 */
final class Prober {
    static final int ATTEMPTS = 5;
    static final int ATTEMPT_TIMEOUT_MS = 4_000;

    /** One valid question and what the answer section must hold (rdata texts, any order), with the rcode. */
    record Probe(String name, int type, int rcode, Set<String> rdata) {
        Probe {
            rdata = Set.copyOf(rdata);
        }
    }

    /** Figures of the probes so far. */
    record Counts(long asked, long answered, long retried, long unanswered, long wrong) {
    }

    private final InetSocketAddress server;
    private final List<Probe> probes;
    private final Consumer<String> problems;
    private final AtomicLong asked = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong unanswered = new AtomicLong();
    private final AtomicLong wrong = new AtomicLong();
    private int nextId;

    Prober(InetSocketAddress server, List<Probe> probes, Consumer<String> problems) {
        this.server = server;
        this.probes = List.copyOf(probes);
        this.problems = problems;
    }

    /** Asks every probe once, in order. */
    void round() {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0))) {
            socket.connect(server);
            socket.setSoTimeout(ATTEMPT_TIMEOUT_MS);
            for (Probe p : probes) {
                ask(socket, p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Counts counts() {
        return new Counts(asked.get(), answered.get(), retried.get(), unanswered.get(), wrong.get());
    }

    private void ask(DatagramSocket socket, Probe p) throws IOException {
        asked.incrementAndGet();
        int id = nextId++ & 0xFFFF;
        Message q = new Message(id);
        q.getHeader().setFlag(Flags.RD);
        q.addRecord(Record.newRecord(Name.fromConstantString(p.name()), p.type(), DClass.IN), Section.QUESTION);
        byte[] wire = q.toWire();
        byte[] buf = new byte[65535];
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (attempt > 0) {
                retried.incrementAndGet();
            }
            socket.send(new DatagramPacket(wire, wire.length));
            long deadline = System.nanoTime() + ATTEMPT_TIMEOUT_MS * 1_000_000L;
            while (true) {
                int left = (int) ((deadline - System.nanoTime()) / 1_000_000L);
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout(left);
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                }
                Message r = ResponseCheck.parse(Arrays.copyOf(buf, packet.getLength()));
                if (r == null || r.getHeader().getID() != id) {
                    continue; // the answer to an earlier attempt of an earlier probe
                }
                check(p, r);
                return;
            }
        }
        unanswered.incrementAndGet();
        problems.accept("probe " + p.name() + " " + Type.string(p.type()) + " unanswered after " + ATTEMPTS
                + " attempts of " + ATTEMPT_TIMEOUT_MS + " ms");
    }

    private void check(Probe p, Message r) {
        answered.incrementAndGet();
        Set<String> got = new TreeSet<>();
        for (Record rec : r.getSection(Section.ANSWER)) {
            got.add(rec.rdataToString());
        }
        if (r.getRcode() != p.rcode() || !got.equals(new TreeSet<>(p.rdata()))) {
            wrong.incrementAndGet();
            problems.accept("probe " + p.name() + " " + Type.string(p.type()) + ": " + Rcode.string(r.getRcode())
                    + " " + got + ", expected " + Rcode.string(p.rcode()) + " " + new TreeSet<>(p.rdata()));
        }
    }
}
