package io.clusterdns.server.plugin.any;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.ApiValidManifests;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.Privileged;
import io.clusterdns.server.CorefileServers;
import io.clusterdns.server.DnsServer;
import io.clusterdns.server.TcpClient;
import io.clusterdns.server.UdpClient;
import io.clusterdns.server.Wire;
import io.clusterdns.server.chain.Outcomes;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Type;

/** {@code any} in front of the kubernetes plugin, in a server started from a Corefile: the dnsjava client and dig. */
class AnyOverSocketsTest {
    static final String HINFO = " 8482 HINFO \"ANY obsoleted\" \"See RFC 8482\"";

    @TempDir
    static Path dir;
    static DnsServer server;

    @BeforeAll
    static void start() {
        server = CorefileServers.withCluster(dir, "any");
    }

    @AfterAll
    static void stop() {
        CorefileServers.close(server);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("web.shop.svc.cluster.local.", Type.ANY, "NOERROR | web.shop.svc.cluster.local." + HINFO),
                Arguments.of("nothing.example.", Type.ANY, "NOERROR | nothing.example." + HINFO),
                Arguments.of("web.shop.svc.cluster.local.", Type.A, "NOERROR aa | web.shop.svc.cluster.local. 5 A " + ApiValidManifests.WEB_IP));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("table")
    void overUdpAndTcp(String name, int type, String expected) {
        try (UdpClient udp = new UdpClient(server.port()); TcpClient tcp = new TcpClient(server.port())) {
            assertThat(Outcomes.of(udp.exchange(Wire.query(3, name, type)))).isEqualTo(expected);
            assertThat(Outcomes.of(tcp.exchange(Wire.query(4, name, type)))).isEqualTo(expected);
        }
    }

    @Test
    void digSeesTheHinfoAnswer() {
        Commands.Result r = Commands.run(Await.DEADLINE, Privileged.requireTool("dig", "bind9-dnsutils"), "@127.0.0.1", "-p",
                String.valueOf(server.port()), "+time=30", "+tries=1", "+short", "ANY", "web.shop.svc.cluster.local");

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output().trim()).isEqualTo("\"ANY obsoleted\" \"See RFC 8482\"");
    }
}
