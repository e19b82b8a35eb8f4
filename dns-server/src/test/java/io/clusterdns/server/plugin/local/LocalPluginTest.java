package io.clusterdns.server.plugin.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.chain.Outcomes;
import io.clusterdns.server.chain.Requests;
import io.clusterdns.server.corefile.PluginLines;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Type;

/** {@code local} lines, and what each localhost-ish question gets, one request at a time. */
class LocalPluginTest {
    static final Path FILE = PluginLines.FILE;
    static final String SOA = " 604800 SOA localhost. root.localhost. 1 0 0 0 604800";
    static final String V6_PTR = "1." + "0.".repeat(31) + "ip6.arpa.";

    static LocalConfig parse(String line) {
        return LocalSetup.parse(PluginLines.of(line));
    }

    static Stream<Arguments> goodLines() {
        return Stream.of(
                Arguments.of("local", new LocalConfig(true)),
                Arguments.of("local {\n}", new LocalConfig(true)),
                Arguments.of("local {\nlocalhost_prefix on\n}", new LocalConfig(true)),
                Arguments.of("local {\nlocalhost_prefix off\n}", new LocalConfig(false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodLines")
    void setup(String line, LocalConfig expected) {
        assertThat(parse(line)).isEqualTo(expected);
    }

    static Stream<Arguments> badLines() {
        return Stream.of(
                Arguments.of("local localhost", FILE + ":2: local: wrong argument count: expected no arguments, got 1"),
                Arguments.of("local {\nlocalhost_prefix maybe\n}", FILE + ":3: local/localhost_prefix: localhost_prefix expects 'on' or 'off', got \"maybe\""),
                Arguments.of("local {\nlocalhost_prefix\n}", FILE + ":3: local/localhost_prefix: wrong argument count: expected 1 argument, got 0"),
                Arguments.of("local {\nzones ip6.arpa\n}", FILE + ":3: local: unknown property 'zones'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLines")
    void setupErrors(String line, String message) {
        assertThatThrownBy(() -> parse(line)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    static String outcome(LocalPlugin plugin, String name, int type) {
        return Outcomes.of(plugin, Requests.of(name, type));
    }

    static Stream<Arguments> questions() {
        return Stream.of(
                Arguments.of("localhost.", Type.A, "NOERROR | localhost. 604800 A 127.0.0.1"),
                Arguments.of("localhost.", Type.AAAA, "NOERROR | localhost. 604800 AAAA ::1"),
                Arguments.of("localhost.", Type.SOA, "NOERROR | localhost." + SOA),
                Arguments.of("localhost.", Type.NS, "NOERROR | localhost. 604800 NS localhost."),
                Arguments.of("localhost.", Type.MX, "NOERROR | ns: localhost." + SOA),
                Arguments.of("app.localhost.", Type.A, "NOERROR | app.localhost. 604800 A 127.0.0.1"),
                Arguments.of("a.b.localhost.", Type.AAAA, "NOERROR | a.b.localhost. 604800 AAAA ::1"),
                Arguments.of("app.localhost.", Type.TXT, "NOERROR | ns: app.localhost." + SOA),
                Arguments.of("localhost.example.com.", Type.A, "NOERROR | localhost.example.com. 604800 A 127.0.0.1"),
                Arguments.of("LocalHost.Example.COM.", Type.AAAA, "NOERROR | LocalHost.Example.COM. 604800 AAAA ::1"),
                Arguments.of("0.in-addr.arpa.", Type.A, "NOERROR | ns: 0.in-addr.arpa." + SOA),
                Arguments.of("127.in-addr.arpa.", Type.NS, "NOERROR | 127.in-addr.arpa. 604800 NS localhost."),
                Arguments.of("255.in-addr.arpa.", Type.SOA, "NOERROR | 255.in-addr.arpa." + SOA),
                Arguments.of("1.0.0.127.in-addr.arpa.", Type.PTR, "NOERROR | 1.0.0.127.in-addr.arpa. 604800 PTR localhost."),
                Arguments.of("1.0.0.127.in-addr.arpa.", Type.A, "NOERROR | ns: 127.in-addr.arpa." + SOA),
                Arguments.of("2.0.0.127.IN-ADDR.arpa.", Type.PTR, "NXDOMAIN | ns: 127.IN-ADDR.arpa." + SOA),
                Arguments.of("255.255.255.255.in-addr.arpa.", Type.PTR, "NXDOMAIN | ns: 255.in-addr.arpa." + SOA),
                Arguments.of("1.0.0.0.in-addr.arpa.", Type.PTR, "NXDOMAIN | ns: 0.in-addr.arpa." + SOA),
                Arguments.of(V6_PTR, Type.PTR, "NOERROR | " + V6_PTR + " 604800 PTR localhost."),
                Arguments.of(V6_PTR, Type.A, "NOERROR | ns: " + V6_PTR + SOA),
                Arguments.of("1.0.0.10.in-addr.arpa.", Type.PTR, "next"),
                Arguments.of("2." + "0.".repeat(31) + "ip6.arpa.", Type.PTR, "next"),
                Arguments.of("example.com.", Type.A, "next"),
                Arguments.of("notlocalhost.", Type.A, "next"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("questions")
    void answers(String name, int type, String expected) {
        assertThat(outcome(new LocalPlugin(new LocalConfig(true), Counter.builder("c").register(new SimpleMeterRegistry())), name, type))
                .isEqualTo(expected);
    }

    @Test
    void withoutTheLegacyPrefixOnlyNamesBelowLocalhostAreLoopback() {
        LocalPlugin p = new LocalPlugin(new LocalConfig(false), Counter.builder("c").register(new SimpleMeterRegistry()));

        assertThat(outcome(p, "localhost.example.com.", Type.A)).isEqualTo("next");
        assertThat(outcome(p, "app.localhost.", Type.A)).isEqualTo("NOERROR | app.localhost. 604800 A 127.0.0.1");
    }

    @Test
    void loopbackNamesAreCountedButNotLocalhostItself() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        LocalPlugin p = new LocalPlugin(new LocalConfig(true), LocalMetrics.requests(registry));

        outcome(p, "localhost.", Type.A);
        outcome(p, "app.localhost.", Type.A);
        outcome(p, "localhost.example.com.", Type.MX);
        outcome(p, "1.0.0.127.in-addr.arpa.", Type.PTR);

        assertThat(registry.get("coredns.local.localhost.requests").counter().count()).isEqualTo(2);
    }
}
