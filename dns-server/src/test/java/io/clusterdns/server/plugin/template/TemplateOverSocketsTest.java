package io.clusterdns.server.plugin.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.DnsServer;
import io.clusterdns.server.DnsServerMain;
import io.clusterdns.server.Scrape;
import io.clusterdns.server.TcpClient;
import io.clusterdns.server.UdpClient;
import io.clusterdns.server.Wire;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plugin.forward.Dnsmasq;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A server started from a Corefile with AKS's templates, CoreDNS's README examples, a made-up CNAME
 * whose target lives in another server block, and the classic {@code template IN AAAA . { rcode
 * NOERROR }} of an IPv4-only stub domain, queried over UDP and TCP on 127.0.0.1. The rest goes to a
 * real {@code dnsmasq} on 127.0.0.2 (skipped without it, or failed under
 * CLUSTERDNS_REQUIRE_PRIVILEGED=1), which knows {@code google.com} (A and AAAA),
 * {@code vm-1.internal.cloudapp.net} and {@code www.v4only.test}.
 */
class TemplateOverSocketsTest {
    static final String HOSTS = """
            142.250.0.1 google.com
            2001:db8::1 google.com
            10.1.2.3 vm-1.internal.cloudapp.net
            10.4.4.4 www.v4only.test
            2001:db8::4 www.v4only.test
            """;
    static final AtomicInteger ID = new AtomicInteger(1);

    @TempDir
    static Path dir;
    static Dnsmasq upstream;
    static DnsServer server;

    @BeforeAll
    static void start() throws Exception {
        upstream = Dnsmasq.start(dir, "127.0.0.2", HOSTS);
        String corefile = """
                (upstream) {
                    # dnsmasq --no-daemon serves a TCP connection in its only process, deaf to UDP while
                    # forward keeps it open: UDP upstream for TCP clients too
                    forward . %1$s {
                      prefer_udp
                    }
                }
                . {
                    errors
                    import upstream
                %2$s
                    template IN ANY example.org {
                      match ^alias[.]
                      answer "{{ .Name }} 60 IN CNAME www.v4only.test."
                      fallthrough
                    }
                %3$s%4$s%5$s}
                v4only.test {
                    import upstream
                    template IN AAAA . {
                      rcode NOERROR
                    }
                }
                """.formatted(upstream.target(), TemplatePluginTest.CNAME_TEMPLATE, TemplatePluginTest.AKS_TEMPLATES,
                TemplatePluginTest.INVALID_TEMPLATE, TemplatePluginTest.A_PTR_TEMPLATES);
        Path file = Files.writeString(dir.resolve("Corefile"), corefile);
        // blocks without a port share one free port
        server = DnsServerMain.start(new CorefileSource(file, Map.of(), 0, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 2));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("www.google.com.default.svc.cluster.local.internal.cloudapp.net.", Type.A, "NXDOMAIN aa"),
                Arguments.of("a.b.c.d.internal.cloudapp.net.", Type.AAAA, "NXDOMAIN aa"),
                Arguments.of("vm-1.internal.cloudapp.net.", Type.A, "NOERROR aa | vm-1.internal.cloudapp.net. 0 A 10.1.2.3"),
                Arguments.of("www.google.com.reddog.microsoft.com.", Type.A, "NXDOMAIN aa"),
                Arguments.of("host.invalid.", Type.A, "NXDOMAIN aa |  | invalid. 60 SOA ns.invalid. hostmaster.invalid. 1 60 60 60 60"),
                Arguments.of("ip-10-0-0-1.example.", Type.A, "NOERROR aa | ip-10-0-0-1.example. 60 A 10.0.0.1"),
                Arguments.of("1.0.0.10.in-addr.arpa.", Type.PTR, "NOERROR aa | 1.0.0.10.in-addr.arpa. 60 PTR ip-10-0-0-1.example."),
                Arguments.of("1.0.10.in-addr.arpa.", Type.PTR, "SERVFAIL"),
                // the CNAME's target resolved through the server: forward to dnsmasq
                Arguments.of("foogle.com.", Type.A, "NOERROR aa | foogle.com. 60 CNAME google.com., google.com. 0 A 142.250.0.1"),
                Arguments.of("foogle.com.", Type.AAAA, "NOERROR aa | foogle.com. 60 CNAME google.com., google.com. 0 AAAA 2001:db8::1"),
                Arguments.of("foogle.com.", Type.MX, "NOERROR aa | foogle.com. 60 CNAME google.com."),
                // ... and through the block that holds the target, whose template hides AAAA
                Arguments.of("alias.example.org.", Type.A, "NOERROR aa | alias.example.org. 60 CNAME www.v4only.test., www.v4only.test. 0 A 10.4.4.4"),
                Arguments.of("alias.example.org.", Type.AAAA, "NOERROR aa | alias.example.org. 60 CNAME www.v4only.test."),
                Arguments.of("www.v4only.test.", Type.AAAA, "NOERROR aa"),
                Arguments.of("www.v4only.test.", Type.A, "NOERROR aa | www.v4only.test. 0 A 10.4.4.4"));
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("rows")
    void answersOverUdpAndTcp(String name, int type, String expected) {
        try (UdpClient udp = new UdpClient(server.port()); TcpClient tcp = new TcpClient(server.port())) {
            assertThat(TemplatePluginTest.summary(udp.exchange(Wire.query(ID.incrementAndGet(), name, type)))).as("UDP").isEqualTo(expected);
            assertThat(TemplatePluginTest.summary(tcp.exchange(Wire.query(ID.incrementAndGet(), name, type)))).as("TCP").isEqualTo(expected);
        }
    }

    @Test
    void theQuestionKeepsItsCaseAndAnyClassGetsTheSoaOfItsClass() {
        Message q = new Message(ID.incrementAndGet());
        q.addRecord(Record.newRecord(Name.fromConstantString("Host.INVALID."), Type.TXT, DClass.CH), Section.QUESTION);
        try (UdpClient udp = new UdpClient(server.port())) {
            Message m = udp.exchange(q);
            assertThat(m.getQuestion().getName().toString()).isEqualTo("Host.INVALID.");
            assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
            assertThat(m.getSection(Section.AUTHORITY)).singleElement().satisfies(r -> assertThat(r.getDClass()).isEqualTo(DClass.CH));
        }
    }

    @Test
    void ederrorReachesEdnsClientsOnly() {
        try (UdpClient udp = new UdpClient(server.port())) {
            Message edns = udp.exchange(Wire.withEdns(Wire.query(ID.incrementAndGet(), "host.invalid.", Type.A), 1232, 0, false));
            assertThat(edns.getOPT().getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR)).singleElement().satisfies(o -> {
                ExtendedErrorCodeOption e = (ExtendedErrorCodeOption) o;
                assertThat(e.getErrorCode()).isEqualTo(21);
                assertThat(e.getText()).isEqualTo("Blocked according to RFC2606");
            });
            Message plain = udp.exchange(Wire.query(ID.incrementAndGet(), "host.invalid.", Type.A));
            assertThat(plain.getOPT()).as("RFC 6891: no OPT to a client that sent none").isNull();
        }
    }

    @Test
    void metricsCountMatchesWithCorednsLabels() {
        try (UdpClient udp = new UdpClient(server.port())) {
            assertThat(udp.exchange(Wire.query(ID.incrementAndGet(), "ip-192-0-2-1.example.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
        }
        Scrape s = new Scrape(server.scrape());
        assertThat(s.value("coredns_template_matches_total", Map.of("server", "dns://:" + server.port(), "zone", "example.", "view", "",
                "class", "IN", "type", "A"))).isGreaterThanOrEqualTo(1);
    }
}
