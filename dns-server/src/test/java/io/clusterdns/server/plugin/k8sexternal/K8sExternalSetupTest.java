package io.clusterdns.server.plugin.k8sexternal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plan.CorefilePlan;
import java.nio.file.Path;
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
 * {@code k8s_external} lines as CoreDNS reads them, each at line 2 of a {@code .:53} block of
 * {@code /etc/coredns/Corefile} that also has a kubernetes plugin (after it), its options on the
 * lines after: defaults, every option, and the exact error of each bad line.
 */
class K8sExternalSetupTest {
    static final Path FILE = Path.of("/etc/coredns/Corefile");
    static final Name EXAMPLE = Name.fromConstantString("example.org.");

    @TempDir
    static Path manifests;

    static String corefile(String line, boolean kubernetes) {
        String k8s = kubernetes ? " kubernetes cluster.local {\n  manifests " + manifests + "\n }\n" : " errors\n";
        return ".:53 {\n" + line + "\n" + k8s + "}\n";
    }

    static K8sExternalConfig parse(String line) {
        List<BlockPlan> blocks = CorefilePlan.blocks(CorefileParser.parse(corefile(line, true), FILE, Map.of()), 53);
        return blocks.get(0).plugin(K8sExternalConfig.class).orElseThrow();
    }

    static K8sExternalConfig config(List<Name> zones, String apex, long ttl, boolean headless, Fallthrough fallthrough) {
        return new K8sExternalConfig(zones, apex, ttl, headless, fallthrough);
    }

    static Stream<Arguments> good() {
        return Stream.of(
                Arguments.of("k8s_external example.org", config(List.of(EXAMPLE), "dns", 5, false, Fallthrough.NONE)),
                Arguments.of("k8s_external", config(List.of(Name.root), "dns", 5, false, Fallthrough.NONE)),
                Arguments.of("k8s_external Example.ORG example.net. example.org", config(List.of(EXAMPLE,
                        Name.fromConstantString("example.net.")), "dns", 5, false, Fallthrough.NONE)),
                Arguments.of("k8s_external example.org 203.0.113.0/24", config(List.of(EXAMPLE,
                        Name.fromConstantString("113.0.203.in-addr.arpa.")), "dns", 5, false, Fallthrough.NONE)),
                Arguments.of("k8s_external example.org {\n}", config(List.of(EXAMPLE), "dns", 5, false, Fallthrough.NONE)),
                Arguments.of("k8s_external example.org {\n apex EXT\n ttl 30\n headless\n fallthrough\n}",
                        config(List.of(EXAMPLE), "ext", 30, true, Fallthrough.ALL)),
                Arguments.of("k8s_external example.org {\n ttl 0\n fallthrough a.example.org\n}",
                        config(List.of(EXAMPLE), "dns", 0, false, new Fallthrough(List.of(Name.fromConstantString("a.example.org."))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void readsGoodLines(String line, K8sExternalConfig expected) {
        assertThat(parse(line)).isEqualTo(expected);
    }

    static Stream<Arguments> bad() {
        String at3 = FILE + ":3: k8s_external";
        return Stream.of(
                Arguments.of("k8s_external example.org {\n ttl\n}", at3 + "/ttl: wrong argument count: expected 1 argument, got 0"),
                Arguments.of("k8s_external example.org {\n ttl 3601\n}", at3 + "/ttl: must be 0..3600, got \"3601\""),
                Arguments.of("k8s_external example.org {\n ttl five\n}", at3 + "/ttl: expected a whole number, got \"five\""),
                Arguments.of("k8s_external example.org {\n ttl 5 6\n}", at3 + "/ttl: wrong argument count: expected 1 argument, got 2"),
                Arguments.of("k8s_external example.org {\n apex a.b\n}", at3 + "/apex: must be one DNS label such as dns, got \"a.b\""),
                Arguments.of("k8s_external example.org {\n apex\n}", at3 + "/apex: wrong argument count: expected 1 argument, got 0"),
                Arguments.of("k8s_external example.org {\n headless yes\n}",
                        at3 + "/headless: wrong argument count: expected no arguments, got 1"),
                Arguments.of("k8s_external example.org {\n fallthrough bad..zone\n}",
                        at3 + "/fallthrough: \"bad..zone\" is not a valid domain name"),
                Arguments.of("k8s_external example.org {\n upstream\n}", at3 + ": unknown property 'upstream'"),
                Arguments.of("k8s_external bad..zone", FILE + ":2: k8s_external: \"bad..zone\" is not a valid domain name"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("bad")
    void refusesBadLines(String line, String message) {
        assertThatThrownBy(() -> parse(line)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    /** CoreDNS refuses to start: {@code plugin/k8s_external: kubernetes plugin not loaded}. */
    @Test
    void needsTheKubernetesPluginOfItsBlock() {
        assertThatThrownBy(() -> CorefilePlan.blocks(CorefileParser.parse(corefile("k8s_external example.org", false), FILE, Map.of()), 53))
                .isInstanceOf(ConfigException.class)
                .hasMessage(FILE + ":2: k8s_external: kubernetes plugin not loaded (k8s_external answers from the kubernetes plugin "
                        + "of its server block)");
    }
}
