package io.clusterdns.server.corefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Corefile reader: CoreDNS's Caddyfile rules, the three Corefiles clusters ship, and its errors. */
class CorefileParserTest {
    static final Path FILE = Path.of("/etc/coredns/Corefile");

    /** kubeadm's Corefile (1.32+), verbatim. */
    static final String KUBEADM = """
            .:53 {
                errors
                health {
                   lameduck 5s
                }
                ready
                kubernetes cluster.local in-addr.arpa ip6.arpa {
                   pods insecure
                   fallthrough in-addr.arpa ip6.arpa
                   ttl 30
                }
                prometheus :9153
                forward . /etc/resolv.conf {
                   max_concurrent 1000
                }
                cache 30 {
                   disable success cluster.local
                   disable denial cluster.local
                }
                loop
                reload
                loadbalance
            }
            """;

    static Corefile parse(String text) {
        return CorefileParser.parse(text, FILE, Map.of());
    }

    /** name args... [{children}] as one line per directive, for compact assertions. */
    static String show(List<Directive> ds) {
        StringBuilder sb = new StringBuilder();
        for (Directive d : ds) {
            sb.append(d.name().text());
            d.args().forEach(a -> sb.append(' ').append(a.text()));
            if (d.hasBlock()) {
                sb.append(" {").append(show(d.children())).append('}');
            }
            sb.append(';');
        }
        return sb.toString();
    }

    @Test
    void readsKubeadmsCorefile() {
        Corefile c = parse(KUBEADM);

        assertThat(c.blocks()).singleElement().satisfies(b -> {
            assertThat(b.keys()).extracting(Token::text).containsExactly(".:53");
            assertThat(show(b.directives())).isEqualTo("errors;health {lameduck 5s;};ready;"
                    + "kubernetes cluster.local in-addr.arpa ip6.arpa {pods insecure;fallthrough in-addr.arpa ip6.arpa;ttl 30;};"
                    + "prometheus :9153;forward . /etc/resolv.conf {max_concurrent 1000;};"
                    + "cache 30 {disable success cluster.local;disable denial cluster.local;};loop;reload;loadbalance;");
            Directive cache = b.directives().get(6);
            assertThat(cache.where()).isEqualTo("/etc/coredns/Corefile:16");
            assertThat(cache.children().get(1).where()).isEqualTo("/etc/coredns/Corefile:18");
        });
        assertThat(c.warnings()).isEmpty();
        assertThat(c.digest()).hasSize(128);
    }

    @Test
    void digestIgnoresCommentsThatMoveNoLineButNotMovedLines() {
        String commented = KUBEADM.replace("    errors\n", "    errors # log them\n");
        String moved = "\n" + KUBEADM;

        assertThat(parse(commented).digest()).isEqualTo(parse(KUBEADM).digest());
        assertThat(parse(moved).digest()).isNotEqualTo(parse(KUBEADM).digest());
    }

    static Stream<Arguments> syntax() {
        return Stream.of(
                Arguments.of("several keys, several blocks", "cluster.local in-addr.arpa:53 {\n kubernetes\n}\nexample.com:53 {\n forward . 192.0.2.53\n}",
                        "[cluster.local, in-addr.arpa:53]kubernetes;|[example.com:53]forward . 192.0.2.53;|"),
                Arguments.of("trailing comma continues the keys", "a.org,\nb.org:53 {\n whoami\n}", "[a.org, b.org:53]whoami;|"),
                Arguments.of("a single block without braces", ".:53\nwhoami\nlog", "[.:53]whoami;log;|"),
                Arguments.of("dns:// prefix and comments", "dns://.:1053 { # root\n  # whole line\n  log#no space\n}", "[dns://.:1053]log;|"),
                Arguments.of("quotes keep spaces and braces", ".:53 {\n template IN A {\n  answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n }\n}",
                        "[.:53]template IN A {answer {{ .Name }} 60 IN A 10.0.0.1;};|"),
                Arguments.of("escaped quote", ".:53 {\n log \"a \\\"b\\\" \\d\"\n}", "[.:53]log a \"b\" \\d;|"),
                Arguments.of("nested blocks", ".:53 {\n a {\n  b {\n   c 1\n  }\n }\n}", "[.:53]a {b {c 1;};};|"),
                Arguments.of("empty block", ".:53 {\n}", "[.:53]|"),
                Arguments.of("environment variables, unset is empty", ".:{$PORT} {\n forward . {%UPSTREAM%} {$UNSET}x\n}",
                        "[.:1053]forward . 192.0.2.1 x;|"),
                Arguments.of("snippet", "(common) {\n errors\n log\n}\n.:53 {\n import common\n whoami\n}", "[.:53]errors;log;whoami;|"),
                Arguments.of("byte order mark", "\uFEFF.:53 {\n log\n}", "[.:53]log;|"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("syntax")
    void followsTheCaddyfileRules(String name, String text, String expected) {
        Corefile c = CorefileParser.parse(text, FILE, Map.of("PORT", "1053", "UPSTREAM", "192.0.2.1"));
        StringBuilder sb = new StringBuilder();
        for (ServerBlock b : c.blocks()) {
            sb.append(b.keys().stream().map(Token::text).toList()).append(show(b.directives())).append('|');
        }
        assertThat(sb.toString()).isEqualTo(expected);
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of(".:53 {\n log\n", "/etc/coredns/Corefile:1: unexpected end of file: this '{' is never closed"),
                Arguments.of(".:53 {\n log\n template IN A x {\n  rcode NXDOMAIN\n}\n", "/etc/coredns/Corefile:1: unexpected end of file: "
                        + "this '{' is never closed (or the last '{' inside it, at line 3, is missing its '}')"),
                Arguments.of(".:53 {\n log\n}\n}", "/etc/coredns/Corefile:4: unexpected '}' because no matching opening brace"),
                // the brace after log closes the block, as in CoreDNS: the last one is then one too many
                Arguments.of(".:53 {\n log }\n}", "/etc/coredns/Corefile:3: unexpected '}' because no matching opening brace"),
                Arguments.of(".:53 {\n health {\n  lameduck 5s }\n }\n}", "/etc/coredns/Corefile:5: unexpected '}' because no matching opening brace"),
                Arguments.of(".:53 {\n health\n {\n }\n}", "/etc/coredns/Corefile:3: unexpected '{': a block must open on the line of its directive"),
                Arguments.of("a.org, {\n}", "/etc/coredns/Corefile:1: expected another address but had '{' - check for extra comma"),
                Arguments.of(".:53 {\n log \"open\n}", "/etc/coredns/Corefile:2: unterminated quoted string"),
                Arguments.of(".:53 {\n import missing.conf\n}", "/etc/coredns/Corefile:2: file to import not found: missing.conf"),
                Arguments.of(".:53 {\n import a b\n}", "/etc/coredns/Corefile:2: import takes only one argument (a snippet name, a file or a glob pattern)"),
                Arguments.of(".:53 {\n import *.a*\n}", "/etc/coredns/Corefile:2: glob pattern may only contain one wildcard (*), but has others: *.a*"),
                Arguments.of("(s) {\n log\n}\n(s) {\n log\n}", "/etc/coredns/Corefile:4: redeclaration of previously declared snippet s"),
                Arguments.of(".:53 {\n log\n}\nexample.org\nwhoami", "/etc/coredns/Corefile:5: expected '{' after the server block keys on line 4"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("errors")
    void errorsNameFileAndLine(String text, String message) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void importsFilesAndGlobsRelativeToTheImportingFile(@TempDir Path dir) throws Exception {
        // the AKS layout: the coredns-custom ConfigMap mounted at custom/ next to the Corefile
        Path corefile = dir.resolve("Corefile");
        Files.createDirectories(dir.resolve("custom"));
        Files.writeString(corefile, ".:53 {\n    errors\n    import custom/*.override\n}\nimport custom/*.server\n");
        Files.writeString(dir.resolve("custom/b.override"), "log\n");
        Files.writeString(dir.resolve("custom/a.override"), "# first\nhosts {\n  10.0.0.1 a.example\n}\n");
        Files.writeString(dir.resolve("custom/stub.server"), "example.com:53 {\n    forward . 192.0.2.53\n}\n");

        Corefile c = CorefileParser.read(corefile, Map.of());

        assertThat(c.blocks()).hasSize(2);
        assertThat(show(c.blocks().get(0).directives())).isEqualTo("errors;hosts {10.0.0.1 a.example;};log;");
        assertThat(c.blocks().get(0).directives().get(1).where()).isEqualTo(dir.resolve("custom/a.override") + ":2");
        assertThat(c.blocks().get(1).keys()).extracting(Token::text).containsExactly("example.com:53");
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void aGlobMatchingNothingIsAWarning(@TempDir Path dir) throws Exception {
        // k3s without its optional coredns-custom ConfigMap
        Path corefile = Files.writeString(dir.resolve("Corefile"),
                ".:53 {\n    forward . /etc/resolv.conf\n    import " + dir + "/custom/*.override\n}\nimport " + dir + "/custom/*.server\n");

        Corefile c = CorefileParser.read(corefile, Map.of());

        assertThat(show(c.blocks().get(0).directives())).isEqualTo("forward . /etc/resolv.conf;");
        assertThat(c.warnings()).containsExactly(
                corefile + ":3: no files matching import glob pattern: " + dir + "/custom/*.override",
                corefile + ":5: no files matching import glob pattern: " + dir + "/custom/*.server");
    }

    @Test
    void filesImportingEachOtherAreStopped(@TempDir Path dir) throws Exception {
        Path corefile = Files.writeString(dir.resolve("Corefile"), ".:53 {\n    import loop.conf\n}\n");
        Files.writeString(dir.resolve("loop.conf"), "import Corefile\n");

        assertThatThrownBy(() -> CorefileParser.read(corefile, Map.of())).hasMessageContaining("imports nested more than 32 deep");
    }

    @Test
    void aMissingCorefileIsOneLine() {
        assertThatThrownBy(() -> CorefileParser.read(Path.of("/no/such/Corefile"), Map.of()))
                .hasMessage("/no/such/Corefile: cannot read the Corefile: no such file");
    }
}
