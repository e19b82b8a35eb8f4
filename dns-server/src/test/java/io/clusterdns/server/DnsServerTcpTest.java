package io.clusterdns.server;

import static io.clusterdns.server.TestCluster.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The server over real TCP connections on 127.0.0.1: framing, pipelining, ordering, idle timeout
 * and the isolation of broken connections.
 *
 * <p>Conventions: cluster {@link TestCluster} (default/web = 10.96.45.100, default/big = 100
 * ready endpoints 10.244.100.1-100); server on 127.0.0.1, a free port, idle timeout 10 s (a second
 * server with 200 ms for the idle test). Splits are made deterministic by waiting for an answer
 * before sending the rest of a frame.
 */
class DnsServerTcpTest {
    static DnsServer server;

    @BeforeAll
    static void start() {
        server = DnsServer.start(TestCluster.config(), new SnapshotSource(TestCluster.snapshot()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void answersAClusterIpServiceExactly() throws Exception {
        SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
        r.setPort(server.port());
        r.setTCP(true);
        r.setTimeout(Await.DEADLINE);

        Message m = r.send(Wire.query(1, WEB, Type.A));

        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(Wire.texts(m, Section.ANSWER)).containsExactly(WEB + " 5 A 10.96.45.100");
    }

    @Test
    void answersPipelinedQueriesInOrderAcrossSplitAndCoalescedFrames() {
        byte[] a = Wire.bytes(Wire.query(11, WEB, Type.A));
        byte[] b = Wire.bytes(Wire.query(12, "mongo.default.svc.cluster.local.", Type.A));
        byte[] c = Wire.bytes(Wire.query(13, "nope.default.svc.cluster.local.", Type.A));
        byte[] aFramed = Wire.framed(a);
        int cut = 7; // inside the question name of a

        try (TcpClient client = new TcpClient(server.port())) {
            // b whole, then the first bytes of a: answering b proves the server has read a's head.
            client.write(concat(Wire.framed(b), Arrays.copyOf(aFramed, cut)));
            assertThat(Wire.parse(client.readFrame()).getHeader().getID()).isEqualTo(12);
            // The rest of a and all of c in one write: two frames completed by one read.
            client.write(concat(Arrays.copyOfRange(aFramed, cut, aFramed.length), Wire.framed(c)));

            Message answerA = Wire.parse(client.readFrame());
            Message answerC = Wire.parse(client.readFrame());
            assertThat(answerA.getHeader().getID()).isEqualTo(11);
            assertThat(Wire.texts(answerA, Section.ANSWER)).containsExactly(WEB + " 5 A 10.96.45.100");
            assertThat(answerC.getHeader().getID()).isEqualTo(13);
            assertThat(answerC.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        }
    }

    @Test
    void answersFiftyPipelinedQueriesInOneWriteInOrder() {
        byte[][] queries = IntStream.range(0, 50).mapToObj(i -> Wire.bytes(Wire.query(200 + i, WEB, Type.A))).toArray(byte[][]::new);
        try (TcpClient client = new TcpClient(server.port())) {
            client.write(Wire.framed(queries));
            for (int i = 0; i < 50; i++) {
                assertThat(Wire.parse(client.readFrame()).getHeader().getID()).isEqualTo(200 + i);
            }
        }
    }

    @Test
    void sendsAllHundredEndpointsOfAHeadlessService() {
        try (TcpClient client = new TcpClient(server.port())) {
            Message m = client.exchange(Wire.query(2, "big.default.svc.cluster.local.", Type.A));

            assertThat(m.getHeader().getFlag(Flags.TC)).isFalse();
            List<String> expected = IntStream.rangeClosed(1, TestCluster.BIG_ENDPOINTS)
                    .mapToObj(i -> "big.default.svc.cluster.local. 5 A 10.244.100." + i).toList();
            assertThat(Wire.texts(m, Section.ANSWER)).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void ignoresResponsesButKeepsTheConnection() {
        Message response = Wire.query(3, WEB, Type.A);
        response.getHeader().setFlag(Flags.QR);
        try (TcpClient client = new TcpClient(server.port())) {
            client.write(Wire.framed(Wire.bytes(response), Wire.bytes(Wire.query(4, WEB, Type.A))));

            assertThat(Wire.parse(client.readFrame()).getHeader().getID()).isEqualTo(4);
        }
    }

    @Test
    void aBrokenFrameClosesOnlyThatConnection() {
        try (TcpClient broken = new TcpClient(server.port()); TcpClient healthy = new TcpClient(server.port())) {
            assertThat(healthy.exchange(Wire.query(5, WEB, Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);

            broken.write(new byte[] {0, 3, 1, 2, 3});

            assertThat(broken.closedByServer()).isTrue();
            assertThat(healthy.exchange(Wire.query(6, WEB, Type.A)).getHeader().getID()).isEqualTo(6);
            try (UdpClient udp = new UdpClient(server.port())) {
                assertThat(udp.exchange(Wire.query(7, WEB, Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
            }
        }
    }

    @Test
    void answersFormerrOverTcpAndKeepsGoing() {
        try (TcpClient client = new TcpClient(server.port())) {
            byte[] qdcount0 = Packets.header(0, 0, 0, 0, 0);
            client.write(Wire.framed(qdcount0, Wire.bytes(Wire.query(8, WEB, Type.A))));

            Message formerr = Wire.parse(client.readFrame());
            assertThat(formerr.getRcode()).isEqualTo(Rcode.FORMERR);
            assertThat(formerr.getHeader().getID()).isEqualTo(Packets.ID);
            assertThat(Wire.parse(client.readFrame()).getHeader().getID()).isEqualTo(8);
        }
    }

    @Test
    void closesIdleConnections() {
        ServerConfig config = TestCluster.config().withTcpIdleTimeout(Duration.ofMillis(200));
        try (DnsServer idleServer = DnsServer.start(config, new SnapshotSource(TestCluster.snapshot()));
             TcpClient client = new TcpClient(idleServer.port())) {
            assertThat(client.exchange(Wire.query(9, WEB, Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);

            assertThat(client.closedByServer()).as("closed within the read deadline").isTrue();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
