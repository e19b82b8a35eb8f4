package io.clusterdns.server.plugin.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.server.DnsServer;
import io.clusterdns.server.Scrape;
import io.clusterdns.server.TcpClient;
import io.clusterdns.server.UdpClient;
import io.clusterdns.server.Wire;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * End to end with real upstreams: Corefiles started as main starts them, forwarding to dnsmasq
 * processes the tests start and stop.
 *
 * <p>Conventions: upstream A is dnsmasq on 127.0.0.2, B on 127.0.0.3 (both on free ports);
 * names are under {@code .test} and {@code example.com}; A answers 10.0.0.1-ish addresses,
 * B 10.0.0.2-ish, so an answer tells which upstream gave it. {@code big.test} has 60 A records
 * (986 bytes: truncated over UDP without EDNS). {@code nx.test} is NXDOMAIN at A.
 */
class ForwardDnsmasqTest {
    static final String HOSTS_A = """
            10.0.0.1 web.test
            10.0.0.1 web.internal.test
            10.0.0.11 www.example.com
            """ + IntStream.rangeClosed(1, 60).mapToObj(i -> "10.1.0." + i + " big.test").collect(Collectors.joining("\n", "", "\n"));
    static final String HOSTS_B = """
            10.0.0.2 web.test
            10.0.0.2 web.internal.test
            10.0.0.2 only.nx.test
            10.0.0.22 www.example.com
            10.0.0.23 other.test
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void requireDnsmasq() {
        Dnsmasq.require();
    }

    static String a(Message m) {
        return Wire.texts(m, Section.ANSWER).stream().map(r -> r.substring(r.lastIndexOf(' ') + 1)).collect(Collectors.joining(","));
    }

    @Test
    void forwardsOverUdpAndTcpReusingConnections() {
        try (Dnsmasq upstream = Dnsmasq.start(dir, "127.0.0.2", HOSTS_A);
             DnsServer server = ForwardServers.start(dir, ". {\n forward . " + upstream.target() + "\n}\n");
             UdpClient udp = new UdpClient(server.port());
             TcpClient tcp = new TcpClient(server.port())) {
            for (int id : List.of(100, 101)) {
                Message m = udp.exchange(Wire.query(id, "web.test.", Type.A));
                assertThat(m.getHeader().getID()).isEqualTo(id);
                assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
                assertThat(m.getHeader().getFlag(Flags.RA)).as("the upstream's flags are kept").isTrue();
                assertThat(Wire.texts(m, Section.ANSWER)).containsExactly("web.test. 0 A 10.0.0.1");
            }
            for (int id : List.of(200, 201)) {
                Message m = tcp.exchange(Wire.query(id, "web.test.", Type.A));
                assertThat(m.getHeader().getID()).isEqualTo(id);
                assertThat(a(m)).isEqualTo("10.0.0.1");
            }
            Scrape s = new Scrape(server.scrape());
            Map<String, String> udpLabels = Map.of("proxy_name", "forward", "to", upstream.target(), "proto", "udp");
            Map<String, String> tcpLabels = Map.of("proxy_name", "forward", "to", upstream.target(), "proto", "tcp");
            // two event loops may each open their own UDP socket; TCP connections live on the client connection's loop
            assertThat(s.value("coredns_proxy_conn_cache_misses_total", udpLabels)
                    + s.value("coredns_proxy_conn_cache_hits_total", udpLabels)).isEqualTo(2.0);
            assertThat(s.value("coredns_proxy_conn_cache_misses_total", tcpLabels)).isEqualTo(1.0);
            assertThat(s.value("coredns_proxy_conn_cache_hits_total", tcpLabels)).isEqualTo(1.0);
            assertThat(s.value("coredns_proxy_request_duration_seconds_count",
                    Map.of("proxy_name", "forward", "to", upstream.target(), "rcode", "NOERROR"))).isEqualTo(4.0);
            // CoreDNS's TimeBuckets: 0.25 ms doubling 16 times, then +Inf
            List<Double> bounds = s.buckets("coredns_proxy_request_duration_seconds",
                    Map.of("proxy_name", "forward", "to", upstream.target(), "rcode", "NOERROR")).stream()
                    .map(b -> b.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(b)).toList();
            List<Double> expected = new ArrayList<>(IntStream.range(0, 16).mapToObj(i -> 0.00025 * (1L << i)).toList());
            expected.add(Double.POSITIVE_INFINITY);
            assertThat(bounds).isEqualTo(expected);
        }
    }

    @Test
    void aPooledTcpConnectionTheUpstreamClosedIsNotUsedAgain() {
        try (Dnsmasq upstream = Dnsmasq.start(dir, "127.0.0.2", HOSTS_A);
             DnsServer server = ForwardServers.start(dir, ". {\n forward . " + upstream.target() + " {\n  force_tcp\n }\n}\n");
             UdpClient client = new UdpClient(server.port())) {
            assertThat(a(client.exchange(Wire.query(1, "web.test.", Type.A)))).isEqualTo("10.0.0.1");
            upstream.stop();
            upstream.restart();
            assertThat(a(client.exchange(Wire.query(2, "web.test.", Type.A)))).isEqualTo("10.0.0.1");
        }
    }

    @Test
    void aTruncatedAnswerReachesUdpClientsWithTcAndTcpClientsWhole() {
        try (Dnsmasq upstream = Dnsmasq.start(dir, "127.0.0.2", HOSTS_A);
             DnsServer server = ForwardServers.start(dir, ". {\n forward . " + upstream.target() + "\n}\n");
             UdpClient udp = new UdpClient(server.port());
             TcpClient tcp = new TcpClient(server.port())) {
            Message overUdp = udp.exchange(Wire.query(1, "big.test.", Type.A));
            assertThat(overUdp.getHeader().getFlag(Flags.TC)).isTrue();
            assertThat(overUdp.getSection(Section.ANSWER).size()).isLessThan(60);

            // the client's retry over TCP goes upstream over TCP
            Message overTcp = tcp.exchange(Wire.query(2, "big.test.", Type.A));
            assertThat(overTcp.getHeader().getFlag(Flags.TC)).isFalse();
            assertThat(overTcp.getSection(Section.ANSWER)).hasSize(60);
        }
    }

    @Test
    void preferUdpRetriesATruncatedAnswerOverTcp() {
        try (Dnsmasq upstream = Dnsmasq.start(dir, "127.0.0.2", HOSTS_A);
             DnsServer server = ForwardServers.start(dir, ". {\n forward . " + upstream.target() + " {\n  prefer_udp\n }\n}\n");
             TcpClient tcp = new TcpClient(server.port())) {
            Message m = tcp.exchange(Wire.query(3, "big.test.", Type.A));

            assertThat(m.getHeader().getFlag(Flags.TC)).isFalse();
            assertThat(m.getSection(Section.ANSWER)).hasSize(60);
            Scrape s = new Scrape(server.scrape());
            assertThat(s.value("coredns_proxy_conn_cache_misses_total",
                    Map.of("proxy_name", "forward", "to", upstream.target(), "proto", "udp"))).isEqualTo(1.0);
            assertThat(s.value("coredns_proxy_conn_cache_misses_total",
                    Map.of("proxy_name", "forward", "to", upstream.target(), "proto", "tcp"))).isEqualTo(1.0);
        }
    }

    @Test
    void aDeadUpstreamGetsServfailIsMarkedDownAndComesBack() {
        try (Dnsmasq upstream = Dnsmasq.start(dir, "127.0.0.4", HOSTS_A)) {
            upstream.stop(); // nothing listens there now
            String to = upstream.target();
            try (DnsServer server = ForwardServers.start(dir, ". {\n forward . " + to + " {\n  health_check 100ms\n }\n}\n");
                 UdpClient client = new UdpClient(server.port())) {
                long start = System.nanoTime();
                Message failed = client.exchange(Wire.query(1, "web.test.", Type.A));
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(failed.getRcode()).isEqualTo(Rcode.SERVFAIL);
                assertThat(millis).as("by the 5 s deadline (the rest is room for a busy machine)").isLessThan(10_000L);

                // max_fails 2: down after 3 failed checks; then a query counts the broken health checks
                Await.until("3 failed health checks", () -> ForwardFakeUpstreamTest.healthcheckFailures(server, to) >= 3);
                assertThat(client.exchange(Wire.query(2, "web.test.", Type.A)).getRcode()).isEqualTo(Rcode.SERVFAIL);
                assertThat(broken(server)).isGreaterThanOrEqualTo(1.0);

                upstream.restart();
                Await.until("the upstream answers and is healthy again (queries no longer count as broken)", () -> {
                    double before = broken(server);
                    Message m = client.exchange(Wire.query(3, "web.test.", Type.A));
                    return m.getRcode() == Rcode.NOERROR && broken(server) == before;
                });
                assertThat(a(client.exchange(Wire.query(4, "web.test.", Type.A)))).isEqualTo("10.0.0.1");
            }
        }
    }

    @Test
    void policiesOrderTheUpstreams() {
        try (Dnsmasq a = Dnsmasq.start(dir, "127.0.0.2", HOSTS_A, letter("A"));
             Dnsmasq b = Dnsmasq.start(dir, "127.0.0.3", HOSTS_B, letter("B"));
             DnsServer server = ForwardServers.start(dir, """
                     sequential.test {
                      forward . %1$s %2$s {
                       policy sequential
                      }
                     }
                     robin.test {
                      forward . %1$s %2$s {
                       policy round_robin
                      }
                     }
                     random.test {
                      forward . %1$s %2$s
                     }
                     """.formatted(a.target(), b.target()));
             UdpClient client = new UdpClient(server.port())) {
            List<String> sequential = new ArrayList<>();
            List<String> robin = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                sequential.add(answerer(client.exchange(Wire.query(i, "sequential.test.", Type.TXT))));
                robin.add(answerer(client.exchange(Wire.query(10 + i, "robin.test.", Type.TXT))));
            }
            assertThat(sequential).containsOnly("A");
            // CoreDNS counts before it picks: the first query starts at the second upstream
            assertThat(robin).containsExactly("B", "A", "B", "A");
            Set<String> random = new HashSet<>();
            Await.until("random reaches both upstreams", () -> {
                random.add(answerer(client.exchange(Wire.query(20, "random.test.", Type.TXT))));
                return random.size() == 2;
            });
        }
    }

    /** dnsmasq options: the policy tests' names answer TXT {@code letter}, so that an answer says who gave it. */
    static String[] letter(String letter) {
        return new String[] {"--txt-record=sequential.test," + letter, "--txt-record=robin.test," + letter,
            "--txt-record=random.test," + letter};
    }

    /** Which dnsmasq answered a TXT query of {@link #policiesOrderTheUpstreams}. */
    static String answerer(Message m) {
        List<String> txt = Wire.texts(m, Section.ANSWER);
        assertThat(txt).hasSize(1);
        return txt.get(0).substring(txt.get(0).lastIndexOf(' ') + 1).replace("\"", "");
    }

    @Test
    void exceptAndNextPassQueriesToTheNextForward() {
        try (Dnsmasq a = Dnsmasq.start(dir, "127.0.0.2", HOSTS_A, "--local=/nx.test/");
             Dnsmasq b = Dnsmasq.start(dir, "127.0.0.3", HOSTS_B);
             DnsServer server = ForwardServers.start(dir, """
                     . {
                      forward . %s {
                       except internal.test
                       next NXDOMAIN
                      }
                      forward . %s
                     }
                     """.formatted(a.target(), b.target()));
             UdpClient client = new UdpClient(server.port())) {
            assertThat(a(client.exchange(Wire.query(1, "web.test.", Type.A)))).isEqualTo("10.0.0.1");
            assertThat(a(client.exchange(Wire.query(2, "web.internal.test.", Type.A)))).as("except: B answers").isEqualTo("10.0.0.2");
            assertThat(a(client.exchange(Wire.query(3, "only.nx.test.", Type.A)))).as("NXDOMAIN at A: B answers").isEqualTo("10.0.0.2");
        }
    }

    @Test
    void nextWithoutAnotherForwardWritesTheAnswer() {
        try (Dnsmasq a = Dnsmasq.start(dir, "127.0.0.2", HOSTS_A, "--local=/nx.test/");
             DnsServer server = ForwardServers.start(dir, ". {\n forward . " + a.target() + " {\n  next NXDOMAIN\n }\n}\n");
             UdpClient client = new UdpClient(server.port())) {
            assertThat(client.exchange(Wire.query(1, "only.nx.test.", Type.A)).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        }
    }

    @Test
    void stubDomainsGoToTheirOwnUpstreamByLongestZone() {
        try (Dnsmasq a = Dnsmasq.start(dir, "127.0.0.2", HOSTS_A);
             Dnsmasq b = Dnsmasq.start(dir, "127.0.0.3", HOSTS_B);
             DnsServer server = ForwardServers.start(dir, """
                     example.com {
                      forward . %s
                     }
                     . {
                      forward . %s
                     }
                     """.formatted(a.target(), b.target()));
             UdpClient client = new UdpClient(server.port())) {
            assertThat(a(client.exchange(Wire.query(1, "www.example.com.", Type.A)))).isEqualTo("10.0.0.11");
            assertThat(a(client.exchange(Wire.query(2, "other.test.", Type.A)))).isEqualTo("10.0.0.23");
        }
    }

    static double broken(DnsServer server) {
        return new Scrape(server.scrape()).value("coredns_forward_healthcheck_broken_total", Map.of());
    }
}
