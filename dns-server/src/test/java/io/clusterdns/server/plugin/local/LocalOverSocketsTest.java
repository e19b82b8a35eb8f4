package io.clusterdns.server.plugin.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.ApiValidManifests;
import io.clusterdns.server.CorefileServers;
import io.clusterdns.server.DnsServer;
import io.clusterdns.server.Scrape;
import io.clusterdns.server.UdpClient;
import io.clusterdns.server.Wire;
import io.clusterdns.server.chain.Outcomes;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Type;

/** {@code local} in front of the kubernetes plugin, in a server started from a Corefile, asked over UDP. */
class LocalOverSocketsTest {
    static final String SOA = " 604800 SOA localhost. root.localhost. 1 0 0 0 604800";

    @TempDir
    static Path dir;
    static DnsServer server;

    @BeforeAll
    static void start() {
        server = CorefileServers.withCluster(dir, "local");
    }

    @AfterAll
    static void stop() {
        CorefileServers.close(server);
    }

    static Stream<Arguments> table() {
        String v6 = "1." + "0.".repeat(31) + "ip6.arpa.";
        return Stream.of(
                Arguments.of("localhost.", Type.A, "NOERROR | localhost. 604800 A 127.0.0.1"),
                Arguments.of("localhost.", Type.AAAA, "NOERROR | localhost. 604800 AAAA ::1"),
                Arguments.of("localhost.", Type.TXT, "NOERROR | ns: localhost." + SOA),
                Arguments.of("db.localhost.", Type.A, "NOERROR | db.localhost. 604800 A 127.0.0.1"),
                // the legacy prefix wins over the cluster zone, as in CoreDNS (local is earlier in the chain)
                Arguments.of("localhost.cluster.local.", Type.A, "NOERROR | localhost.cluster.local. 604800 A 127.0.0.1"),
                Arguments.of("1.0.0.127.in-addr.arpa.", Type.PTR, "NOERROR | 1.0.0.127.in-addr.arpa. 604800 PTR localhost."),
                Arguments.of(v6, Type.PTR, "NOERROR | " + v6 + " 604800 PTR localhost."),
                Arguments.of("5.0.0.127.in-addr.arpa.", Type.PTR, "NXDOMAIN | ns: 127.in-addr.arpa." + SOA),
                Arguments.of("web.shop.svc.cluster.local.", Type.A, "NOERROR aa | web.shop.svc.cluster.local. 5 A " + ApiValidManifests.WEB_IP));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("table")
    void overUdp(String name, int type, String expected) {
        try (UdpClient udp = new UdpClient(server.port())) {
            assertThat(Outcomes.of(udp.exchange(Wire.query(9, name, type)))).isEqualTo(expected);
        }
    }

    @Test
    void loopbackNamesAreCounted() {
        double before = new Scrape(server.scrape()).value("coredns_local_localhost_requests_total", Map.of());
        try (UdpClient udp = new UdpClient(server.port())) {
            udp.exchange(Wire.query(1, "app.localhost.", Type.A));
            udp.exchange(Wire.query(2, "localhost.example.org.", Type.AAAA));
            udp.exchange(Wire.query(3, "localhost.", Type.A));
        }
        assertThat(new Scrape(server.scrape()).value("coredns_local_localhost_requests_total", Map.of())).isEqualTo(before + 2);
    }
}
