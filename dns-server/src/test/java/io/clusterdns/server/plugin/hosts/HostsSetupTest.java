package io.clusterdns.server.plugin.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.PluginLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;

/**
 * {@code hosts} lines as CoreDNS reads them: defaults, every option, inline entries until
 * {@code fallthrough}, and the exact error of each bad line. Every line sits in a {@code .:53}
 * block at line 2 of {@code /etc/coredns/Corefile}; relative files are under {@code /etc/coredns}.
 */
class HostsSetupTest {
    static final Path FILE = PluginLines.FILE;
    static final String AT = FILE + ":";
    static final List<Name> ROOT = List.of(Name.root);

    static HostsConfig parse(String line) {
        return HostsSetup.parse(PluginLines.of(line), ROOT, FILE.getParent());
    }

    static HostsConfig config(Path file, List<Name> zones, List<HostsConfig.Line> inline, long ttl, boolean reverse, Duration reload,
                              Fallthrough fallthrough, boolean unsupported) {
        return new HostsConfig(file, zones, inline, ttl, reverse, reload, fallthrough, unsupported);
    }

    static HostsConfig defaults(Path file) {
        return config(file, ROOT, List.of(), 3600, true, Duration.ofSeconds(5), Fallthrough.NONE, false);
    }

    static Name name(String s) {
        return Name.fromConstantString(s);
    }

    static Stream<Arguments> good() {
        Path etcHosts = Path.of("/etc/hosts");
        return Stream.of(
                Arguments.of("hosts", defaults(etcHosts)),
                Arguments.of("hosts {\n}", defaults(etcHosts)),
                Arguments.of("hosts /etc/coredns/NodeHosts", defaults(Path.of("/etc/coredns/NodeHosts"))),
                Arguments.of("hosts NodeHosts", defaults(Path.of("/etc/coredns/NodeHosts"))),
                Arguments.of("hosts /etc/hosts Example.ORG 10.0.0.0/8",
                        config(etcHosts, List.of(name("example.org."), name("10.in-addr.arpa.")), List.of(), 3600, true,
                                Duration.ofSeconds(5), Fallthrough.NONE, false)),
                Arguments.of("hosts {\n10.0.0.1 a.example b\n::1   c # comment\nttl 60\nno_reverse\nreload 0\nfallthrough\n}",
                        config(etcHosts, ROOT, List.of(new HostsConfig.Line("10.0.0.1 a.example b", AT + 3),
                                new HostsConfig.Line("::1 c", AT + 4)), 60, false, Duration.ZERO, Fallthrough.ALL, false)),
                Arguments.of("hosts {\nreload 1m30s\nttl 65535\n}",
                        config(etcHosts, ROOT, List.of(), 65535, true, Duration.ofSeconds(90), Fallthrough.NONE, false)),
                Arguments.of("hosts {\nreload 100ms\n}",
                        config(etcHosts, ROOT, List.of(), 3600, true, Duration.ofMillis(100), Fallthrough.NONE, false)),
                Arguments.of("hosts {\nfallthrough in-addr.arpa example.org\nfallthrough_unsupported\n}",
                        config(etcHosts, ROOT, List.of(), 3600, true, Duration.ofSeconds(5),
                                new Fallthrough(List.of(name("in-addr.arpa."), name("example.org."))), true)),
                // malformed inline lines are no setup error: warned about when the plugin starts, as CoreDNS skips them
                Arguments.of("hosts {\nnot-an-address a.example\n}", config(etcHosts, ROOT,
                        List.of(new HostsConfig.Line("not-an-address a.example", AT + 3)), 3600, true, Duration.ofSeconds(5),
                        Fallthrough.NONE, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void goodLines(String line, HostsConfig expected) {
        assertThat(parse(line)).isEqualTo(expected);
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of("hosts {\nfallthrough\n10.0.0.1 a.example\n}", AT + "4: hosts: unknown property '10.0.0.1'"),
                Arguments.of("hosts {\nttl 0\n}", AT + "3: hosts/ttl: must be 1..65535, got \"0\""),
                Arguments.of("hosts {\nttl 65536\n}", AT + "3: hosts/ttl: must be 1..65535, got \"65536\""),
                Arguments.of("hosts {\nttl 60s\n}", AT + "3: hosts/ttl: expected a whole number, got \"60s\""),
                Arguments.of("hosts {\nttl\n}", AT + "3: hosts/ttl: wrong argument count: expected 1 argument, got 0"),
                Arguments.of("hosts {\nttl 60 120\n}", AT + "3: hosts/ttl: wrong argument count: expected 1 argument, got 2"),
                Arguments.of("hosts {\nreload soon\n}", AT + "3: hosts/reload: expected a duration like 500ms, 30s, 1m30s or 2h, got \"soon\""),
                Arguments.of("hosts {\nreload -1s\n}", AT + "3: hosts/reload: expected a duration like 500ms, 30s, 1m30s or 2h, got \"-1s\""),
                Arguments.of("hosts {\nreload\n}", AT + "3: hosts/reload: wrong argument count: expected 1 argument, got 0"),
                Arguments.of("hosts {\nno_reverse please\n}", AT + "3: hosts/no_reverse: wrong argument count: expected no arguments, got 1"),
                Arguments.of("hosts {\nfallthrough_unsupported yes\n}",
                        AT + "3: hosts/fallthrough_unsupported: wrong argument count: expected no arguments, got 1"),
                Arguments.of("hosts {\nfallthrough_unsupported\n}", AT + "2: hosts: fallthrough_unsupported requires fallthrough"),
                Arguments.of("hosts {\nfallthrough example..org\n}", AT + "3: hosts/fallthrough: \"example..org\" is not a valid domain name"),
                Arguments.of("hosts /etc/hosts example..org", AT + "2: hosts: \"example..org\" is not a valid domain name"),
                Arguments.of("hosts {\n10.0.0.1 a.example {\n}\n}", AT + "3: hosts: an inline hosts entry takes no block: '10.0.0.1'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void badLines(String line, String message) {
        assertThatThrownBy(() -> parse(line)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void aFileThatCannotBeLookedAtIsAnError(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("plain"), "");
        Directive d = CorefileParser.parse(".:53 {\nhosts plain/NodeHosts\n}\n", dir.resolve("Corefile"), Map.of())
                .blocks().get(0).directives().get(0);

        assertThatThrownBy(() -> HostsSetup.parse(d, ROOT, dir)).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("Corefile") + ":2: hosts: unable to access hosts file 'plain/NodeHosts': Not a directory");
    }
}
