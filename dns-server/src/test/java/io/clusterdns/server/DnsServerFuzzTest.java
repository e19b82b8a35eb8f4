package io.clusterdns.server;

import io.clusterdns.server.wire.WireHeader;
import io.clusterdns.server.wire.Transport;
import static io.clusterdns.server.TestCluster.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.resolver.Resolver;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Random packets and mutated valid queries against the running server. Seeded: a failure names
 * its seed and packet index, and {@code -Dfuzz.seed=N} replays it.
 *
 * <p>Every packet's fate is worked out twice: by {@link WireRules} from the bytes and the
 * resolver alone (dropped, or which rcode, with the question echoed or a bare header), and
 * in-process by a {@link QueryPath} over the same cluster. The handler must agree with the
 * rules; over the wire, packets it drops must stay unanswered and the others must come back
 * byte-identical to its answer, with an rcode from {@link #ALLOWED}.
 *
 * <p>Conventions: cluster {@link TestCluster}; IDs are rewritten to the packet's index so stray
 * answers are detected; 3000 UDP packets, 300 TCP frames in pipelined batches of 20, and 20000
 * packets in-process only.
 */
class DnsServerFuzzTest {
    static final long SEED = Long.getLong("fuzz.seed", 20_261_121L);
    static final Set<Integer> ALLOWED = Set.of(Rcode.NOERROR, Rcode.FORMERR, Rcode.SERVFAIL, Rcode.NXDOMAIN, Rcode.NOTIMP,
            Rcode.REFUSED, Rcode.BADVERS);
    static final int UDP_PACKETS = 3000;
    static final int TCP_FRAMES = 300;
    static final int TCP_BATCH = 20;

    static DnsServer server;
    static QueryPath oracle;
    static Resolver rules;

    @BeforeAll
    static void start() {
        server = DnsServer.start(TestCluster.config(), new SnapshotSource(TestCluster.snapshot()));
        oracle = QueryPath.of(TestCluster.resolver());
        rules = TestCluster.resolver();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void survivesRandomAndMutatedPacketsOverUdp() {
        Random rnd = new Random(SEED);
        try (UdpClient client = new UdpClient(server.port())) {
            for (int i = 0; i < UDP_PACKETS; i++) {
                byte[] packet = withId(nextPacket(rnd), i);
                byte[] expected = handle(packet, Transport.UDP, i);
                client.send(packet);
                if (expected != null) {
                    checkResponse(client.receive(), expected, i, packet);
                }
            }
        }
        stillAnswersCorrectly();
    }

    @Test
    void neverFailsInProcessOnManyMorePackets() {
        Random rnd = new Random(SEED + 2);
        Map<String, Integer> fates = new TreeMap<>();
        for (int i = 0; i < 20_000; i++) {
            byte[] packet = withId(nextPacket(rnd), i);
            WireRules.Expected e = WireRules.expect(packet, rules);
            fates.merge(e.dropped() ? "dropped" : Rcode.string(e.rcode()), 1, Integer::sum);
            handle(packet, Transport.UDP, i);
        }
        assertThat(fates).as("the packets reach every rule").containsKeys("dropped", "NOTIMP", "FORMERR", "BADVERS", "REFUSED",
                "NOERROR", "NXDOMAIN");
    }

    @Test
    void survivesRandomAndMutatedFramesOverTcp() {
        Random rnd = new Random(SEED + 1);
        int sent = 0;
        while (sent < TCP_FRAMES) {
            try (TcpClient client = new TcpClient(server.port())) {
                List<byte[]> batch = new ArrayList<>();
                List<byte[]> expected = new ArrayList<>();
                for (int j = 0; j < TCP_BATCH; j++, sent++) {
                    byte[] frame = withId(nextPacket(rnd), sent);
                    if (frame.length < WireHeader.LENGTH) {
                        frame = Arrays.copyOf(frame, WireHeader.LENGTH); // shorter frames close the connection, tested apart
                    }
                    batch.add(frame);
                    byte[] answer = handle(frame, Transport.TCP, sent);
                    if (answer != null) {
                        expected.add(answer);
                    }
                }
                client.write(Wire.framed(batch.toArray(byte[][]::new)));
                for (byte[] e : expected) {
                    int id = ((e[0] & 0xFF) << 8) | (e[1] & 0xFF);
                    checkResponse(client.readFrame(), e, id, null);
                }
            }
        }
        try (TcpClient broken = new TcpClient(server.port())) {
            broken.write(new byte[] {0, 5, 1, 2, 3, 4, 5});
            assertThat(broken.closedByServer()).isTrue();
        }
        stillAnswersCorrectly();
    }

    /**
     * The in-process handler's outcome for {@code packet}, after checking it against the wire
     * rules: a drop where they drop, else a response with the rcode and question they say.
     */
    private static byte[] handle(byte[] packet, Transport transport, int index) {
        String where = "seed " + SEED + " packet " + index + " " + hex(packet);
        WireRules.Expected expected = WireRules.expect(packet, rules);
        byte[] outcome = oracle.handle(packet.clone(), transport);
        if (outcome != null) {
            WireRules.check(packet, outcome, expected, where);
            checkRcode(Wire.parse(outcome), where);
        } else {
            assertThat(expected).as(where + ": dropped by the handler").isEqualTo(WireRules.Expected.DROPPED);
        }
        return outcome;
    }

    /** A response from the server: the handler's bytes exactly, a known rcode, never the catch-all's SERVFAIL. */
    private static void checkResponse(byte[] got, byte[] expected, int index, byte[] packet) {
        String where = "seed " + SEED + " packet " + index + (packet == null ? "" : " " + hex(packet));
        assertThat(got).as(where).isEqualTo(expected);
        Message m = Wire.parse(got);
        assertThat(m.getHeader().getID()).as(where).isEqualTo(index & 0xFFFF);
        checkRcode(m, where);
    }

    private static void checkRcode(Message m, String where) {
        assertThat(ALLOWED).as(where).contains(Wire.rcode(m));
        // The cluster is synced, so a SERVFAIL can only come from the catch-all: an exception.
        assertThat(Wire.rcode(m)).as(where + ": an exception reached the catch-all").isNotEqualTo(Rcode.SERVFAIL);
    }

    private static void stillAnswersCorrectly() {
        try (UdpClient udp = new UdpClient(server.port()); TcpClient tcp = new TcpClient(server.port())) {
            assertThat(Wire.texts(udp.exchange(Wire.query(1, WEB, Type.A)), Section.ANSWER)).containsExactly(WEB + " 5 A 10.96.45.100");
            assertThat(Wire.texts(tcp.exchange(Wire.query(2, WEB, Type.A)), Section.ANSWER)).containsExactly(WEB + " 5 A 10.96.45.100");
        }
    }

    /** The packet's index as its ID, so that every answer can be matched to its packet. */
    private static byte[] withId(byte[] packet, int index) {
        if (packet.length >= 2) {
            packet[0] = (byte) (index >>> 8);
            packet[1] = (byte) index;
        }
        return packet;
    }

    /** One packet in ten is pure noise; the others are valid queries with one to three mutations. */
    static byte[] nextPacket(Random rnd) {
        if (rnd.nextInt(10) == 0) {
            byte[] noise = new byte[rnd.nextInt(600)];
            rnd.nextBytes(noise);
            return noise;
        }
        byte[] p = seed(rnd);
        for (int n = 1 + rnd.nextInt(3); n > 0; n--) {
            p = mutate(p, rnd);
        }
        return p;
    }

    private static byte[] seed(Random rnd) {
        String[] names = {WEB, "big.default.svc.cluster.local.", "_http._tcp." + WEB, "100.45.96.10.in-addr.arpa.",
                "nope.default.svc.cluster.local.", "example.com.", "mongo-0.mongo.default.svc.cluster.local.", "cluster.local."};
        int[] types = {Type.A, Type.AAAA, Type.SRV, Type.PTR, Type.TXT, Type.ANY, Type.SOA, Type.NS, Type.AXFR};
        Message q = Wire.query(0, names[rnd.nextInt(names.length)], types[rnd.nextInt(types.length)]);
        if (rnd.nextBoolean()) {
            Wire.withEdns(q, 512 + rnd.nextInt(4000), rnd.nextInt(8) == 0 ? 1 : 0, rnd.nextBoolean());
        }
        return Wire.bytes(q);
    }

    private static byte[] mutate(byte[] p, Random rnd) {
        if (p.length == 0) {
            return p;
        }
        byte[] m = p.clone();
        switch (rnd.nextInt(6)) {
            case 0 -> { // flip 1..8 bits
                for (int k = 1 + rnd.nextInt(8); k > 0; k--) {
                    m[rnd.nextInt(m.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            case 1 -> m = Arrays.copyOf(m, rnd.nextInt(m.length)); // truncate
            case 2 -> { // change one of the four counts
                if (m.length >= 12) {
                    int at = 4 + 2 * rnd.nextInt(4);
                    int count = rnd.nextBoolean() ? rnd.nextInt(4) : rnd.nextInt(65536);
                    m[at] = (byte) (count >>> 8);
                    m[at + 1] = (byte) count;
                }
            }
            case 3 -> m[rnd.nextInt(m.length)] = (byte) (0xC0 | rnd.nextInt(4)); // plant a compression pointer
            case 4 -> { // insert random bytes
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                int at = rnd.nextInt(m.length + 1);
                out.write(m, 0, at);
                byte[] extra = new byte[1 + rnd.nextInt(20)];
                rnd.nextBytes(extra);
                out.writeBytes(extra);
                out.write(m, at, m.length - at);
                m = out.toByteArray();
            }
            default -> { // header flags: QR, opcode, TC, RD, Z, rcode
                if (m.length >= 4) {
                    m[2 + rnd.nextInt(2)] = (byte) rnd.nextInt(256);
                }
            }
        }
        return m;
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 2);
        for (byte x : b) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }
}
