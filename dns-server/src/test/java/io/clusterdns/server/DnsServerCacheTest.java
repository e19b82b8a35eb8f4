package io.clusterdns.server;

import static io.clusterdns.server.TestCluster.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A server started from a Corefile with {@code cache} in front of {@code kubernetes}
 * ({@link TestCluster}, TTL 5), queried over UDP and TCP: the Corefile line reaches the chain,
 * answers come from the cache, and its series carry CoreDNS's labels ({@code server="dns://:PORT"},
 * {@code zones="."}).
 */
class DnsServerCacheTest {
    static final String COREFILE = """
            .:0 {
                kubernetes cluster.local in-addr.arpa
                cache 30 {
                    disable denial cluster.local
                }
            }
            """;

    static ServerPlan plan() {
        CorefileSource source = new CorefileSource(Path.of("/etc/coredns/Corefile"), Map.of(), 53, Duration.ofSeconds(10), 1);
        return source.plan(CorefileParser.parse(COREFILE, source.file(), Map.of()));
    }

    @Test
    void servesRepeatedQueriesFromTheCacheConfiguredInTheCorefile() {
        try (DnsServer server = DnsServer.start(plan(), (k, requests) -> new SnapshotSource(TestCluster.snapshot()));
             UdpClient udp = new UdpClient(server.port()); TcpClient tcp = new TcpClient(server.port())) {
            Message first = udp.exchange(Wire.query(1, WEB, Type.A));
            Message second = udp.exchange(Wire.query(2, "Web.Default.svc.cluster.local.", Type.A));
            udp.exchange(Wire.query(3, "nope.default.svc.cluster.local.", Type.A));
            Message nope = udp.exchange(Wire.query(4, "nope.default.svc.cluster.local.", Type.A));
            Message big = tcp.exchange(Wire.query(5, "big.default.svc.cluster.local.", Type.A));
            Message bigUdp = udp.exchange(Wire.query(6, "big.default.svc.cluster.local.", Type.A));

            assertThat(Wire.texts(first, Section.ANSWER)).containsExactly(WEB + " 5 A 10.96.45.100");
            assertThat(Wire.texts(second, Section.ANSWER)).containsExactly("Web.Default.svc.cluster.local. 5 A 10.96.45.100");
            assertThat(nope.getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(big.getSection(Section.ANSWER)).hasSize(TestCluster.BIG_ENDPOINTS);
            assertThat(bigUdp.getHeader().getFlag(Flags.TC)).isTrue();

            Scrape s = new Scrape(server.scrape());
            String srv = "dns://:" + server.port();
            assertThat(s.value("coredns_cache_requests_total", DnsServerMetricsTest.labels("server", srv, "view", "", "zones", ".")))
                    .isEqualTo(6);
            assertThat(s.value("coredns_cache_hits_total",
                    DnsServerMetricsTest.labels("server", srv, "type", "success", "view", "", "zones", "."))).isEqualTo(2);
            assertThat(s.value("coredns_cache_misses_total", DnsServerMetricsTest.labels("server", srv, "view", "", "zones", ".")))
                    .as("web, nope twice (denial disabled for cluster.local), big").isEqualTo(4);
            assertThat(s.value("coredns_cache_entries",
                    DnsServerMetricsTest.labels("server", srv, "type", "success", "view", "", "zones", "."))).isEqualTo(2);
        }
    }
}
