package io.clusterdns.server;

import static io.clusterdns.server.TestCluster.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The server over real UDP sockets on 127.0.0.1, with dnsjava's {@link SimpleResolver} and a raw
 * {@link UdpClient} as clients.
 *
 * <p>Conventions: cluster {@link TestCluster} (default/web = 10.96.45.100, default/big = 100
 * ready endpoints 10.244.100.1-100); server on 127.0.0.1, a free port, 2 UDP sockets; raw queries
 * use small IDs, {@link Packets} fixtures ID 0xBEEF.
 */
class DnsServerUdpTest {
    /** EDNS padding (RFC 7830): an option of any length the server need not understand. */
    private static final int PADDING = 12;
    static SnapshotSource source;
    static DnsServer server;

    @BeforeAll
    static void start() {
        source = new SnapshotSource(TestCluster.snapshot());
        server = DnsServer.start(TestCluster.config(), source);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static SimpleResolver client() throws Exception {
        SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
        r.setPort(server.port());
        r.setTimeout(Await.DEADLINE);
        r.setEDNS(-1, 0, 0, List.of());
        return r;
    }

    @Test
    void answersAClusterIpServiceExactly() throws Exception {
        Message a = client().send(Wire.query(1, WEB, Type.A));
        Message srv = client().send(Wire.query(2, "_http._tcp." + WEB, Type.SRV));

        assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(a.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(Wire.texts(a, Section.ANSWER)).containsExactly(WEB + " 5 A 10.96.45.100");
        assertThat(Wire.texts(srv, Section.ANSWER)).containsExactly("_http._tcp." + WEB + " 5 SRV 0 100 80 " + WEB);
        assertThat(Wire.texts(srv, Section.ADDITIONAL)).containsExactly(WEB + " 5 A 10.96.45.100");
    }

    @Test
    void sharesThePortBetweenReusePortSocketsWhenEpollIsAvailable() {
        assertThat(server.udpSockets()).isEqualTo(server.nativeTransport() ? 2 : 1);
        // Different source ports hash to different sockets; every one must answer.
        for (int i = 0; i < 20; i++) {
            try (UdpClient c = new UdpClient(server.port())) {
                Message m = c.exchange(Wire.query(100 + i, WEB, Type.A));
                assertThat(m.getHeader().getID()).isEqualTo(100 + i);
                assertThat(Wire.texts(m, Section.ANSWER)).containsExactly(WEB + " 5 A 10.96.45.100");
            }
        }
    }

    @Test
    void truncatesAHeadlessServiceOf100EndpointsWithoutEdns() {
        try (UdpClient c = new UdpClient(server.port())) {
            byte[] wire = c.exchange(Wire.bytes(Wire.query(3, "big.default.svc.cluster.local.", Type.A)));

            assertThat(wire.length).isLessThanOrEqualTo(512);
            Message m = Wire.parse(wire);
            assertThat(m.getHeader().getFlag(Flags.TC)).isTrue();
            assertThat(m.getHeader().getID()).isEqualTo(3);
            assertThat(m.getQuestion().getName()).hasToString("big.default.svc.cluster.local.");
            Wire.assertTruncatedKeepingWhatFits(wire, 512, TestCluster.BIG_ENDPOINTS);
        }
    }

    @Test
    void honoursTheClientsUdpSize() {
        try (UdpClient c = new UdpClient(server.port())) {
            byte[] large = c.exchange(Wire.bytes(Wire.withEdns(Wire.query(4, "big.default.svc.cluster.local.", Type.A), 4096, 0, false)));
            byte[] small = c.exchange(Wire.bytes(Wire.withEdns(Wire.query(5, "big.default.svc.cluster.local.", Type.A), 1232, 0, false)));

            assertThat(large.length).isGreaterThan(1232);
            assertThat(Wire.parse(large).getHeader().getFlag(Flags.TC)).isFalse();
            assertThat(Wire.parse(large).getSection(Section.ANSWER)).hasSize(TestCluster.BIG_ENDPOINTS);
            assertThat(small.length).isLessThanOrEqualTo(1232);
            assertThat(Wire.parse(small).getHeader().getFlag(Flags.TC)).isTrue();
            assertThat(Wire.parse(small).getOPT().getPayloadSize()).isEqualTo(1232);
        }
    }

    @Test
    void echoesEdnsOnlyToEdnsQueries() {
        try (UdpClient c = new UdpClient(server.port())) {
            Message plain = c.exchange(Wire.query(6, WEB, Type.A));
            Message edns = c.exchange(Wire.withEdns(Wire.query(7, WEB, Type.A), 4096, 0, true));
            Message badvers = c.exchange(Wire.withEdns(Wire.query(8, WEB, Type.A), 4096, 3, false));

            assertThat(plain.getOPT()).isNull();
            assertThat(edns.getOPT().getPayloadSize()).isEqualTo(1232);
            assertThat(edns.getOPT().getFlags() & ExtendedFlags.DO).isEqualTo(ExtendedFlags.DO);
            assertThat(badvers.getRcode()).isEqualTo(Rcode.BADVERS);
            assertThat(badvers.getOPT().getVersion()).isZero();
        }
    }

    @Test
    void answersEveryMalformedFixtureAndDropsResponses() {
        List<String> failures = new ArrayList<>();
        try (UdpClient c = new UdpClient(server.port())) {
            int probeId = 1000;
            for (Packets.Fixture f : Packets.all()) {
                c.send(f.bytes());
                if (f.rcode() == Packets.DROPPED) {
                    // Nothing may come back: the next datagram must answer this probe.
                    Message probe = c.exchange(Wire.query(probeId, WEB, Type.A));
                    if (probe.getHeader().getID() != probeId++) {
                        failures.add(f.name() + ": answered although it must be dropped");
                    }
                    continue;
                }
                Message m = Wire.parse(c.receive());
                if (m.getHeader().getID() != Packets.ID || Wire.rcode(m) != f.rcode()) {
                    failures.add(f.name() + ": got ID " + m.getHeader().getID() + " " + Rcode.string(Wire.rcode(m)));
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    /**
     * A burst sent before any answer is read reaches the socket as one read batch of several
     * datagrams, whose replies leave in one flush: every query gets its own answer.
     */
    @Test
    void answersEveryQueryOfABurst() {
        assertEveryQueryOfABurstAnswered(200, 2000, 0);
    }

    /**
     * A burst of queries of many lengths: with the epoll transport one read fills a slot of one
     * buffer per datagram (recvmmsg), so each query must come out of its own slot, whole. The
     * padding option makes the lengths run from about 60 bytes to most of a slot.
     */
    @Test
    void answersEveryQueryOfABurstOfManyLengths() {
        assertEveryQueryOfABurstAnswered(64, 3000, 29);
    }

    /**
     * Sends {@code burst} queries (IDs from {@code firstId}; even ones for {@link TestCluster#WEB}, odd ones
     * for names that do not exist), each with {@code paddingStep} times its index bytes of EDNS
     * padding (none at 0), before reading any answer; then checks every query got its own.
     */
    private static void assertEveryQueryOfABurstAnswered(int burst, int firstId, int paddingStep) {
        try (UdpClient c = new UdpClient(server.port())) {
            for (int i = 0; i < burst; i++) {
                Message q = Wire.query(firstId + i, burstName(i), Type.A);
                if (paddingStep > 0) {
                    q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new GenericEDNSOption(PADDING, new byte[i * paddingStep]))),
                            Section.ADDITIONAL);
                }
                c.send(Wire.bytes(q));
            }
            List<Integer> answered = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                Message m = Wire.parse(c.receive());
                int n = m.getHeader().getID() - firstId;
                answered.add(n);
                assertThat(m.getRcode()).as("query %d", n).isEqualTo(n % 2 == 0 ? Rcode.NOERROR : Rcode.NXDOMAIN);
                assertThat(m.getQuestion().getName().toString()).isEqualTo(burstName(n));
            }
            assertThat(answered).containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, burst).boxed().toList());
        }
    }

    private static String burstName(int i) {
        return i % 2 == 0 ? WEB : "nosuch-" + i + ".default.svc.cluster.local.";
    }

    /**
     * A query datagram longer than the server reads ({@code UdpSocket.MAX_QUERY_DATAGRAM}, 2048
     * bytes, as before recvmmsg) arrives cut: its OPT record runs past the end, so FORMERR, and the
     * socket goes on answering.
     */
    @Test
    void answersFormerrToAQueryLongerThanTheReadSlot() {
        try (UdpClient c = new UdpClient(server.port())) {
            Message q = Wire.query(40, WEB, Type.A);
            q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new GenericEDNSOption(PADDING, new byte[3000]))), Section.ADDITIONAL);
            Message cut = Wire.parse(c.exchange(Wire.bytes(q)));
            Message next = c.exchange(Wire.query(41, WEB, Type.A));

            assertThat(cut.getHeader().getID()).isEqualTo(40);
            assertThat(Wire.rcode(cut)).isEqualTo(Rcode.FORMERR);
            assertThat(next.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(next.getSection(Section.ANSWER)).hasSize(1);
        }
    }

    @Test
    void refusesNamesOutsideTheZones() throws Exception {
        Message m = client().send(Wire.query(9, "kubernetes.io.", Type.A));

        assertThat(m.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(m.getHeader().getFlag(Flags.AA)).isFalse();
    }
}
