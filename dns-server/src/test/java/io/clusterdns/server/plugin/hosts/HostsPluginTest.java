package io.clusterdns.server.plugin.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.Outcomes;
import io.clusterdns.server.chain.Requests;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The hosts plugin on one request at a time (no sockets): a file with every kind of line CoreDNS
 * reads (and skips), inline entries besides it, and what each question gets: an answer, NODATA,
 * the next plugin, or SERVFAIL. The zone is {@code example.org} unless a case says otherwise.
 */
class HostsPluginTest {
    static final String FILE = """
            # a comment line
            127.0.0.1       localhost
            192.0.2.1       web.example.org web   # trailing comment
            192.0.2.2       WEB.example.org
            2001:db8::1     web.example.org
            ::ffff:192.0.2.3 mapped.example.org
            fe80::1%eth0    linklocal.example.org
            192.0.2.9       *.apps.example.org
            192.0.2.10      exact.apps.example.org
            lonely
            300.1.1.1       bad.example.org
            192.0.2.11      ok.example.org bad..example.org
            192.0.2.30      outside.example.net
            """;
    static final List<Name> ZONE = List.of(Name.fromConstantString("example.org."));
    static final List<HostsConfig.Line> INLINE = List.of(new HostsConfig.Line("192.0.2.2 web.example.org", "Corefile:3"),
            new HostsConfig.Line("198.51.100.1 inline.example.org", "Corefile:4"));

    @TempDir
    static Path dir;
    static Path hosts;

    @BeforeAll
    static void writeFile() throws Exception {
        hosts = Files.writeString(dir.resolve("hosts"), FILE);
    }

    static HostsConfig config(List<Name> zones, boolean reverse, Fallthrough fallthrough, boolean unsupported) {
        return new HostsConfig(hosts, zones, INLINE, 3600, reverse, Duration.ZERO, fallthrough, unsupported);
    }

    static HostsPlugin plugin(HostsConfig config, List<String> warnings) {
        // reload 0: read once, no timer
        return new HostsPlugin(config, new HostsFile(config, null, new HostsMetrics(new SimpleMeterRegistry()), warnings::add));
    }

    static String outcome(HostsPlugin plugin, String name, int type) {
        return Outcomes.of(plugin, Requests.of(name, type));
    }

    static final String PTR_V6 = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.";

    static Stream<Arguments> noFallthrough() {
        return Stream.of(
                Arguments.of("web.example.org.", Type.A,
                        "NOERROR aa | web.example.org. 3600 A 192.0.2.1 | web.example.org. 3600 A 192.0.2.2"),
                Arguments.of("WEB.Example.ORG.", Type.A,
                        "NOERROR aa | WEB.Example.ORG. 3600 A 192.0.2.1 | WEB.Example.ORG. 3600 A 192.0.2.2"),
                Arguments.of("web.example.org.", Type.AAAA, "NOERROR aa | web.example.org. 3600 AAAA 2001:db8::1"),
                Arguments.of("web.example.org.", Type.MX, "NOERROR aa"),
                Arguments.of("web.example.org.", Type.TXT, "NOERROR aa"),
                Arguments.of("mapped.example.org.", Type.A, "NOERROR aa | mapped.example.org. 3600 A 192.0.2.3"),
                Arguments.of("mapped.example.org.", Type.AAAA, "NOERROR aa"),
                Arguments.of("linklocal.example.org.", Type.AAAA, "NOERROR aa | linklocal.example.org. 3600 AAAA fe80::1"),
                Arguments.of("x.apps.example.org.", Type.A, "NOERROR aa | x.apps.example.org. 3600 A 192.0.2.9"),
                Arguments.of("x.apps.example.org.", Type.AAAA, "NOERROR aa"),
                Arguments.of("exact.apps.example.org.", Type.A, "NOERROR aa | exact.apps.example.org. 3600 A 192.0.2.10"),
                Arguments.of("apps.example.org.", Type.A, "fail SERVFAIL"),
                Arguments.of("a.b.apps.example.org.", Type.A, "fail SERVFAIL"),
                Arguments.of("inline.example.org.", Type.A, "NOERROR aa | inline.example.org. 3600 A 198.51.100.1"),
                Arguments.of("ok.example.org.", Type.A, "NOERROR aa | ok.example.org. 3600 A 192.0.2.11"),
                Arguments.of("bad.example.org.", Type.A, "fail SERVFAIL"),
                Arguments.of("nope.example.org.", Type.A, "fail SERVFAIL"),
                Arguments.of("nope.example.org.", Type.MX, "fail SERVFAIL"),
                Arguments.of("localhost.", Type.A, "next"),
                Arguments.of("web.", Type.A, "next"),
                Arguments.of("outside.example.net.", Type.A, "next"),
                Arguments.of("1.2.0.192.in-addr.arpa.", Type.PTR, "NOERROR aa | 1.2.0.192.in-addr.arpa. 3600 PTR web.example.org."),
                Arguments.of("2.2.0.192.in-addr.arpa.", Type.PTR, "NOERROR aa | 2.2.0.192.in-addr.arpa. 3600 PTR web.example.org."),
                Arguments.of("3.2.0.192.in-addr.arpa.", Type.PTR, "NOERROR aa | 3.2.0.192.in-addr.arpa. 3600 PTR mapped.example.org."),
                Arguments.of(PTR_V6, Type.PTR, "NOERROR aa | " + PTR_V6 + " 3600 PTR web.example.org."),
                Arguments.of("1.0.0.127.in-addr.arpa.", Type.PTR, "next"),
                Arguments.of("9.2.0.192.in-addr.arpa.", Type.PTR, "next"),
                Arguments.of("99.2.0.192.in-addr.arpa.", Type.PTR, "next"),
                Arguments.of("2.0.192.in-addr.arpa.", Type.PTR, "next"),
                Arguments.of("web.example.org.", Type.PTR, "next"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("noFallthrough")
    void answersFromTheFileAndTheInlineEntries(String name, int type, String expected) {
        assertThat(outcome(plugin(config(ZONE, true, Fallthrough.NONE, false), new ArrayList<>()), name, type)).isEqualTo(expected);
    }

    @Test
    void malformedLinesAreSkippedWithAWarningNamingFileAndLine() {
        List<String> warnings = new ArrayList<>();
        plugin(config(ZONE, true, Fallthrough.NONE, false), warnings);

        assertThat(warnings).containsExactly(
                "plugin/hosts: " + hosts + ":10: skipped: expected an address and at least one name, got \"lonely\"",
                "plugin/hosts: " + hosts + ":11: skipped: \"300.1.1.1\" is not an IP address",
                "plugin/hosts: " + hosts + ":12: skipped name 'bad..example.org': invalid empty label");
    }

    @Test
    void fallthroughPassesNamesWithoutEntriesOnButAnswersNodataForNamesWithSome() {
        HostsPlugin p = plugin(config(ZONE, true, Fallthrough.ALL, false), new ArrayList<>());

        assertThat(outcome(p, "nope.example.org.", Type.A)).isEqualTo("next");
        assertThat(outcome(p, "web.example.org.", Type.MX)).isEqualTo("NOERROR aa");
        assertThat(outcome(p, "web.example.org.", Type.A)).startsWith("NOERROR aa | web.example.org. 3600 A 192.0.2.1");
    }

    @Test
    void fallthroughForOtherZonesLeavesAMissServfail() {
        HostsPlugin p = plugin(config(ZONE, true, new Fallthrough(List.of(Name.fromConstantString("in-addr.arpa."))), false),
                new ArrayList<>());

        assertThat(outcome(p, "nope.example.org.", Type.A)).isEqualTo("fail SERVFAIL");
    }

    @Test
    void fallthroughUnsupportedPassesOtherTypesOfKnownNamesOn() {
        HostsPlugin p = plugin(config(ZONE, true, Fallthrough.ALL, true), new ArrayList<>());

        assertThat(outcome(p, "web.example.org.", Type.TXT)).isEqualTo("next");
        assertThat(outcome(p, "web.example.org.", Type.HTTPS)).isEqualTo("next");
        assertThat(outcome(p, "mapped.example.org.", Type.AAAA)).as("A and AAAA stay NODATA").isEqualTo("NOERROR aa");
    }

    @Test
    void noReverseMakesNoPtr() {
        HostsPlugin p = plugin(config(ZONE, false, Fallthrough.NONE, false), new ArrayList<>());

        assertThat(outcome(p, "1.2.0.192.in-addr.arpa.", Type.PTR)).isEqualTo("next");
        assertThat(outcome(p, "web.example.org.", Type.A)).startsWith("NOERROR aa | web.example.org. 3600 A 192.0.2.1");
    }

    @Test
    void theBlocksRootZoneServesEveryNameOfTheFile() {
        HostsPlugin p = plugin(config(List.of(Name.root), true, Fallthrough.NONE, false), new ArrayList<>());

        assertThat(outcome(p, "localhost.", Type.A)).isEqualTo("NOERROR aa | localhost. 3600 A 127.0.0.1");
        assertThat(outcome(p, "web.", Type.A)).isEqualTo("NOERROR aa | web. 3600 A 192.0.2.1");
        assertThat(outcome(p, "1.2.0.192.in-addr.arpa.", Type.PTR))
                .isEqualTo("NOERROR aa | 1.2.0.192.in-addr.arpa. 3600 PTR web.example.org. | 1.2.0.192.in-addr.arpa. 3600 PTR web.");
    }

    @Test
    void aMissingFileServesTheInlineEntries() {
        HostsConfig c = new HostsConfig(dir.resolve("absent"), ZONE, INLINE, 60, true, Duration.ZERO, Fallthrough.NONE, false);
        List<String> warnings = new ArrayList<>();
        HostsPlugin p = plugin(c, warnings);

        assertThat(warnings).containsExactly("plugin/hosts: File does not exist: " + dir.resolve("absent"));
        assertThat(outcome(p, "inline.example.org.", Type.A)).isEqualTo("NOERROR aa | inline.example.org. 60 A 198.51.100.1");
        assertThat(outcome(p, "web.example.org.", Type.A)).isEqualTo("NOERROR aa | web.example.org. 60 A 192.0.2.2");
    }
}
