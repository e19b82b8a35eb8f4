package io.clusterdns.server.plugin.multicluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.resolver.ClusterSetConfig;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plan.CorefilePlan;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import io.clusterdns.server.plugin.kubernetes.SourceConfig;
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
import org.xbill.DNS.Name;

/**
 * {@code multicluster} lines as CoreDNS's multicluster plugin reads them (plus {@code ttl}), the
 * exact error of each bad line, and the source each ends up following. Every line sits in a
 * {@code .:53} block at line 2 of {@code /etc/coredns/Corefile}; its options on the lines after.
 */
class MulticlusterSetupTest {
    static final Path FILE = Path.of("/etc/coredns/Corefile");
    static final Name CLUSTERSET = Name.fromConstantString("clusterset.local.");
    static final Name ROOT = Name.root;

    @TempDir
    static Path dir;

    static MulticlusterConfig parse(String line) {
        Directive d = CorefileParser.parse(".:53 {\n" + line + "\n}\n", FILE, Map.of()).blocks().get(0).directives().get(0);
        return MulticlusterSetup.parse(d, List.of(ROOT), dir);
    }

    static MulticlusterConfig unlinked(List<Name> zones, long ttl, boolean noEndpoints, Fallthrough fallthrough) {
        return new MulticlusterConfig(new ClusterSetConfig(zones, ttl, noEndpoints), fallthrough, null, FILE + ":2");
    }

    static Stream<Arguments> good() {
        return Stream.of(
                Arguments.of("multicluster clusterset.local", unlinked(List.of(CLUSTERSET), 5, false, Fallthrough.NONE)),
                Arguments.of("multicluster", unlinked(List.of(ROOT), 5, false, Fallthrough.NONE)),
                Arguments.of("multicluster ClusterSet.Local. clusterset.local {\n}", unlinked(List.of(CLUSTERSET), 5, false, Fallthrough.NONE)),
                Arguments.of("multicluster clusterset.local {\nnoendpoints\n}", unlinked(List.of(CLUSTERSET), 5, true, Fallthrough.NONE)),
                Arguments.of("multicluster clusterset.local {\nfallthrough\n}", unlinked(List.of(CLUSTERSET), 5, false, Fallthrough.ALL)),
                Arguments.of("multicluster clusterset.local {\nfallthrough example.org\nttl 30\n}", unlinked(List.of(CLUSTERSET), 30, false,
                        new Fallthrough(List.of(Name.fromConstantString("example.org."))))),
                Arguments.of("multicluster clusterset.local {\nttl 0\n}", unlinked(List.of(CLUSTERSET), 0, false, Fallthrough.NONE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void readsGoodLines(String line, MulticlusterConfig expected) {
        assertThat(parse(line)).isEqualTo(expected);
    }

    @Test
    void aKubeconfigOfItsOwnIsFollowedAloneWithTheClustersetKinds() throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
        MulticlusterConfig m = parse("multicluster clusterset.local {\nkubeconfig kubeconfig east\nnoendpoints\n}");
        SourceConfig own = new SourceConfig(new ClusterSourceSpec.Api(new ClusterConnection(null, kubeconfig, "east")), null, null, true,
                SourceConfig.ClusterSet.IMPORTS);
        assertThat(m.source()).isEqualTo(own);
        assertThat(m.backend()).isEqualTo(new KubernetesConfig.Backend(own));
    }

    static Stream<Arguments> bad() {
        String at2 = FILE + ":2: multicluster: ";
        String at3 = FILE + ":3: multicluster/";
        return Stream.of(
                Arguments.of("multicluster in-addr.arpa", at2 + "zone in-addr.arpa. is a reverse zone: the clusterset zone has no PTR records"
                        + " (the kubernetes plugin answers reverse lookups of cluster addresses)"),
                Arguments.of("multicluster clusterset..local", at2 + "\"clusterset..local\" is not a valid domain name"),
                Arguments.of("multicluster {\nkubeconfig\n}", at3 + "kubeconfig: wrong argument count: expected 1..2 arguments, got 0"),
                Arguments.of("multicluster {\nkubeconfig a b c\n}", at3 + "kubeconfig: wrong argument count: expected 1..2 arguments, got 3"),
                Arguments.of("multicluster {\nkubeconfig nowhere.yaml\n}", at3 + "kubeconfig: no such file or folder: nowhere.yaml"),
                Arguments.of("multicluster {\nnoendpoints yes\n}", at3 + "noendpoints: wrong argument count: expected no arguments, got 1"),
                Arguments.of("multicluster {\nfallthrough bad..zone\n}", at3 + "fallthrough: \"bad..zone\" is not a valid domain name"),
                Arguments.of("multicluster {\nttl 3601\n}", at3 + "ttl: must be 0..3600, got \"3601\""),
                Arguments.of("multicluster {\nttl soon\n}", at3 + "ttl: expected a whole number, got \"soon\""),
                Arguments.of("multicluster {\nendpoint http://127.0.0.1:8001\n}", FILE + ":3: multicluster: unknown property 'endpoint'"),
                Arguments.of("multicluster {\npods verified\n}", FILE + ":3: multicluster: unknown property 'pods'"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("bad")
    void refusesBadLines(String line, String message) {
        assertThatThrownBy(() -> parse(line)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    static List<BlockPlan> plan(String corefile) throws Exception {
        Path file = Files.writeString(dir.resolve("Corefile"), corefile);
        return CorefilePlan.blocks(CorefileParser.parse(corefile, file, Map.of()), 53);
    }

    /** One source for both zones: the kubernetes plugin's, which then also watches ServiceImports (and their slices). */
    @Test
    void followsTheKubernetesPluginOfItsBlock() throws Exception {
        Files.createDirectories(dir.resolve("m"));
        BlockPlan block = plan("""
                .:53 {
                    multicluster clusterset.local
                    kubernetes cluster.local {
                        manifests m
                        pods verified
                    }
                }
                """).get(0);
        KubernetesConfig k = block.plugin(KubernetesConfig.class).orElseThrow();
        MulticlusterConfig m = block.plugin(MulticlusterConfig.class).orElseThrow();
        assertThat(m.backend()).isEqualTo(k.backend());
        assertThat(m.backend().watchPods()).isTrue();
        assertThat(block.plugins()).extracting(c -> c.name()).containsExactly("kubernetes", "multicluster");

        BlockPlan api = plan("""
                .:53 {
                    kubernetes cluster.local {
                        endpoint http://127.0.0.1:8001
                        labels app=web
                    }
                    multicluster clusterset.local {
                        noendpoints
                    }
                }
                """).get(0);
        KubernetesConfig shared = api.plugin(KubernetesConfig.class).orElseThrow();
        assertThat(shared.source().clusterSet()).isEqualTo(SourceConfig.ClusterSet.IMPORTS);
        assertThat(shared.source().labels()).isEqualTo("app=web");
        assertThat(api.plugin(MulticlusterConfig.class).orElseThrow().backend()).isEqualTo(shared.backend());
    }

    /** Without a kubernetes plugin or a kubeconfig: the pod's service account, as CoreDNS connects in-cluster. */
    @Test
    void aloneItFollowsTheClusterItRunsIn() throws Exception {
        List<BlockPlan> blocks = plan("""
                clusterset.local:53 {
                    multicluster
                }
                cluster.local:53 {
                    kubernetes
                }
                """);
        MulticlusterConfig m = blocks.get(0).plugin(MulticlusterConfig.class).orElseThrow();
        assertThat(m.clusterSet().zones()).containsExactly(CLUSTERSET);
        assertThat(m.source()).isEqualTo(new SourceConfig(new ClusterSourceSpec.Api(ClusterConnection.inCluster()), null, null, true,
                SourceConfig.ClusterSet.IMPORTS_AND_SLICES));
        // the other block's kubernetes plugin is left as it was: it watches no ServiceImports
        assertThat(blocks.get(1).plugin(KubernetesConfig.class).orElseThrow().source().clusterSet()).isEqualTo(SourceConfig.ClusterSet.NONE);
    }
}
