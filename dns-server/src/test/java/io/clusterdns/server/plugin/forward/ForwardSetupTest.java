package io.clusterdns.server.plugin.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.corefile.Directive;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;

/**
 * {@code forward FROM TO... { options }} as CoreDNS 1.12 reads it: good lines and the config they
 * make (shown compactly, defaults left out), bad lines and their exact error.
 *
 * <p>Conventions: the Corefile is {@code /etc/coredns/Corefile} with the forward line on line 2 and
 * its first option on line 3;
 * relative files are read from a temporary folder standing for the Corefile's; upstreams are from
 * the documentation ranges (192.0.2.0/24, 2001:db8::/32).
 */
class ForwardSetupTest {
    static final Path FILE = Path.of("/etc/coredns/Corefile");
    static final String AT = "/etc/coredns/Corefile:2: ";
    /** Where an error of the first option line is placed. */
    static final String OPTION_AT = "/etc/coredns/Corefile:3: ";

    @TempDir
    static Path base;

    @BeforeAll
    static void files() throws IOException {
        Files.writeString(base.resolve("resolv.conf"), """
                # a comment
                search default.svc.cluster.local svc.cluster.local
                nameserver 192.0.2.53
                nameserver 2001:db8::53   # trailing comment
                options ndots:5
                """);
        Files.writeString(base.resolve("empty.conf"), "search example.org\n");
        Files.writeString(base.resolve("bad.conf"), "nameserver 192.0.2.1\nnameserver dns.example.org\n");
        Files.writeString(base.resolve("many.conf"),
                IntStream.rangeClosed(1, 16).mapToObj(i -> "nameserver 192.0.2." + i).collect(Collectors.joining("\n")));
    }

    static ForwardConfig parse(String line) {
        String corefile = ". {\n" + line + "\n}\n";
        Directive d = CorefileParser.parse(corefile, FILE, Map.of()).blocks().get(0).directives().get(0);
        return ForwardSetup.parse(d, base);
    }

    /** The config as one line: FROM, TOs, then only what differs from CoreDNS's defaults. */
    static String show(ForwardConfig c) {
        StringBuilder sb = new StringBuilder(c.from().toString());
        for (InetSocketAddress a : c.to()) {
            sb.append(' ').append(a.getAddress().getHostAddress()).append(':').append(a.getPort());
        }
        ForwardConfig d = ForwardConfig.of(c.from(), c.to());
        if (!c.except().isEmpty()) {
            sb.append(" except=").append(c.except());
        }
        if (c.forceTcp()) {
            sb.append(" force_tcp");
        }
        if (c.preferUdp()) {
            sb.append(" prefer_udp");
        }
        if (!c.expire().equals(d.expire())) {
            sb.append(" expire=").append(c.expire().toMillis()).append("ms");
        }
        if (c.maxFails() != d.maxFails()) {
            sb.append(" max_fails=").append(c.maxFails());
        }
        if (c.policy() != d.policy()) {
            sb.append(" policy=").append(c.policy());
        }
        if (!c.healthCheck().equals(d.healthCheck())) {
            sb.append(" health_check=").append(c.healthCheck().toMillis()).append("ms");
        }
        if (!c.healthCheckRecursion()) {
            sb.append(" no_rec");
        }
        if (!c.healthCheckDomain().equals(Name.root)) {
            sb.append(" domain=").append(c.healthCheckDomain());
        }
        if (c.maxConcurrent() != 0) {
            sb.append(" max_concurrent=").append(c.maxConcurrent());
        }
        if (!c.next().isEmpty()) {
            sb.append(" next=").append(c.next());
        }
        if (c.failfast()) {
            sb.append(" failfast");
        }
        return sb.toString();
    }

    static Stream<Arguments> good() {
        return Stream.of(
                Arguments.of("forward . 192.0.2.1", ". 192.0.2.1:53"),
                Arguments.of("forward . 192.0.2.1:5353 dns://192.0.2.2 dns://192.0.2.3:5300",
                        ". 192.0.2.1:5353 192.0.2.2:53 192.0.2.3:5300"),
                Arguments.of("forward . 2001:db8::1 [2001:db8::2]:5353 dns://[2001:db8::3]",
                        ". 2001:db8:0:0:0:0:0:1:53 2001:db8:0:0:0:0:0:2:5353 2001:db8:0:0:0:0:0:3:53"),
                Arguments.of("forward Example.ORG 192.0.2.1", "example.org. 192.0.2.1:53"),
                Arguments.of("forward 10.0.0.0/8 192.0.2.1", "10.in-addr.arpa. 192.0.2.1:53"),
                Arguments.of("forward . resolv.conf", ". 192.0.2.53:53 2001:db8:0:0:0:0:0:53:53"),
                Arguments.of("forward . resolv.conf 192.0.2.9", ". 192.0.2.53:53 2001:db8:0:0:0:0:0:53:53 192.0.2.9:53"),
                Arguments.of("forward . " + "192.0.2.1 ".repeat(15).trim(), ". " + "192.0.2.1:53 ".repeat(15).trim()),
                Arguments.of("forward . 192.0.2.1 {\n except cluster.local Example.com\n}",
                        ". 192.0.2.1:53 except=[cluster.local., example.com.]"),
                Arguments.of("forward . 192.0.2.1 {\n force_tcp\n prefer_udp\n}", ". 192.0.2.1:53 force_tcp prefer_udp"),
                Arguments.of("forward . 192.0.2.1 {\n expire 1m30s\n max_fails 0\n}", ". 192.0.2.1:53 expire=90000ms max_fails=0"),
                Arguments.of("forward . 192.0.2.1 {\n expire 0\n}", ". 192.0.2.1:53 expire=0ms"),
                Arguments.of("forward . 192.0.2.1 {\n policy round_robin\n}", ". 192.0.2.1:53 policy=round_robin"),
                Arguments.of("forward . 192.0.2.1 {\n policy sequential\n}", ". 192.0.2.1:53 policy=sequential"),
                Arguments.of("forward . 192.0.2.1 {\n policy random\n}", ". 192.0.2.1:53"),
                Arguments.of("forward . 192.0.2.1 {\n health_check 2s\n}", ". 192.0.2.1:53 health_check=2000ms"),
                Arguments.of("forward . 192.0.2.1 {\n health_check 100ms no_rec domain Example.org\n}",
                        ". 192.0.2.1:53 health_check=100ms no_rec domain=example.org."),
                Arguments.of("forward . 192.0.2.1 {\n health_check 0\n}", ". 192.0.2.1:53 health_check=0ms"),
                Arguments.of("forward . 192.0.2.1 {\n max_concurrent 1000\n}", ". 192.0.2.1:53 max_concurrent=1000"),
                Arguments.of("forward . 192.0.2.1 {\n next NXDOMAIN servfail Refused\n}", ". 192.0.2.1:53 next=[3, 2, 5]"),
                Arguments.of("forward . 192.0.2.1 {\n failfast_all_unhealthy_upstreams\n}", ". 192.0.2.1:53 failfast"));
    }

    @ParameterizedTest
    @MethodSource("good")
    void reads(String line, String expected) {
        assertThat(show(parse(line))).isEqualTo(expected);
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of("forward .", "forward: wrong argument count: expected at least 2 arguments, got 1"),
                Arguments.of("forward", "forward: wrong argument count: expected at least 2 arguments, got 0"),
                Arguments.of("forward . nowhere", "forward: not an IP address or file: \"nowhere\""),
                Arguments.of("forward . dns://nowhere", "forward: not an IP address or file: \"nowhere\""),
                Arguments.of("forward . 192.0.2.300", "forward: not an IP address or file: \"192.0.2.300\""),
                Arguments.of("forward . dns.google:53", "forward: not an IP address or file: \"dns.google:53\""),
                Arguments.of("forward . 192.0.2.1:70000", "forward: invalid port in \"192.0.2.1:70000\": must be 1..65535"),
                Arguments.of("forward . 192.0.2.1:dns", "forward: invalid port in \"192.0.2.1:dns\": must be 1..65535"),
                Arguments.of("forward . tls://192.0.2.1",
                        "forward: 'tls' is not supported as a destination protocol in forward: tls://192.0.2.1"
                                + " (clusterdns has no DNS over TLS)"),
                Arguments.of("forward . https://dns.example/dns-query",
                        "forward: 'https' is not supported as a destination protocol in forward: https://dns.example/dns-query"),
                Arguments.of("forward . empty.conf", "forward: no nameservers found"),
                Arguments.of("forward . bad.conf", "forward: bad.conf:2: nameserver \"dns.example.org\" is not an IP address"),
                Arguments.of("forward . " + "192.0.2.1 ".repeat(16).trim(), "forward: more than 15 TOs configured: 16"),
                Arguments.of("forward . many.conf", "forward: more than 15 TOs configured: 16"),
                Arguments.of("forward . 192.0.2.1 {\n bogus\n}", "forward: unknown property 'bogus'"),
                Arguments.of("forward . 192.0.2.1 {\n except\n}",
                        "forward/except: wrong argument count: expected at least 1 argument, got 0"),
                Arguments.of("forward . 192.0.2.1 {\n force_tcp yes\n}",
                        "forward/force_tcp: wrong argument count: expected no arguments, got 1"),
                Arguments.of("forward . 192.0.2.1 {\n expire soon\n}",
                        "forward/expire: expected a duration like 500ms, 30s, 1m30s or 2h, got \"soon\""),
                Arguments.of("forward . 192.0.2.1 {\n max_fails -1\n}", "forward/max_fails: must be 0..2147483647, got \"-1\""),
                Arguments.of("forward . 192.0.2.1 {\n max_fails many\n}", "forward/max_fails: expected a whole number, got \"many\""),
                Arguments.of("forward . 192.0.2.1 {\n policy fastest\n}", "forward/policy: unknown policy 'fastest'"),
                Arguments.of("forward . 192.0.2.1 {\n health_check\n}",
                        "forward/health_check: wrong argument count: expected 1..4 arguments, got 0"),
                Arguments.of("forward . 192.0.2.1 {\n health_check 1s often\n}", "forward/health_check: unknown option often"),
                Arguments.of("forward . 192.0.2.1 {\n health_check 1s domain\n}", "forward/health_check: domain needs a name"),
                Arguments.of("forward . 192.0.2.1 {\n health_check 1s domain a..b\n}", "forward/health_check: invalid domain name a..b"),
                Arguments.of("forward . 192.0.2.1 {\n max_concurrent -5\n}", "forward/max_concurrent: must be 0..2147483647, got \"-5\""),
                Arguments.of("forward . 192.0.2.1 {\n next\n}", "forward/next: wrong argument count: expected at least 1 argument, got 0"),
                Arguments.of("forward . 192.0.2.1 {\n next NXDOMAIN NOPE\n}", "forward/next: NOPE is not a valid rcode"),
                Arguments.of("forward . 192.0.2.1 {\n next 3\n}", "forward/next: 3 is not a valid rcode"),
                Arguments.of("forward . 192.0.2.1 {\n tls cert.pem key.pem\n}",
                        "forward/tls: not supported: clusterdns has no DNS over TLS (tls:// upstreams)"),
                Arguments.of("forward . 192.0.2.1 {\n tls_servername dns.example\n}",
                        "forward/tls_servername: not supported: clusterdns has no DNS over TLS (tls:// upstreams)"));
    }

    @ParameterizedTest
    @MethodSource("bad")
    void refuses(String line, String expected) {
        String at = line.contains("{") ? OPTION_AT : AT;
        assertThatThrownBy(() -> parse(line)).isInstanceOf(ConfigException.class).hasMessage(at + expected);
    }

    @Test
    void optionErrorsNameTheOptionsLine() {
        assertThatThrownBy(() -> parse("forward . 192.0.2.1 {\n max_fails 1\n policy fastest\n}"))
                .hasMessage("/etc/coredns/Corefile:4: forward/policy: unknown policy 'fastest'");
    }

    @Test
    void defaultsAreCoreDnss() {
        ForwardConfig c = parse("forward . 192.0.2.1");
        assertThat(c).isEqualTo(ForwardConfig.of(Name.root, c.to()));
        assertThat(c.expire()).hasSeconds(10);
        assertThat(c.maxFails()).isEqualTo(2);
        assertThat(c.healthCheck()).hasMillis(500);
        assertThat(c.healthCheckRecursion()).isTrue();
        assertThat(c.policy()).isEqualTo(ForwardConfig.Policy.RANDOM);
        assertThat(c.maxConcurrent()).isZero();
    }
}
