package io.clusterdns.server.plugin.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.CorefileServers;
import io.clusterdns.server.DnsServer;
import io.clusterdns.server.Scrape;
import io.clusterdns.server.TcpClient;
import io.clusterdns.server.UdpClient;
import io.clusterdns.server.Wire;
import io.clusterdns.server.chain.Outcomes;
import io.clusterdns.server.plugin.forward.Dnsmasq;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Type;

/**
 * The hosts plugin in a server started from a Corefile, asked over UDP and TCP: a file and
 * inline entries for {@code example.org}, {@code fallthrough} for {@code fell.example.org} only,
 * and {@code forward} to a real dnsmasq (127.0.0.7) after it, which answers what hosts passes on.
 * The UDP table runs before the TCP one: dnsmasq in the foreground serves a TCP connection to its
 * end before it reads UDP again, and forward keeps its TCP connections open for reuse.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostsOverSocketsTest {
    @TempDir
    static Path dir;
    static Dnsmasq upstream;
    static DnsServer server;
    static Path hostsFile;

    @BeforeAll
    static void start() throws Exception {
        upstream = Dnsmasq.start(dir, "127.0.0.7", "192.0.2.99 fell.example.org\n192.0.2.98 www.example.com\n",
                "--local=/example.org/", "--local=/example.com/");
        hostsFile = Files.writeString(dir.resolve("hosts"), """
                # the file
                192.0.2.1   web.example.org
                192.0.2.2   web.example.org
                2001:db8::1 web.example.org
                192.0.2.9   *.apps.example.org
                not-an-address oops.example.org
                """);
        server = CorefileServers.start(dir, """
                .:0 {
                    hosts %s example.org {
                        198.51.100.1 inline.example.org
                        ttl 300
                        fallthrough fell.example.org
                    }
                    forward . %s
                }
                """.formatted(hostsFile, upstream.target()));
    }

    @AfterAll
    static void stop() {
        CorefileServers.close(server);
        if (upstream != null) {
            upstream.close();
        }
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("web.example.org.", Type.A, "NOERROR aa | web.example.org. 300 A 192.0.2.1 | web.example.org. 300 A 192.0.2.2"),
                Arguments.of("web.example.org.", Type.AAAA, "NOERROR aa | web.example.org. 300 AAAA 2001:db8::1"),
                Arguments.of("web.example.org.", Type.MX, "NOERROR aa"),
                Arguments.of("inline.example.org.", Type.A, "NOERROR aa | inline.example.org. 300 A 198.51.100.1"),
                Arguments.of("db.apps.example.org.", Type.A, "NOERROR aa | db.apps.example.org. 300 A 192.0.2.9"),
                Arguments.of("2.2.0.192.in-addr.arpa.", Type.PTR, "NOERROR aa | 2.2.0.192.in-addr.arpa. 300 PTR web.example.org."),
                Arguments.of("oops.example.org.", Type.A, "SERVFAIL"),
                Arguments.of("nope.example.org.", Type.A, "SERVFAIL"),
                // fallthrough covers fell.example.org: forward's upstream answers
                Arguments.of("fell.example.org.", Type.A, "NOERROR aa | fell.example.org. 0 A 192.0.2.99"),
                // not in the plugin's zones, and a reverse name without entries: always on
                Arguments.of("www.example.com.", Type.A, "NOERROR aa | www.example.com. 0 A 192.0.2.98"),
                Arguments.of("99.2.0.192.in-addr.arpa.", Type.PTR, "NOERROR aa | 99.2.0.192.in-addr.arpa. 0 PTR fell.example.org."));
    }

    @Order(1)
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("table")
    void overUdp(String name, int type, String expected) {
        try (UdpClient udp = new UdpClient(server.port())) {
            assertThat(Outcomes.of(udp.exchange(Wire.query(7, name, type)))).isEqualTo(expected);
        }
    }

    @Order(2)
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("table")
    void overTcp(String name, int type, String expected) {
        try (TcpClient tcp = new TcpClient(server.port())) {
            assertThat(Outcomes.of(tcp.exchange(Wire.query(8, name, type)))).isEqualTo(expected);
        }
    }

    @Test
    void theEntriesAreCountedAsCoreDnsCountsThem() {
        Scrape s = new Scrape(server.scrape());
        // 3 addresses of web, 2 reverse names (2001:db8::1 too: 3), a wildcard address, the inline address and its reverse name
        assertThat(s.value("coredns_hosts_entries", Map.of("hostsfile", hostsFile.toString()))).isEqualTo(3 + 3 + 1 + 2);
        assertThat(s.value("coredns_hosts_reload_timestamp_seconds", Map.of())).isPositive();
    }
}
