package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.server.plugin.forward.FaultyUpstream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import picocli.CommandLine;

/**
 * Case and concurrency under load, through real sockets on 127.0.0.1: the README's example
 * cluster plus a file rewritten over and over (a service's address and port, an ExternalName's
 * target between a name outside the cluster and one inside it, a headless service of 40 or 41
 * endpoints), served on two event loops. Several UDP sockets and TCP connections keep many
 * queries in flight each (so reads and writes batch), every name and type of the cluster in random
 * spellings, with and without EDNS (DO, small and large sizes, so answers truncate; a cookie, as
 * dig sends, which takes the chain), AD set or not. Every response must carry its query's ID and
 * exactly its question bytes; owners that echo the question carry its case, and SRV targets and
 * their addresses the zone as typed; lower-cased, it must be what the server answers the
 * lower-case question with at one of the two states of the file (the reference, asked one at a
 * time before the load; TTLs aside, which a cache counts down).
 *
 * <p>Run for {@value #DEFAULT_SECONDS} s by default; {@code -Dclusterdns.stress.seconds=120
 * -Dclusterdns.stress.seed=N} for a long run or to replay one. Nothing here is timed: the run ends
 * once its time is up and the reloads were seen in answers, waits are on conditions, and a UDP
 * query whose response the kernel dropped is asked again at the end (then it must be answered).
 */
class ConcurrentCaseIT {
    static final long DEFAULT_SECONDS = 4;
    static final long SECONDS = Long.getLong("clusterdns.stress.seconds", DEFAULT_SECONDS);
    static final int UDP_CLIENTS = 4;
    static final int TCP_CLIENTS = 3;
    static final int UDP_WINDOW = 48;
    static final int TCP_WINDOW = 32;
    /** Reloads the answers must show (either way) before the run may end. */
    static final int MIN_FLIPS_SEEN = 4;

    private static final int[] EDNS_SIZES = {-1, 512, 1232, 4096};

    /** One question of the cluster: lower-case name, type. */
    record Question(String name, int type) {
    }

    /**
     * A query as sent: its question, how it is spelled, EDNS size (-1: none), DO, a client cookie
     * option (as dig sends: the fast path leaves such queries to the chain), AD (as dig sets it).
     */
    record Asked(Question question, String spelled, int edns, boolean dnssecOk, boolean cookie, boolean ad, boolean tcp) {
        Asked lowerCase() {
            return new Asked(question, question.name, edns, dnssecOk, cookie, false, tcp);
        }

        String key() {
            return question.name + " " + Type.string(question.type) + " edns=" + edns + (dnssecOk ? "+do" : "") + (cookie ? "+cookie" : "")
                    + (tcp ? " tcp" : " udp");
        }
    }

    static final List<Question> QUESTIONS = questions();

    @TempDir
    Path dir;
    private DnsServer server;
    private FaultyUpstream upstream;
    private final List<String> failures = new ArrayList<>();
    private final AtomicInteger failureCount = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /**
     * The README's first command's server: the flags' chain, where an ExternalName's target outside
     * the cluster is REFUSED and its CNAME goes alone.
     */
    @Test
    void flagsServerAnswersEveryQueryWithItsOwnQuestionAndCase() throws Exception {
        Path manifests = manifests();
        CommandLine cl = DnsServerMain.commandLine();
        cl.parseArgs("--manifests", manifests.toString(), "--listen", "127.0.0.1:0", "--udp-sockets", "2",
                "--health", "off", "--ready", "off", "--metrics", "off");
        server = ((DnsServerMain) cl.getCommand()).startServer();
        run(manifests);
    }

    /**
     * kubeadm's chain shape ({@code cache}, {@code kubernetes}, {@code forward}) with an upstream
     * that answers every name: ExternalName targets come back through the forwarder on its thread,
     * and the cache keeps those answers for every spelling.
     */
    @Test
    void cacheAndForwardServerAnswersEveryQueryWithItsOwnQuestionAndCase() throws Exception {
        Path manifests = manifests();
        upstream = new FaultyUpstream("127.0.0.1");
        Path corefile = Files.writeString(dir.resolve("Corefile"), """
                .:0 {
                    errors
                    cache 30
                    kubernetes cluster.local in-addr.arpa ip6.arpa {
                        manifests %s
                    }
                    forward . %s
                }
                """.formatted(manifests, upstream.target()));
        server = DnsServerMain.start(new io.clusterdns.server.plan.CorefileSource(corefile, Map.of(), 53,
                io.clusterdns.server.plan.ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 2));
        run(manifests);
    }

    private void run(Path manifests) throws Exception {
        long seed = Long.getLong("clusterdns.stress.seed", System.nanoTime());
        int port = server.port();
        // the reference: each state's answer to each lower-case query, asked one at a time
        Map<String, Set<String>> valid = new HashMap<>();
        for (int state = 0; state < 2; state++) {
            writeState(manifests, state);
            int s = state;
            Await.until("state " + state + " served", () -> flipAddress(port).equals(FLIP_IPS[s]));
            for (Question q : QUESTIONS) {
                for (int edns : EDNS_SIZES) {
                    boolean[] options = edns < 0 ? new boolean[] {false} : new boolean[] {false, true};
                    for (boolean dnssecOk : options) {
                        for (boolean cookie : options) {
                            for (boolean tcp : new boolean[] {false, true}) {
                                Asked a = new Asked(q, q.name, edns, dnssecOk, cookie, false, tcp);
                                byte[] response = askAlone(port, a, 1);
                                valid.computeIfAbsent(a.key(), k -> new HashSet<>()).add(canonical(Wire.parse(response)));
                            }
                        }
                    }
                }
            }
        }
        assertThat(valid.get(new Asked(FLIP, FLIP.name, -1, false, false, false, false).key()))
                .as("the two states answer differently").hasSize(2);

        Load load = new Load(port, seed, valid);
        AtomicLong reloads = new AtomicLong();
        Thread reloader = new Thread(() -> {
            Random r = new Random(seed ^ 0x5eed);
            int state = 1;
            while (!load.stopping) {
                state ^= 1;
                writeState(manifests, state);
                reloads.incrementAndGet();
                sleep(150 + r.nextInt(250)); // pacing the rewrites (the load's rate), not waiting for anything
            }
        }, "stress-reloader");
        reloader.start();
        load.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        Await.until("the run's time and " + MIN_FLIPS_SEEN + " reloads seen in answers", Duration.ofSeconds(SECONDS + 90),
                () -> System.nanoTime() >= end && load.flipsSeen.get() >= MIN_FLIPS_SEEN || failureCount.get() > 200);
        load.stop();
        reloader.join();
        // what the kernel dropped under load is asked again, alone: it must be answered now
        for (Asked a : load.lost) {
            load.check(a, askAlone(port, a, 7), 7);
        }
        System.out.printf(Locale.ROOT, "%s: seed %d, %d s: %d UDP + %d TCP responses checked (%d UDP asked again), %d file rewrites,"
                        + " %d reloads seen in answers, %d answers without the upstream's or the cache's part, %d failures%n",
                getClass().getSimpleName(), seed, SECONDS, load.udpChecked.get(), load.tcpChecked.get(), load.lost.size(), reloads.get(),
                load.flipsSeen.get(), load.upstreamOutcomes.get(), failureCount.get());
        assertThat(failures).as("seed %d: %d failures, the first ones", seed, failureCount.get()).isEmpty();
        assertThat(load.udpChecked.get()).as("UDP responses").isPositive();
        assertThat(load.tcpChecked.get()).as("TCP responses").isPositive();
    }

    private void fail(String what) {
        if (failureCount.incrementAndGet() <= 20) {
            synchronized (failures) {
                failures.add(what);
            }
        }
    }

    /** The load: its clients, what they saw. */
    private final class Load {
        final int port;
        final long seed;
        final Map<String, Set<String>> valid;
        final List<Thread> threads = new ArrayList<>();
        final List<AutoCloseable> sockets = new ArrayList<>();
        final ConcurrentLinkedQueue<Asked> lost = new ConcurrentLinkedQueue<>();
        final AtomicLong udpChecked = new AtomicLong();
        final AtomicLong tcpChecked = new AtomicLong();
        final AtomicInteger flipsSeen = new AtomicInteger();
        final AtomicInteger upstreamOutcomes = new AtomicInteger();
        final AtomicReference<String> lastFlip = new AtomicReference<>("");
        final List<Map<Integer, Sent>> tcpOutstanding = new ArrayList<>();
        volatile boolean stopping;

        Load(int port, long seed, Map<String, Set<String>> valid) {
            this.port = port;
            this.seed = seed;
            this.valid = valid;
        }

        void start() throws IOException {
            for (int i = 0; i < UDP_CLIENTS; i++) {
                udp(new Random(seed + i));
            }
            for (int i = 0; i < TCP_CLIENTS; i++) {
                tcp(new Random(seed + 1000 + i));
            }
            threads.forEach(Thread::start);
        }

        void stop() throws Exception {
            stopping = true;
            for (Map<Integer, Sent> outstanding : tcpOutstanding) {
                Await.until("every pipelined TCP query answered", outstanding::isEmpty);
            }
            for (AutoCloseable s : sockets) {
                s.close();
            }
            for (Thread t : threads) {
                t.join(Await.DEADLINE.toMillis());
            }
        }

        private void udp(Random random) throws IOException {
            DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            socket.setReceiveBufferSize(1 << 20);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            socket.setSoTimeout(200);
            sockets.add(socket);
            Map<Integer, Sent> outstanding = new ConcurrentHashMap<>();
            Map<Integer, Sent> retired = new ConcurrentHashMap<>();
            Semaphore window = new Semaphore(UDP_WINDOW);
            threads.add(new Thread(() -> {
                int id = random.nextInt(65536);
                while (!stopping) {
                    try {
                        if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
                            // responses dropped by the kernel under load: free their places, ask them again at the end
                            long old = System.nanoTime() - TimeUnit.SECONDS.toNanos(3);
                            outstanding.forEach((k, v) -> {
                                if (v.sentAt < old && outstanding.remove(k, v)) {
                                    retired.put(k, v);
                                    lost.add(v.asked);
                                    window.release();
                                }
                            });
                            continue;
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                    do {
                        id = (id + 1) & 0xFFFF;
                    } while (outstanding.containsKey(id) || retired.containsKey(id));
                    Asked a = ask(random, false);
                    byte[] q = query(id, a);
                    outstanding.put(id, new Sent(a, q, System.nanoTime()));
                    try {
                        socket.send(new DatagramPacket(q, q.length));
                    } catch (IOException e) {
                        if (!stopping) {
                            fail("udp send: " + e);
                        }
                        return;
                    }
                }
            }, "stress-udp-send"));
            threads.add(new Thread(() -> {
                byte[] buf = new byte[65535];
                while (!stopping || !outstanding.isEmpty()) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(p);
                    } catch (SocketTimeoutException e) {
                        if (stopping) {
                            outstanding.forEach((k, v) -> lost.add(v.asked));
                            outstanding.clear();
                            return;
                        }
                        continue;
                    } catch (IOException e) {
                        return;
                    }
                    byte[] r = Arrays.copyOf(buf, p.getLength());
                    int id = r.length >= 2 ? FastWire.u16(r, 0) : -1;
                    Sent s = outstanding.remove(id);
                    if (s == null) {
                        Sent late = retired.remove(id);
                        if (late == null) {
                            fail("UDP response with an ID nobody asked: " + HexFormat.of().formatHex(r));
                        } else {
                            lost.remove(late.asked);
                            check(late.asked, r, id, late.wire);
                            udpChecked.incrementAndGet();
                        }
                        continue;
                    }
                    window.release();
                    check(s.asked, r, id, s.wire);
                    udpChecked.incrementAndGet();
                }
            }, "stress-udp-receive"));
        }

        private void tcp(Random random) throws IOException {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            sockets.add(socket);
            Map<Integer, Sent> outstanding = new ConcurrentHashMap<>();
            tcpOutstanding.add(outstanding);
            Semaphore window = new Semaphore(TCP_WINDOW);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            threads.add(new Thread(() -> {
                int id = random.nextInt(65536);
                while (!stopping) {
                    // several queries per write now and then: the server reads them in one go
                    int burst = 1 + random.nextInt(4);
                    List<byte[]> frames = new ArrayList<>();
                    for (int i = 0; i < burst; i++) {
                        try {
                            if (!window.tryAcquire(1, TimeUnit.SECONDS)) {
                                break;
                            }
                        } catch (InterruptedException e) {
                            return;
                        }
                        do {
                            id = (id + 1) & 0xFFFF;
                        } while (outstanding.containsKey(id));
                        Asked a = ask(random, true);
                        byte[] q = query(id, a);
                        outstanding.put(id, new Sent(a, q, System.nanoTime()));
                        frames.add(q);
                    }
                    try {
                        out.write(Wire.framed(frames.toArray(byte[][]::new)));
                        out.flush();
                    } catch (IOException e) {
                        if (!stopping) {
                            fail("tcp write: " + e);
                        }
                        return;
                    }
                }
            }, "stress-tcp-send"));
            threads.add(new Thread(() -> {
                while (true) {
                    byte[] r;
                    try {
                        r = new byte[in.readUnsignedShort()];
                        in.readFully(r);
                    } catch (IOException e) {
                        if (!stopping) {
                            fail("tcp read: " + e);
                        }
                        return;
                    }
                    int id = r.length >= 2 ? FastWire.u16(r, 0) : -1;
                    Sent s = outstanding.remove(id);
                    if (s == null) {
                        fail("TCP response with an ID nobody asked: " + HexFormat.of().formatHex(r));
                        continue;
                    }
                    window.release();
                    check(s.asked, r, id, s.wire);
                    tcpChecked.incrementAndGet();
                }
            }, "stress-tcp-receive"));
        }

        void check(Asked a, byte[] response, int id) {
            check(a, response, id, query(id, a));
        }

        /** Every rule for one response; a broken one is noted with what was asked and the bytes. */
        void check(Asked a, byte[] r, int id, byte[] query) {
            String problem = problem(a, r, id, query);
            if (problem != null) {
                fail(problem + ": asked " + a.spelled + " " + Type.string(a.question.type) + " (" + a.key() + ") id " + id
                        + "; response " + HexFormat.of().formatHex(r));
            }
        }

        private String problem(Asked a, byte[] r, int id, byte[] query) {
            int questionEnd = 12 + Name.fromConstantString(a.spelled).length() + 4;
            if (r.length < questionEnd) {
                return "response too short";
            }
            if (FastWire.u16(r, 0) != id) {
                return "ID " + FastWire.u16(r, 0) + " for ID " + id;
            }
            if ((r[2] & 0x80) == 0 || FastWire.u16(r, 4) != 1) {
                return "not a response with one question";
            }
            if (!Arrays.equals(r, 12, questionEnd, query, 12, questionEnd)) {
                return "question bytes differ from the query's";
            }
            Message m;
            try {
                m = new Message(r);
            } catch (IOException e) {
                return "does not parse: " + e.getMessage();
            }
            String caseProblem = caseProblem(a, m);
            if (caseProblem != null) {
                return caseProblem;
            }
            String canonical = canonical(m);
            Set<String> ok = valid.get(a.lowerCase().key());
            if (ok == null || !ok.contains(canonical)) {
                if (ok != null && upstreamFailedOrNotCached(a, canonical, ok)) {
                    upstreamOutcomes.incrementAndGet();
                    return null;
                }
                return "not an answer of either state: " + canonical + " (valid: " + ok + ")";
            }
            if (a.question.equals(FLIP)) {
                String seen = m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList().toString();
                String before = lastFlip.getAndSet(seen);
                if (!before.isEmpty() && !before.equals(seen)) {
                    flipsSeen.incrementAndGet();
                }
            }
            return null;
        }

        private Asked ask(Random random, boolean tcp) {
            Question q = QUESTIONS.get(random.nextInt(QUESTIONS.size()));
            int edns = EDNS_SIZES[random.nextInt(EDNS_SIZES.length)];
            return new Asked(q, spell(q.name, random), edns, edns >= 0 && random.nextBoolean(), edns >= 0 && random.nextInt(4) == 0,
                    random.nextBoolean(), tcp);
        }
    }

    /**
     * The other answers a server with a forwarder may give than those of the reference, asked
     * alone: a forwarded answer not from the cache (no AA: the cache's hits set it), SERVFAIL when
     * the upstream did not answer in time (this test's upstream is one thread, and drops what its
     * socket cannot hold under load), and an ExternalName's CNAME alone when its target's lookup
     * failed so (the chain then sends the CNAME without the target's addresses).
     */
    static boolean upstreamFailedOrNotCached(Asked a, String canonical, Set<String> valid) {
        boolean outside = !a.question.name.endsWith(".cluster.local.") && !a.question.name.endsWith(".arpa.");
        if (outside && canonical.startsWith("SERVFAIL ")) {
            return true;
        }
        for (String v : valid) {
            String degraded = outside ? v.replaceFirst(" aa ", " ") : v.replaceAll(" db\\.example\\.com\\. (a|aaaa) [^;]*;", "");
            if (canonical.equals(degraded)) {
                return true;
            }
        }
        return false;
    }

    /** A query in flight: what was asked, its bytes, when. */
    private record Sent(Asked asked, byte[] wire, long sentAt) {
    }

    /**
     * The rules of case: owners equal to the question are spelled as typed (they point back at it),
     * SRV targets in the cluster zone and the additional records of their addresses end in the
     * zone as typed. (An ExternalName's CNAME target is the name the Service gives, in its case.)
     */
    static String caseProblem(Asked a, Message m) {
        Name typed = Name.fromConstantString(a.spelled);
        Name zone = Name.fromConstantString("cluster.local.");
        Map<Name, String> targets = new HashMap<>();
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
            for (Record r : m.getSection(section)) {
                if (r.getName().equals(typed) && !r.getName().toString().equals(typed.toString())) {
                    return "owner " + r.getName() + " in section " + section + " not spelled as the question " + typed;
                }
                if (r instanceof SRVRecord srv && typed.subdomain(zone) && srv.getTarget().subdomain(zone)) {
                    String t = srv.getTarget().toString();
                    String typedZone = new Name(typed, typed.labels() - zone.labels()).toString();
                    if (!t.endsWith(typedZone)) {
                        return "SRV target " + t + " does not end in the zone as typed (" + typedZone + ")";
                    }
                    targets.put(srv.getTarget(), t);
                }
            }
        }
        for (Record r : m.getSection(Section.ADDITIONAL)) {
            // the address of an SRV target: the zone as typed (the whole question, when the target is the question's name)
            String typedZone = new Name(typed, Math.max(0, typed.labels() - zone.labels())).toString();
            if (targets.containsKey(r.getName()) && !r.getName().toString().endsWith(typedZone)) {
                return "additional " + r.getName() + " of an SRV target does not end in the zone as typed (" + typedZone + ")";
            }
        }
        return null;
    }

    /** The response lower-cased, TTLs and SOA serials left out (a cache counts TTLs down; reloads move the serial). */
    static String canonical(Message m) {
        StringBuilder sb = new StringBuilder();
        sb.append(Rcode.string(m.getRcode()));
        for (int f : new int[] {Flags.AA, Flags.TC, Flags.RD, Flags.RA, Flags.AD, Flags.CD}) {
            if (m.getHeader().getFlag(f)) {
                sb.append(' ').append(Flags.string(f));
            }
        }
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
            sb.append(" |");
            for (Record r : m.getSection(section)) {
                sb.append(' ');
                if (r.getType() == Type.OPT) {
                    sb.append("OPT ").append(r.getDClass()).append(' ').append(r.getTTL()).append(' ').append(r.rdataToString());
                    continue;
                }
                String rdata = r instanceof SOARecord soa
                        ? soa.getHost() + " " + soa.getAdmin() + " " + soa.getRefresh() + " " + soa.getRetry() + " " + soa.getExpire()
                        + " " + soa.getMinimum()
                        : r.rdataToString();
                sb.append((r.getName() + " " + Type.string(r.getType()) + " " + rdata).toLowerCase(Locale.ROOT)).append(';');
            }
        }
        return sb.toString();
    }

    /** The query's bytes: RD, the question as spelled, and an OPT record when asked for. */
    static byte[] query(int id, Asked a) {
        Message m = new Message(id);
        m.getHeader().setFlag(Flags.RD);
        if (a.ad) {
            m.getHeader().setFlag(Flags.AD);
        }
        m.addRecord(Record.newRecord(Name.fromConstantString(a.spelled), a.question.type, DClass.IN), Section.QUESTION);
        if (a.edns >= 0) {
            List<EDNSOption> options = a.cookie ? List.of(new CookieOption(COOKIE)) : List.of();
            m.addRecord(new OPTRecord(a.edns, 0, 0, a.dnssecOk ? ExtendedFlags.DO : 0, options), Section.ADDITIONAL);
        }
        return m.toWire();
    }

    /** Each letter upper or lower at random (or all lower, or all upper, now and then). */
    static String spell(String name, Random random) {
        int mode = random.nextInt(4);
        if (mode == 0) {
            return name;
        }
        if (mode == 1) {
            return name.toUpperCase(Locale.ROOT);
        }
        char[] c = name.toCharArray();
        for (int i = 0; i < c.length; i++) {
            if (random.nextBoolean()) {
                c[i] = Character.toUpperCase(c[i]);
            }
        }
        return new String(c);
    }

    /** One query alone (the reference; lost UDP queries at the end), over its transport, with retries for UDP. */
    static byte[] askAlone(int port, Asked a, int id) {
        byte[] q = query(id, a);
        if (a.tcp) {
            try (TcpClient c = new TcpClient(port)) {
                c.write(Wire.framed(q));
                return c.readFrame();
            }
        }
        try (UdpClient c = new UdpClient(port)) {
            return c.exchange(q);
        }
    }

    private static final byte[] COOKIE = {1, 2, 3, 4, 5, 6, 7, 8};
    static final Question FLIP = new Question("flip.default.svc.cluster.local.", Type.A);
    static final String[] FLIP_IPS = {"10.96.77.1", "10.96.77.2"};

    private static String flipAddress(int port) {
        Message m = Wire.parse(askAlone(port, new Asked(FLIP, FLIP.name, -1, false, false, false, true), 2));
        List<String> a = Wire.texts(m, Section.ANSWER);
        return a.size() == 1 ? a.get(0).substring(a.get(0).lastIndexOf(' ') + 1) : a.toString();
    }

    /** The README's example cluster, and this test's own file in its first state. */
    private Path manifests() throws IOException {
        Path out = Files.createDirectories(dir.resolve("manifests"));
        try (DirectoryStream<Path> yaml = Files.newDirectoryStream(Path.of("../k8s/examples"), "*.yaml")) {
            for (Path p : yaml) {
                Files.copy(p, out.resolve(p.getFileName()));
            }
        }
        writeState(out, 0);
        return out;
    }

    /** Rewrites the stress file in one step: state 0 or 1. */
    static void writeState(Path manifests, int state) {
        StringBuilder big = new StringBuilder();
        for (int i = 1; i <= 40 + state; i++) {
            big.append("- addresses: [10.244.50.").append(i).append("]\n  conditions: {ready: true}\n");
        }
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: flip, namespace: default}
                spec:
                  clusterIP: %s
                  ports:
                  - {name: http, port: %d, protocol: TCP}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: ext-flip, namespace: default}
                spec:
                  type: ExternalName
                  externalName: %s
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: big, namespace: default}
                spec:
                  clusterIP: None
                  ports:
                  - {name: http, port: 80, protocol: TCP}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: big-x1
                  namespace: default
                  labels: {kubernetes.io/service-name: big}
                addressType: IPv4
                endpoints:
                %sports:
                - {name: http, port: 8080, protocol: TCP}
                """.formatted(FLIP_IPS[state], 80 + state, state == 0 ? "db.example.com" : "web.default.svc.cluster.local", big);
        try {
            Path tmp = Files.writeString(manifests.resolve(".stress.yaml.tmp"), yaml);
            Files.move(tmp, manifests.resolve("stress.yaml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every name of the cluster the tests ask, with the types that matter for it. */
    private static List<Question> questions() {
        List<Question> q = new ArrayList<>();
        String svc = ".default.svc.cluster.local.";
        add(q, "web" + svc, Type.A, Type.AAAA, Type.SRV, Type.TXT, Type.MX);
        add(q, "_http._tcp.web" + svc, Type.SRV, Type.A);
        add(q, "kubernetes" + svc, Type.A, Type.SRV);
        add(q, "_https._tcp.kubernetes" + svc, Type.SRV);
        add(q, "kube-dns.kube-system.svc.cluster.local.", Type.A, Type.SRV);
        add(q, "_dns._udp.kube-dns.kube-system.svc.cluster.local.", Type.SRV);
        add(q, "mongo-headless" + svc, Type.A, Type.AAAA, Type.SRV);
        add(q, "mongo-0.mongo-headless" + svc, Type.A, Type.SRV);
        add(q, "echo" + svc, Type.A, Type.AAAA, Type.SRV);
        add(q, "myapp" + svc, Type.A, Type.SRV);
        add(q, "_statsd._udp.myapp" + svc, Type.SRV);
        add(q, "my-database" + svc, Type.A, Type.AAAA, Type.CNAME, Type.SRV, Type.TXT);
        add(q, "external-db" + svc, Type.A, Type.SRV);
        add(q, "prometheus.monitoring.svc.cluster.local.", Type.A);
        add(q, "api" + svc, Type.A);
        add(q, "backend" + svc, Type.A, Type.SRV);
        add(q, "flip" + svc, Type.A, Type.SRV, Type.AAAA);
        add(q, "_http._tcp.flip" + svc, Type.SRV);
        add(q, "ext-flip" + svc, Type.A, Type.AAAA, Type.CNAME);
        add(q, "big" + svc, Type.A, Type.SRV);
        add(q, "_http._tcp.big" + svc, Type.SRV);
        add(q, "cluster.local.", Type.SOA, Type.NS, Type.A);
        add(q, "dns-version.cluster.local.", Type.TXT);
        add(q, "ns.dns.cluster.local.", Type.A);
        add(q, "default.svc.cluster.local.", Type.A);
        // search-path and other names that do not exist
        add(q, "nope" + svc, Type.A, Type.AAAA);
        add(q, "web.default.svc.cluster.local" + svc, Type.A);
        add(q, "my-database.default.svc.cluster.local.svc.cluster.local.", Type.A);
        add(q, "web.svc.cluster.local.", Type.A);
        add(q, "web.nope.svc.cluster.local.", Type.A);
        add(q, "x.y.z.cluster.local.", Type.AAAA);
        // reverse: a service, the API server, flip's two addresses (one per state), none
        add(q, "100.45.96.10.in-addr.arpa.", Type.PTR);
        add(q, "1.0.96.10.in-addr.arpa.", Type.PTR);
        add(q, "1.77.96.10.in-addr.arpa.", Type.PTR);
        add(q, "2.77.96.10.in-addr.arpa.", Type.PTR);
        add(q, "9.9.9.10.in-addr.arpa.", Type.PTR);
        add(q, "7.1.b.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa.", Type.PTR);
        // outside the cluster: REFUSED by the flags' server, forwarded by the Corefile's
        add(q, "db.example.com.", Type.A);
        return List.copyOf(q);
    }

    private static void add(List<Question> q, String name, int... types) {
        for (int t : types) {
            q.add(new Question(name, t));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Two bytes big-endian. */
    private static final class FastWire {
        static int u16(byte[] m, int at) {
            return ((m[at] & 0xFF) << 8) | (m[at + 1] & 0xFF);
        }
    }
}
