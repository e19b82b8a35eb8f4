package io.clusterdns.server.plugin.autopath;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plan.CorefilePlan;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;

/**
 * {@code autopath} lines as CoreDNS reads them, each in a {@code .:53} block at line 2 of
 * {@code DIR/Corefile}, with {@code DIR/host-resolv.conf} standing for the server's
 * /etc/resolv.conf; then the checks of {@code @kubernetes} against the block's kubernetes plugin.
 */
class AutopathSetupTest {
    static final Name ROOT = Name.root;
    static final Name CLUSTER = Name.fromConstantString("cluster.local.");

    @TempDir
    static Path dir;

    @BeforeAll
    static void files() throws Exception {
        Files.writeString(dir.resolve("host-resolv.conf"), "nameserver 10.0.0.2\nsearch corp.example. lab.corp.example\noptions ndots:1\n");
        Files.writeString(dir.resolve("my-resolv.conf"), "# a comment\nsearch A.example b.example\n");
        Files.writeString(dir.resolve("last-wins.conf"), "search a.example b.example\ndomain c.example\n");
        Files.writeString(dir.resolve("domain-then-search.conf"), "domain c.example\nsearch a.example .\n");
        Files.writeString(dir.resolve("no-search.conf"), "nameserver 10.0.0.2\n");
        Files.writeString(dir.resolve("bad.conf"), "nameserver 10.0.0.2\nsearch ok.example a..b\n");
        Files.createDirectories(dir.resolve("m"));
    }

    static Name n(String s) {
        return Name.fromConstantString(s);
    }

    static AutopathConfig parse(String line, Path hostResolvConf) {
        Directive d = CorefileParser.parse(".:53 {\n" + line + "\n}\n", dir.resolve("Corefile"), Map.of()).blocks().get(0)
                .directives().get(0);
        return AutopathSetup.parse(d, List.of(ROOT), dir, hostResolvConf);
    }

    static String where() {
        return dir.resolve("Corefile") + ":2";
    }

    static Stream<Arguments> good() {
        List<Name> host = List.of(n("corp.example."), n("lab.corp.example."));
        return Stream.of(
                Arguments.of("autopath @kubernetes", new AutopathConfig(List.of(ROOT), host, true, where())),
                Arguments.of("autopath cluster.local @kubernetes", new AutopathConfig(List.of(CLUSTER), host, true, where())),
                Arguments.of("autopath my-resolv.conf",
                        new AutopathConfig(List.of(ROOT), List.of(n("a.example."), n("b.example.")), false, where())),
                Arguments.of("autopath cluster.local 10.0.0.0/8 " + dir.resolve("my-resolv.conf"), new AutopathConfig(
                        List.of(CLUSTER, n("10.in-addr.arpa.")), List.of(n("a.example."), n("b.example.")), false, where())),
                Arguments.of("autopath last-wins.conf", new AutopathConfig(List.of(ROOT), List.of(n("c.example.")), false, where())),
                Arguments.of("autopath domain-then-search.conf",
                        new AutopathConfig(List.of(ROOT), List.of(n("a.example.")), false, where())),
                Arguments.of("autopath no-search.conf", new AutopathConfig(List.of(ROOT), List.of(), false, where())),
                Arguments.of("autopath @kubernetes {\n}", new AutopathConfig(List.of(ROOT), host, true, where())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void reads(String line, AutopathConfig expected) {
        assertThat(parse(line, dir.resolve("host-resolv.conf"))).isEqualTo(expected);
    }

    @Test
    void withoutAReadableResolvConfTheServerAddsNoSearchDomainsOfItsOwn() {
        assertThat(parse("autopath @kubernetes", dir.resolve("missing")).search()).isEmpty();
        assertThat(parse("autopath @kubernetes", dir.resolve("bad.conf")).search()).isEmpty();
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of("autopath", ":2: autopath: no RESOLV-CONF given (a resolv.conf file or @kubernetes)"),
                Arguments.of("autopath @erratic", ":2: autopath: \"@erratic\" has no search paths: clusterdns takes them from @kubernetes only"),
                Arguments.of("autopath @Kubernetes", ":2: autopath: \"@Kubernetes\" has no search paths: clusterdns takes them from @kubernetes only"),
                Arguments.of("autopath missing.conf", ":2: autopath: cannot read \"missing.conf\": no such file"),
                Arguments.of("autopath bad.conf", ":2: autopath: bad.conf:2: search domain \"a..b\" is not a valid domain name"),
                Arguments.of("autopath bad..zone @kubernetes", ":2: autopath: \"bad..zone\" is not a valid domain name"),
                Arguments.of("autopath @kubernetes {\nfallthrough\n}", ":3: autopath: unknown property 'fallthrough'"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("bad")
    void refuses(String line, String message) {
        assertThatThrownBy(() -> parse(line, dir.resolve("host-resolv.conf"))).isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve("Corefile") + message);
    }

    static List<BlockPlan> plan(String corefile) {
        return CorefilePlan.blocks(CorefileParser.parse(corefile, dir.resolve("Corefile"), Map.of()), 53);
    }

    static Stream<Arguments> blocks() {
        String needs = "autopath: @kubernetes needs ";
        return Stream.of(
                Arguments.of(".:53 {\n autopath @kubernetes\n forward . 10.0.0.2\n}", needs + "a kubernetes plugin in this server block"),
                Arguments.of(".:53 {\n autopath @kubernetes\n kubernetes cluster.local {\n  manifests m\n }\n}", needs
                        + "'pods verified' in the kubernetes plugin (" + dir.resolve("Corefile") + ":3), which has pods disabled:"
                        + " only followed pods tell a client's namespace"),
                Arguments.of(".:53 {\n autopath @kubernetes\n kubernetes cluster.local {\n  manifests m\n  pods insecure\n }\n}", needs
                        + "'pods verified' in the kubernetes plugin (" + dir.resolve("Corefile") + ":3), which has pods insecure:"
                        + " only followed pods tell a client's namespace"),
                Arguments.of(".:53 {\n kubernetes cluster.local {\n  manifests m\n  pods verified\n }\n}\ncorp.example:53 {\n"
                        + " autopath @kubernetes\n}", "autopath: @kubernetes needs a kubernetes plugin in this server block"));
    }

    /**
     * Such a Corefile starts, as CoreDNS's does (refusing it would crash-loop a Deployment whose
     * image is swapped); the line is warned about and passes every query on.
     */
    @ParameterizedTest(name = "{1}")
    @MethodSource("blocks")
    void kubernetesWithoutTheBlocksKubernetesPluginWithVerifiedPodsStartsInactive(String corefile, String message) {
        List<BlockPlan> blocks = plan(corefile);
        BlockPlan withAutopath = blocks.stream().filter(b -> b.plugin(AutopathConfig.class).isPresent()).findFirst().orElseThrow();
        assertThat("autopath: " + AutopathSetup.inactive(withAutopath.plugins())).isEqualTo(message);
    }

    @Test
    void comesBeforeKubernetesAndForwardInTheChain() {
        BlockPlan b = plan("""
                .:53 {
                    forward . 10.0.0.2
                    kubernetes cluster.local {
                        manifests m
                        pods verified
                    }
                    cache 30
                    autopath @kubernetes
                }
                """).get(0);
        assertThat(b.plugins()).extracting(c -> c.name()).containsExactly("cache", "autopath", "kubernetes", "forward");
        assertThat(b.plugin(AutopathConfig.class).orElseThrow().kubernetes()).isTrue();
        assertThat(b.plugin(KubernetesConfig.class)).isPresent();
    }
}
