package io.clusterdns.server.plugin.minimal;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.CorefileServers;
import io.clusterdns.server.DnsServer;
import io.clusterdns.server.UdpClient;
import io.clusterdns.server.Wire;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Two servers on the same cluster manifests, one with {@code minimal}: the kubernetes plugin's
 * SRV answer loses its additional addresses only there; denials keep their SOA in both. Queries
 * carry EDNS: the OPT record stays.
 */
class MinimalOverSocketsTest {
    @TempDir
    static Path dir;
    static DnsServer minimal;
    static DnsServer plain;

    @BeforeAll
    static void start() {
        minimal = CorefileServers.withCluster(dir, "minimal");
        plain = CorefileServers.withCluster(dir, "");
    }

    @AfterAll
    static void stop() {
        CorefileServers.close(minimal, plain);
    }

    /** Answer/authority/additional record counts (OPT left out), and whether an OPT came back. */
    static String ask(DnsServer server, String name, int type) {
        try (UdpClient udp = new UdpClient(server.port())) {
            Message m = udp.exchange(Wire.withEdns(Wire.query(5, name, type), 1232, 0, false));
            return m.getSection(Section.ANSWER).size() + "/" + m.getSection(Section.AUTHORITY).size() + "/"
                    + Wire.texts(m, Section.ADDITIONAL).size() + (m.getOPT() != null ? " opt" : "");
        }
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("_http._tcp.web.shop.svc.cluster.local.", Type.SRV, "1/0/0 opt", "1/0/1 opt"),
                Arguments.of("web.shop.svc.cluster.local.", Type.A, "1/0/0 opt", "1/0/0 opt"),
                Arguments.of("nope.shop.svc.cluster.local.", Type.A, "0/1/0 opt", "0/1/0 opt"),
                Arguments.of("web.shop.svc.cluster.local.", Type.AAAA, "0/1/0 opt", "0/1/0 opt"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("table")
    void onlyPositiveAnswersLoseTheirExtraSections(String name, int type, String withMinimal, String without) {
        assertThat(ask(minimal, name, type)).isEqualTo(withMinimal);
        assertThat(ask(plain, name, type)).isEqualTo(without);
    }
}
