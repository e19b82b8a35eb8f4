package io.clusterdns.server;

import static io.clusterdns.server.TestCluster.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.fast.FastPath;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plugin.forward.FakeUpstream;
import io.clusterdns.server.wire.Responses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A server started from a Corefile with {@code cache} in front of {@code kubernetes}
 * ({@link TestCluster}, TTL 5) and {@code forward} (to a {@link FakeUpstream} the test answers),
 * queried over UDP and TCP: the Corefile line reaches the chain, forwarded answers come from the
 * cache the second time, and its series carry CoreDNS's labels ({@code server="dns://:PORT"},
 * {@code zones="."}). Cluster names are the kubernetes plugin's own answers: served by the fast
 * path with the plugin's TTL, never held or counted by the cache (the README's Fast path section).
 */
class DnsServerCacheTest {
    static final String COREFILE = """
            .:0 {
                kubernetes cluster.local in-addr.arpa
                cache 30 {
                    disable denial cluster.local
                }
                forward . %s
            }
            """;
    static final String EXTERNAL = "www.example.com.";

    static ServerPlan plan(String upstream) {
        CorefileSource source = new CorefileSource(Path.of("/etc/coredns/Corefile"), Map.of(), 53, Duration.ofSeconds(10), 1);
        return source.plan(CorefileParser.parse(COREFILE.formatted(upstream), source.file(), Map.of()));
    }

    @Test
    void servesRepeatedForwardedQueriesFromTheCacheAndClusterNamesFromTheFastPath() {
        try (FakeUpstream upstream = new FakeUpstream("127.0.0.6");
             DnsServer server = DnsServer.start(plan(upstream.target()), (k, requests) -> new SnapshotSource(TestCluster.snapshot()));
             UdpClient udp = new UdpClient(server.port()); TcpClient tcp = new TcpClient(server.port())) {
            Message first = udp.exchange(Wire.query(1, WEB, Type.A));
            Message second = udp.exchange(Wire.query(2, "Web.Default.svc.cluster.local.", Type.A));
            udp.exchange(Wire.query(3, "nope.default.svc.cluster.local.", Type.A));
            Message nope = udp.exchange(Wire.query(4, "nope.default.svc.cluster.local.", Type.A));
            Message big = tcp.exchange(Wire.query(5, "big.default.svc.cluster.local.", Type.A));
            Message bigUdp = udp.exchange(Wire.query(6, "big.default.svc.cluster.local.", Type.A));
            Message external = forwarded(udp, upstream, Wire.query(7, EXTERNAL, Type.A));
            Message externalAgain = udp.exchange(Wire.query(8, "WWW.example.com.", Type.A));

            assertThat(Wire.texts(first, Section.ANSWER)).containsExactly(WEB + " 5 A 10.96.45.100");
            assertThat(Wire.texts(second, Section.ANSWER)).containsExactly("Web.Default.svc.cluster.local. 5 A 10.96.45.100");
            assertThat(nope.getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(big.getSection(Section.ANSWER)).hasSize(TestCluster.BIG_ENDPOINTS);
            assertThat(bigUdp.getHeader().getFlag(Flags.TC)).isTrue();
            assertThat(Wire.texts(external, Section.ANSWER)).as("the upstream's TTL 300 capped at 30")
                    .containsExactly(EXTERNAL + " 30 A 192.0.2.1");
            assertThat(Wire.texts(externalAgain, Section.ANSWER)).singleElement().asString()
                    .startsWith("WWW.example.com. ").endsWith(" A 192.0.2.1");
            assertThat(externalAgain.getHeader().getFlag(Flags.AA)).as("a cache hit is always AA").isTrue();

            assertThat(server.frontPath()).as("the block with cache has a fast path").isInstanceOf(FastPath.class);
            assertThat(((FastPath) server.frontPath()).answersHeld(Name.root)).as("web, nope, big encoded by the fast path")
                    .isEqualTo(3);

            Scrape s = new Scrape(server.scrape());
            String srv = "dns://:" + server.port();
            assertThat(s.value("coredns_cache_requests_total", DnsServerMetricsTest.labels("server", srv, "view", "", "zones", ".")))
                    .as("only www.example.com, twice: cluster names are not looked up").isEqualTo(2);
            assertThat(s.value("coredns_cache_hits_total",
                    DnsServerMetricsTest.labels("server", srv, "type", "success", "view", "", "zones", "."))).isEqualTo(1);
            assertThat(s.value("coredns_cache_misses_total", DnsServerMetricsTest.labels("server", srv, "view", "", "zones", ".")))
                    .isEqualTo(1);
            assertThat(s.value("coredns_cache_entries",
                    DnsServerMetricsTest.labels("server", srv, "type", "success", "view", "", "zones", ".")))
                    .as("www.example.com only").isEqualTo(1);
        }
    }

    /** Sends {@code query}, answers the upstream's copy of it with A 192.0.2.1 (TTL 300), returns the client's reply. */
    static Message forwarded(UdpClient udp, FakeUpstream upstream, Message query) {
        udp.send(query.toWire());
        FakeUpstream.Query q = upstream.next();
        while (!q.message().getQuestion().getName().equals(query.getQuestion().getName())) {
            q = upstream.next(); // a health check
        }
        Message reply = Responses.start(q.message(), Rcode.NOERROR);
        reply.addRecord(new ARecord(q.message().getQuestion().getName(), DClass.IN, 300, new byte[] {(byte) 192, 0, 2, 1}), Section.ANSWER);
        upstream.send(q.from(), reply);
        return Wire.parse(udp.receive());
    }
}
