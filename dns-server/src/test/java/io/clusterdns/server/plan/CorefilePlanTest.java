package io.clusterdns.server.plan;

import io.clusterdns.server.listen.Wildcard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.resolver.PodMode;
import io.clusterdns.server.chain.PluginConfig;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.plugin.health.HealthConfig;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import io.clusterdns.server.plugin.log.LogConfig;
import io.clusterdns.server.plugin.prometheus.PrometheusConfig;
import io.clusterdns.server.plugin.reload.ReloadConfig;
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

/** Corefile → validated server blocks: keys, plugin order, every plugin's setup, and the errors a Corefile can hold. */
class CorefilePlanTest {
    @TempDir
    static Path dir;

    static List<BlockPlan> plan(String corefile) {
        return CorefilePlan.blocks(CorefileParser.parse(corefile, dir.resolve("Corefile"), Map.of()), 53);
    }

    static List<String> names(BlockPlan b) {
        return b.plugins().stream().map(PluginConfig::name).toList();
    }

    @Test
    void kubeadmsCorefileBecomesOneBlockInPluginOrder() throws Exception {
        Files.createDirectories(dir.resolve("m"));
        BlockPlan b = plan("""
                .:53 {
                    errors
                    health {
                       lameduck 5s
                    }
                    ready
                    kubernetes cluster.local in-addr.arpa ip6.arpa {
                       manifests m
                       pods insecure
                       fallthrough in-addr.arpa ip6.arpa
                       ttl 30
                    }
                    prometheus :9153
                    loop
                    reload
                    loadbalance
                }
                """).get(0);

        assertThat(b.keys()).containsExactly(new ZoneKey(Name.root, 53));
        // plugin.cfg order, not the written one
        assertThat(names(b)).containsExactly("reload", "ready", "health", "prometheus", "errors", "loadbalance", "kubernetes", "loop");
        KubernetesConfig k = b.plugin(KubernetesConfig.class).orElseThrow();
        assertThat(k.resolver().zones()).extracting(Name::toString).containsExactly("cluster.local.", "in-addr.arpa.", "ip6.arpa.");
        assertThat(k.resolver().ttl()).isEqualTo(30);
        assertThat(k.resolver().podMode()).isEqualTo(PodMode.INSECURE);
        assertThat(k.fallthrough().through(Name.fromConstantString("1.0.0.10.in-addr.arpa."))).isTrue();
        assertThat(k.fallthrough().through(Name.fromConstantString("nope.default.svc.cluster.local."))).isFalse();
        assertThat(k.source().spec()).isEqualTo(new ClusterSourceSpec.Manifests(List.of(dir.resolve("m"))));
        assertThat(k.startupTimeout()).isEqualTo(Duration.ofSeconds(5));
        KubernetesConfig dual = plan(".:53 {\n kubernetes cluster.local {\n  manifests m\n  pod_cidr 10.32.0.0/16 fd00:32::/56\n }\n}")
                .get(0).plugin(KubernetesConfig.class).orElseThrow();
        assertThat(dual.source().spec()).isEqualTo(new ClusterSourceSpec.Manifests(List.of(dir.resolve("m")),
                io.clusterdns.k8s.manifest.PodCidrs.parse("10.32.0.0/16,fd00:32::/56")));
        assertThat(b.plugin(HealthConfig.class).orElseThrow().lameduck()).isEqualTo(Duration.ofSeconds(5));
        assertThat(b.plugin(HealthConfig.class).orElseThrow().address()).as("every address of both families, as Go's :8080")
                .isEqualTo(Wildcard.on(8080));
        assertThat(b.plugin(PrometheusConfig.class).orElseThrow().address()).isEqualTo(Wildcard.on(9153));
        assertThat(b.plugin(ReloadConfig.class).orElseThrow()).isEqualTo(new ReloadConfig(Duration.ofSeconds(30), Duration.ofSeconds(15)));
    }

    @Test
    void localAnyChaosMinimalAndHostsTakeTheirPlacesInTheChain() {
        BlockPlan b = plan(".:53 {\n hosts {\n  fallthrough\n }\n minimal\n chaos\n cache\n any\n local\n errors\n}").get(0);

        assertThat(names(b)).containsExactly("errors", "local", "any", "chaos", "cache", "minimal", "hosts");
    }

    @Test
    void severalLogLinesAreOnePluginWithRules() {
        BlockPlan b = plan(".:53 {\n log example.org\n log . {\n  class denial\n }\n}").get(0);

        assertThat(names(b)).containsExactly("log");
        assertThat(b.plugin(LogConfig.class).orElseThrow().rules()).hasSize(2);
    }

    @Test
    void keysGiveZonesAndPorts() {
        List<BlockPlan> blocks = plan("dns://example.com:1053 10.0.0.0/8 {\n errors\n}\ncluster.local {\n errors\n}");

        assertThat(blocks.get(0).keys()).containsExactly(new ZoneKey(Name.fromConstantString("example.com."), 1053),
                new ZoneKey(Name.fromConstantString("10.in-addr.arpa."), 53));
        assertThat(blocks.get(1).keys()).containsExactly(new ZoneKey(Name.fromConstantString("cluster.local."), 53));
    }

    static Stream<Arguments> errors() {
        String f = "Corefile:2: ";
        return Stream.of(
                Arguments.of(".:53 {\n proxy . 8.8.8.8\n}", f + "unknown directive 'proxy'"),
                Arguments.of(".:53 {\n dnssec\n}", f + "plugin 'dnssec' is not supported by clusterdns (yet); supported: "
                        + String.join(", ", PluginOrder.ORDER)),
                Arguments.of(".:53 {\n errors\n errors\n}", "Corefile:3: errors: this plugin can only be used once per server block (first at "),
                Arguments.of(".:53 {\n kubernetes cluster.local {\n  ttl 9000\n }\n}", "Corefile:3: kubernetes/ttl: must be 0..3600, got \"9000\""),
                Arguments.of(".:53 {\n kubernetes cluster.local {\n  pod_cidr 10.244.0.1/16\n }\n}",
                        "Corefile:3: kubernetes/pod_cidr: \"10.244.0.1/16\" is not in canonical form (bits set after the prefix)"),
                Arguments.of(".:53 {\n kubernetes cluster.local {\n  cidrs 10.0.0.0/24\n }\n}", "Corefile:3: kubernetes: unknown property 'cidrs'"),
                Arguments.of(".:53 {\n kubernetes cluster.local {\n  pods maybe\n }\n}",
                        "Corefile:3: kubernetes/pods: must be one of disabled, insecure or verified, got \"maybe\""),
                Arguments.of(".:53 {\n kubernetes in-addr.arpa\n}", f + "kubernetes: a forward zone such as cluster.local is required besides reverse zones"),
                Arguments.of(".:53 {\n kubernetes {\n  namespaces a\n  namespace_labels x=y\n }\n}",
                        f + "kubernetes: namespaces and namespace_labels cannot both be set"),
                Arguments.of(".:53 {\n kubernetes {\n  manifests /no/such\n }\n}", "Corefile:3: kubernetes/manifests: no such file or folder: /no/such"),
                Arguments.of(".:53 {\n health :8080 {\n  lameduck soon\n }\n}",
                        "Corefile:3: health/lameduck: expected a duration like 500ms, 30s, 1m30s or 2h, got \"soon\""),
                Arguments.of(".:53 {\n prometheus localhost\n}", f + "prometheus: expected ADDR:PORT like 127.0.0.1:9153, [::1]:9153 or :9153, got \"localhost\""),
                Arguments.of(".:53 {\n reload 1s\n}", f + "reload/interval: must be 2s..24h, got \"1s\""),
                Arguments.of(".:53 {\n log . {\n  class sometimes\n }\n}", "Corefile:3: log/class: invalid class: sometimes (success, denial, error or all)"),
                Arguments.of(".:53 {\n loadbalance weighted w.txt\n}", f + "loadbalance: the weighted policy is not supported by clusterdns (yet); it has round_robin"),
                Arguments.of(".:53 {\n loadbalance round_robin extra\n}", f + "loadbalance: wrong argument count: expected 0..1 arguments, got 2"),
                Arguments.of(".:53 {\n loadbalance random\n}", f + "loadbalance: unknown policy: random (clusterdns has round_robin)"),
                Arguments.of(".:53 {\n loop x\n}", f + "loop: wrong argument count: expected no arguments, got 1"),
                Arguments.of(".:53 {\n errors\n}\n.:53 {\n errors\n}", "Corefile:4: cannot serve dns://.:53 - it is already defined (at "),
                Arguments.of("tls://.:853 {\n errors\n}", "Corefile:1: only dns:// servers are supported, got \"tls://.:853\""),
                Arguments.of(".:abc {\n errors\n}", "Corefile:1: expecting a port after the last colon, got \".:abc\""));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("errors")
    void errorsNameFileLineAndPluginOption(String corefile, String message) {
        assertThatThrownBy(() -> plan(corefile)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith(dir + "/" + message));
    }
}
