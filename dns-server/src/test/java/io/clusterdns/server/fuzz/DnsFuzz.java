package io.clusterdns.server.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * Sends the fuzz at a running server: {@code udpPackets} UDP packets from {@link FuzzPackets}
 * over {@code udpThreads} sockets, and {@code tcpSessions} TCP sessions (well-framed pipelines of
 * valid and fuzzed queries, and frames whose length prefix lies, partial frames, random streams),
 * while a {@link Prober} keeps asking valid questions. Every response is checked by
 * {@link ResponseCheck}; what is wrong is collected with the seed, the packet's index and its hex.
 *
 * <p>Unanswered fuzz packets are counted, not failures: dropping garbage is allowed, and a
 * forwarded question the upstream ignores is answered only when the forwarder gives up.
 */
final class DnsFuzz {
    /** In flight per UDP socket: enough to keep the server busy, few enough not to overrun its socket buffer. */
    static final int WINDOW = 64;
    /** A fuzz packet not answered in this long no longer holds a place in the window. */
    static final long WINDOW_EXPIRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** A socket is used for at most this many packets, so an ID is never reused on one socket. */
    static final int PACKETS_PER_SOCKET = 65_536;
    static final int TCP_READ_TIMEOUT_MS = 10_000;
    /** Problems kept in full (all are counted). */
    static final int PROBLEMS_KEPT = 50;

    /** What to send. */
    record Settings(long seed, long udpPackets, int tcpSessions, int udpThreads, int tcpThreads) {
    }

    /** The figures of a run and its problems (at most {@link #PROBLEMS_KEPT} described). */
    record Report(Settings settings, long udpAnswered, long udpUnanswered, long tcpSessions, long tcpFrames, long tcpAnswers,
                  long slowestSessionMillis, Prober.Counts probes, long problemCount, List<String> problems, long millis,
                  Map<String, Long> outcomes) {
        String summary() {
            return "seed " + settings.seed() + ": " + settings.udpPackets() + " UDP packets (" + udpAnswered + " answered, "
                    + udpUnanswered + " unanswered), " + tcpSessions + " TCP sessions (" + tcpFrames + " frames sent, "
                    + tcpAnswers + " answers, the slowest " + slowestSessionMillis + " ms), probes " + probes + ", " + problemCount + " problems, " + millis + " ms";
        }
    }

    private final InetSocketAddress server;
    private final Settings settings;
    private final FuzzPackets packets;
    private final Prober prober;
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicLong problemCount = new AtomicLong();
    private final AtomicLong udpAnswered = new AtomicLong();
    private final AtomicLong udpUnanswered = new AtomicLong();
    private final AtomicLong tcpSessions = new AtomicLong();
    private final AtomicLong tcpFrames = new AtomicLong();
    private final AtomicLong tcpAnswers = new AtomicLong();
    private final AtomicLong slowestSession = new AtomicLong();
    /** UDP responses by the fuzz packet's kind and the response's rcode ("opt-version BADVERS"): where the fuzz went. */
    private final ConcurrentHashMap<String, AtomicLong> outcomes = new ConcurrentHashMap<>();

    DnsFuzz(InetSocketAddress server, Settings settings, List<Prober.Probe> probes) {
        this.server = server;
        this.settings = settings;
        this.packets = new FuzzPackets(settings.seed());
        this.prober = new Prober(server, probes, this::problem);
    }

    Report run() throws InterruptedException {
        long start = System.nanoTime();
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(settings.udpThreads() + settings.tcpThreads() + 1);
        try {
            Future<?> probing = pool.submit(() -> {
                while (!done.get()) {
                    prober.round();
                    sleep(5);
                }
            });
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < settings.udpThreads(); t++) {
                int worker = t;
                work.add(pool.submit(() -> udpWorker(worker)));
            }
            AtomicLong nextSession = new AtomicLong();
            for (int t = 0; t < settings.tcpThreads(); t++) {
                work.add(pool.submit(() -> {
                    for (long s = nextSession.getAndIncrement(); s < settings.tcpSessions(); s = nextSession.getAndIncrement()) {
                        tcpSession(s);
                    }
                }));
            }
            for (Future<?> f : work) {
                await(f);
            }
            done.set(true);
            await(probing);
            // the server still answers at the end, every probe
            prober.round();
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
        return new Report(settings, udpAnswered.get(), udpUnanswered.get(), tcpSessions.get(), tcpFrames.get(), tcpAnswers.get(),
                slowestSession.get(), prober.counts(), problemCount.get(), List.copyOf(problems), (System.nanoTime() - start) / 1_000_000L,
                new TreeMap<>(outcomes.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                        e -> e.getValue().get()))));
    }

    /** Worker {@code w} sends packets w, w + T, w + 2T, ... (T threads), a new socket every {@link #PACKETS_PER_SOCKET}. */
    private void udpWorker(int w) {
        long total = settings.udpPackets();
        int threads = settings.udpThreads();
        long index = w;
        while (index < total) {
            long sentOnSocket = 0;
            try (UdpSocket socket = new UdpSocket()) {
                while (index < total && sentOnSocket < PACKETS_PER_SOCKET) {
                    socket.send((int) sentOnSocket, packets.packet(index));
                    sentOnSocket++;
                    index += threads;
                }
                socket.drain();
            }
        }
    }

    /** One sending socket, its receiving thread, and the packets sent on it by ID (their slot). */
    private final class UdpSocket implements AutoCloseable {
        private final DatagramSocket socket;
        private final AtomicReferenceArray<FuzzPacket> sent = new AtomicReferenceArray<>(65_536);
        private final AtomicReferenceArray<Object> answered = new AtomicReferenceArray<>(65_536);
        private final ArrayDeque<long[]> window = new ArrayDeque<>();
        private final Thread receiver;
        private volatile boolean closing;

        UdpSocket() {
            try {
                socket = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
                socket.connect(server);
                socket.setReceiveBufferSize(1 << 20);
                socket.setSoTimeout(200);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            receiver = new Thread(this::receive, "fuzz-udp-receiver");
            receiver.setDaemon(true);
            receiver.start();
        }

        /** Sends {@code p} with ID {@code slot} (over the first two bytes, when it has them). */
        void send(int slot, FuzzPacket p) {
            byte[] b = p.bytes();
            if (b.length >= 2) {
                b[0] = (byte) (slot >>> 8);
                b[1] = (byte) slot;
            }
            sent.set(slot, p);
            if (p.wantsAnswer()) {
                waitForRoom();
                window.add(new long[] {slot, System.nanoTime()});
            }
            try {
                socket.send(new DatagramPacket(b, b.length));
            } catch (IOException e) {
                // a full send buffer (ENOBUFS) or an ICMP error from an earlier send: the packet is lost, not a finding
            }
        }

        private void waitForRoom() {
            while (window.size() >= WINDOW) {
                long[] head = window.peek();
                if (answered.get((int) head[0]) != null) {
                    window.poll();
                } else if (System.nanoTime() - head[1] > WINDOW_EXPIRY_NANOS) {
                    window.poll();
                } else {
                    LockSupport.parkNanos(100_000);
                }
            }
        }

        /** Waits (at most the forwarder's give-up time and some) for what is still unanswered, and counts it. */
        void drain() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            for (long[] entry : window) {
                while (answered.get((int) entry[0]) == null && System.nanoTime() < deadline) {
                    sleep(5);
                }
            }
            for (int slot = 0; slot < sent.length(); slot++) {
                FuzzPacket p = sent.get(slot);
                if (p != null && p.wantsAnswer() && answered.get(slot) == null) {
                    udpUnanswered.incrementAndGet();
                    outcomes.computeIfAbsent(p.kind() + " (no answer)", k -> new AtomicLong()).incrementAndGet();
                }
            }
        }

        private void receive() {
            byte[] buf = new byte[65_535];
            while (!closing) {
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (SocketException e) {
                    if (closing) {
                        return;
                    }
                    continue; // ICMP port unreachable reported on a connected socket: nothing to read
                } catch (IOException e) {
                    continue;
                }
                byte[] response = Arrays.copyOf(buf, packet.getLength());
                if (response.length < 2) {
                    problem("a " + response.length + "-byte UDP response", null);
                    continue;
                }
                int slot = ((response[0] & 0xFF) << 8) | (response[1] & 0xFF);
                FuzzPacket p = sent.get(slot);
                if (p == null) {
                    problem("a UDP response with ID " + slot + ", never sent on this socket: " + HexFormat.of().formatHex(response), null);
                    continue;
                }
                if (!answered.compareAndSet(slot, null, Boolean.TRUE)) {
                    problem("a second UDP response to one packet: " + HexFormat.of().formatHex(response), p);
                    continue;
                }
                udpAnswered.incrementAndGet();
                Message parsed = ResponseCheck.parse(response);
                outcomes.computeIfAbsent(p.kind() + " " + (parsed == null ? "unparsable" : Rcode.string(parsed.getRcode())),
                        k -> new AtomicLong()).incrementAndGet();
                Optional<String> what = ResponseCheck.problem(p.bytes(), response, true);
                if (what.isEmpty() && parsed != null && parsed.getRcode() == Rcode.SERVFAIL && isClusterQuestion(p.bytes())) {
                    what = Optional.of("SERVFAIL to a well-formed question in the cluster zone");
                }
                what.ifPresent(w -> problem(w + "; response " + HexFormat.of().formatHex(response), p));
            }
        }

        @Override
        public void close() {
            closing = true;
            try {
                receiver.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            socket.close();
        }
    }

    /** The kinds of TCP session; session {@code s} is always the same kind and bytes for a seed. */
    private void tcpSession(long s) {
        SplittableRandom r = new SplittableRandom(settings.seed() * 31 + 0x5DEECE66DL * (s + 1));
        tcpSessions.incrementAndGet();
        int kind = r.nextInt(10);
        long t0 = System.nanoTime();
        try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
            socket.setSoTimeout(TCP_READ_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            switch (kind) {
                case 0, 1, 2 -> pipeline(socket, r, s, 1 + r.nextInt(20));
                case 3 -> pipeline(socket, r, s, 50 + r.nextInt(250));
                default -> lyingFrames(socket, r, s, kind);
            }
        } catch (IOException e) {
            // a connection reset by the server after a broken frame is allowed; the probes say whether it still serves
        }
        slowestSession.accumulateAndGet((System.nanoTime() - t0) / 1_000_000L, Math::max);
    }

    /**
     * {@code n} well-framed messages in one write: valid queries and fuzz packets (of a header or
     * more, since a shorter frame rightly ends the connection). Every valid query must be answered.
     */
    private void pipeline(Socket socket, SplittableRandom r, long session, int n) throws IOException {
        Map<Integer, FuzzPacket> byId = new HashMap<>();
        int mustAnswer = 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            FuzzPacket p;
            if (r.nextBoolean()) {
                p = new FuzzPacket(-1, "tcp-valid", FuzzPackets.validQuery(r));
            } else {
                p = packets.packet(-(session * 1_000 + i) - 2);
                if (p.bytes().length < 12) {
                    continue;
                }
            }
            byte[] b = p.bytes();
            b[0] = (byte) (i >>> 8);
            b[1] = (byte) i;
            byId.put(i, p);
            if (p.kind().equals("tcp-valid")) {
                mustAnswer++;
            }
            out.write(b.length >>> 8);
            out.write(b.length);
            out.writeBytes(b);
        }
        socket.getOutputStream().write(out.toByteArray());
        tcpFrames.addAndGet(byId.size());
        int validAnswered = 0;
        InputStream in = socket.getInputStream();
        while (validAnswered < mustAnswer) {
            byte[] frame;
            try {
                frame = readFrame(in);
            } catch (SocketTimeoutException e) {
                break;
            }
            if (frame == null) {
                break;
            }
            tcpAnswers.incrementAndGet();
            if (frame.length < 2) {
                problem("a " + frame.length + "-byte TCP response in session " + session, null);
                continue;
            }
            FuzzPacket p = byId.remove(((frame[0] & 0xFF) << 8) | (frame[1] & 0xFF));
            if (p == null) {
                problem("TCP session " + session + ": a response with an ID not sent (or answered twice): "
                        + HexFormat.of().formatHex(frame), null);
                continue;
            }
            if (p.kind().equals("tcp-valid")) {
                validAnswered++;
            }
            Optional<String> what = ResponseCheck.problem(p.bytes(), frame, false);
            what.ifPresent(w -> problem("TCP session " + session + ": " + w + "; response " + HexFormat.of().formatHex(frame), p));
        }
        if (validAnswered < mustAnswer) {
            problem("TCP session " + session + " (seed " + settings.seed() + "): " + validAnswered + " of " + mustAnswer
                    + " valid pipelined queries answered", null);
        }
    }

    /**
     * Frames that lie about their length, then the client half-closes: a prefix shorter or longer
     * than the message, 0, 65535, a partial frame, random bytes. Whatever the server answers must
     * be a well-formed response; it must then close (it sees our FIN, or its timeouts fire).
     */
    private void lyingFrames(Socket socket, SplittableRandom r, long session, int kind) throws IOException {
        byte[] q = FuzzPackets.validQuery(r);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (kind) {
            case 4 -> { // shorter than the message: the rest is read as the next frame
                int lie = Math.max(0, q.length - 1 - r.nextInt(q.length));
                out.write(lie >>> 8);
                out.write(lie);
                out.writeBytes(q);
            }
            case 5 -> { // longer than what follows, then nothing
                int lie = q.length + 1 + r.nextInt(300);
                out.write(lie >>> 8);
                out.write(lie);
                out.writeBytes(q);
            }
            case 6 -> { // 0, then a valid frame
                out.write(0);
                out.write(0);
                out.write(q.length >>> 8);
                out.write(q.length);
                out.writeBytes(q);
            }
            case 7 -> { // 65535 and a few bytes
                out.write(0xFF);
                out.write(0xFF);
                out.writeBytes(Arrays.copyOf(q, r.nextInt(q.length)));
            }
            case 8 -> { // a valid frame, then part of another (maybe just one byte of its prefix)
                out.write(q.length >>> 8);
                out.write(q.length);
                out.writeBytes(q);
                byte[] next = FuzzPackets.validQuery(r);
                byte[] framed = new byte[next.length + 2];
                framed[0] = (byte) (next.length >>> 8);
                framed[1] = (byte) next.length;
                System.arraycopy(next, 0, framed, 2, next.length);
                out.writeBytes(Arrays.copyOf(framed, 1 + r.nextInt(framed.length - 1)));
            }
            default -> { // random bytes
                byte[] b = new byte[1 + r.nextInt(2_000)];
                r.nextBytes(b);
                out.writeBytes(b);
            }
        }
        OutputStream o = socket.getOutputStream();
        o.write(out.toByteArray());
        tcpFrames.incrementAndGet();
        socket.shutdownOutput();
        InputStream in = socket.getInputStream();
        while (true) {
            byte[] frame;
            try {
                frame = readFrame(in);
            } catch (SocketTimeoutException e) {
                problem("TCP session " + session + " (seed " + settings.seed() + ", kind " + kind + "): the server neither answered nor "
                        + "closed within " + TCP_READ_TIMEOUT_MS + " ms of the client's FIN; sent " + HexFormat.of().formatHex(out.toByteArray()),
                        null);
                return;
            }
            if (frame == null) {
                return;
            }
            tcpAnswers.incrementAndGet();
            if (ResponseCheck.parse(frame) == null || (frame.length >= 3 && (frame[2] & 0x80) == 0)) {
                problem("TCP session " + session + " (seed " + settings.seed() + ", kind " + kind + "): a malformed response "
                        + HexFormat.of().formatHex(frame) + " to " + HexFormat.of().formatHex(out.toByteArray()), null);
            }
        }
    }

    /**
     * A query the kubernetes plugin answers itself, whatever else is odd about it: it parses, one
     * question of class IN in cluster.local. Its answer never depends on the upstream, so a
     * SERVFAIL would be the server's own failure.
     */
    static boolean isClusterQuestion(byte[] query) {
        Message q = ResponseCheck.parse(query);
        return q != null && q.getHeader().getOpcode() == 0 && q.getSection(Section.QUESTION).size() == 1
                && q.getQuestion().getDClass() == DClass.IN
                && q.getQuestion().getName().subdomain(Name.fromConstantString("cluster.local."));
    }

    /** One length-prefixed frame; null at the end of the stream (or a reset). */
    private static byte[] readFrame(InputStream in) throws IOException {
        try {
            int hi = in.read();
            int lo = in.read();
            if (hi < 0 || lo < 0) {
                return null;
            }
            byte[] frame = in.readNBytes((hi << 8) | lo);
            return frame.length == ((hi << 8) | lo) ? frame : null;
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return null;
        }
    }

    private void problem(String what, FuzzPacket p) {
        problemCount.incrementAndGet();
        if (problems.size() < PROBLEMS_KEPT) {
            problems.add(p == null ? what
                    : "seed " + settings.seed() + " packet " + p.index() + " (" + p.kind() + ") " + p.hex() + ": " + what);
        }
    }

    private void problem(String what) {
        problem(what, null);
    }

    private static void await(Future<?> f) throws InterruptedException {
        try {
            f.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a fuzz thread failed", e.getCause());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
