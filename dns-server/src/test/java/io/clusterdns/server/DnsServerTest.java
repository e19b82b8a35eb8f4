package io.clusterdns.server;

import static io.clusterdns.server.TestCluster.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.Privileged;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The wiring source → resolver → listeners and the server's life cycle, with snapshots published
 * by the test ({@link SnapshotSource}) into servers on 127.0.0.1 or ::1 and free ports.
 */
class DnsServerTest {

    @Test
    void answersServfailUntilTheFirstSnapshotThenFollowsEveryPublish() {
        SnapshotSource source = new SnapshotSource(null);
        try (DnsServer server = DnsServer.start(TestCluster.config(), source); UdpClient client = new UdpClient(server.port())) {
            assertThat(client.exchange(Wire.query(1, WEB, Type.A)).getRcode()).isEqualTo(Rcode.SERVFAIL);
            assertThat(client.exchange(Wire.query(2, "example.com.", Type.A)).getRcode()).isEqualTo(Rcode.REFUSED);

            source.publish(TestCluster.snapshot());
            assertThat(Wire.texts(client.exchange(Wire.query(3, WEB, Type.A)), Section.ANSWER))
                    .containsExactly(WEB + " 5 A 10.96.45.100");

            source.publish(TestCluster.snapshot(2, "10.96.45.101"));
            assertThat(Wire.texts(client.exchange(Wire.query(4, WEB, Type.A)), Section.ANSWER))
                    .containsExactly(WEB + " 5 A 10.96.45.101");
            assertThat(server.resolver().version()).isEqualTo(2);
        }
    }

    @Test
    void closeStopsTheListenersAndTheSource() {
        SnapshotSource source = new SnapshotSource(TestCluster.snapshot());
        DnsServer server = DnsServer.start(TestCluster.config(), source);
        int port = server.port();

        server.close();
        server.close(); // idempotent

        assertThat(source.closed()).isTrue();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void aSourceThatCannotStartLeavesNothingRunning() {
        SnapshotSource failing = SnapshotSource.failingToStart(
                new IllegalStateException("manifests/web.yaml document 1: spec.ports[0].port: must be 1..65535, got 0"));

        assertThatThrownBy(() -> DnsServer.start(TestCluster.config(), failing))
                .hasMessage("manifests/web.yaml document 1: spec.ports[0].port: must be 1..65535, got 0");
        assertThat(failing.closed()).isTrue();
    }

    @Test
    void listensOnIpv6Loopback() throws Exception {
        Privileged.require(ipv6LoopbackUsable(), "::1 is not configured on this machine");
        ServerConfig config = TestCluster.config().withListen(ListenAddress.of("[::1]:0"));
        try (DnsServer server = DnsServer.start(config, new SnapshotSource(TestCluster.snapshot()))) {
            assertThat(server.address().toString()).startsWith("[::1]:");
            for (boolean tcp : List.of(false, true)) {
                SimpleResolver r = new SimpleResolver(InetAddress.getByName("::1"));
                r.setPort(server.port());
                r.setTCP(tcp);
                r.setTimeout(Await.DEADLINE);
                Message m = r.send(Wire.query(5, WEB, Type.A));
                assertThat(Wire.texts(m, Section.ANSWER)).as(tcp ? "tcp" : "udp").containsExactly(WEB + " 5 A 10.96.45.100");
            }
        }
    }

    private static boolean ipv6LoopbackUsable() {
        try {
            new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0)).close();
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
