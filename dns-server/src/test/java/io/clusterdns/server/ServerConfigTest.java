package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.resolver.PodMode;
import io.clusterdns.resolver.ResolverConfig;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.informer.InformerConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;

class ServerConfigTest {
    static final Path MANIFESTS = Path.of("manifests");
    static final SourceConfig SOURCE = new SourceConfig.Manifests(MANIFESTS);
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void defaults() {
        ServerConfig c = ServerConfig.defaults(MANIFESTS);

        assertThat(c.listen()).hasToString("127.0.0.1:1053");
        assertThat(c.zones()).containsExactly(Name.fromConstantString("cluster.local."), Name.fromConstantString("in-addr.arpa."),
                Name.fromConstantString("ip6.arpa."));
        assertThat(c.ttl()).isEqualTo(5);
        assertThat(c.podMode()).isEqualTo(PodMode.DISABLED);
        assertThat(c.namespaces()).isEmpty();
        assertThat(c.endpointPodNames()).isFalse();
        assertThat(c.ignoreEmptyService()).isFalse();
        assertThat(c.tcpIdleTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.effectiveUdpSockets()).isEqualTo(Math.min(64, Runtime.getRuntime().availableProcessors()));
        assertThat(c.resolverConfig()).isEqualTo(new ResolverConfig(ServerConfig.DEFAULT_ZONES, 5, PodMode.DISABLED, java.util.Set.of(), false, false));
    }

    @Test
    void defaultsOfTheClusterSide() {
        ServerConfig c = ServerConfig.defaults(new SourceConfig.Kubernetes(ClusterConnection.inCluster(), null, null, false));

        assertThat(c.startupTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.http()).isEqualTo(HttpConfig.defaults(ServerConfig.DEFAULT_LISTEN.address()));
        assertThat(c.http().lameduck()).isZero();
        assertThat(((SourceConfig.Kubernetes) c.source()).informerConfig(c.podMode()))
                .isEqualTo(InformerConfig.of(ClusterConnection.inCluster()));
    }

    @Test
    void nullsMeanDefaults() {
        ServerConfig c = new ServerConfig(SOURCE, null, null, 5, null, null, false, false, null, 0, null, null);

        assertThat(c).isEqualTo(ServerConfig.defaults(MANIFESTS));
    }

    /** One row: the option, its text, how to parse it, and the value or the error message expected. */
    record Row(String option, String text, Function<String, Object> parse, Object expected) {
        @Override
        public String toString() {
            return option + " " + text;
        }
    }

    static Row ok(String option, String text, Function<String, Object> parse, Object expected) {
        return new Row(option, text, parse, expected);
    }

    static Row bad(String option, String text, Function<String, Object> parse, String message) {
        return new Row(option, text, parse, new ConfigException(option, message));
    }

    static Stream<Row> rows() {
        Function<String, Object> ttl = ServerConfig::parseTtl;
        Function<String, Object> pods = ServerConfig::parsePodMode;
        Function<String, Object> zone = t -> ServerConfig.parseZones(List.of(t));
        Function<String, Object> namespaces = t -> ServerConfig.parseNamespaces(List.of(t));
        Function<String, Object> idle = t -> ServerConfig.parseDuration("--tcp-idle-timeout", t);
        Function<String, Object> sockets = ServerConfig::parseUdpSockets;
        Function<String, Object> startup = t -> ServerConfig.parseDuration("--startup-timeout", t);
        Function<String, Object> health = t -> HttpConfig.parseAddress("--health", t, LOOPBACK, 8080);
        Function<String, Object> metrics = t -> HttpConfig.parseAddress("--metrics", t, LOOPBACK, 9153);
        return Stream.of(
                ok("--startup-timeout", "0s", startup, Duration.ZERO),
                ok("--startup-timeout", "5s", startup, Duration.ofSeconds(5)),
                ok("--startup-timeout", "1500ms", startup, Duration.ofMillis(1500)),
                bad("--startup-timeout", "-1s", startup, "expected a duration like 10s, 500ms or 2m, got \"-1s\""),
                ok("--health", null, health, Optional.of(ListenAddress.parse("127.0.0.1:8080"))),
                ok("--health", "off", health, Optional.empty()),
                ok("--health", " OFF ", health, Optional.empty()),
                ok("--health", ":8080", health, Optional.of(ListenAddress.parse("0.0.0.0:8080"))),
                ok("--health", "[::1]:0", health, Optional.of(ListenAddress.parse("[::1]:0"))),
                bad("--health", "8080", health, "expected ADDR:PORT like 127.0.0.1:1053, [::1]:1053 or :53, got \"8080\""),
                ok("--metrics", null, metrics, Optional.of(ListenAddress.parse("127.0.0.1:9153"))),
                bad("--metrics", "disabled", metrics, "expected ADDR:PORT like 127.0.0.1:1053, [::1]:1053 or :53, got \"disabled\""),
                ok("--ttl", "0", ttl, 0L),
                ok("--ttl", "3600", ttl, 3600L),
                bad("--ttl", "-1", ttl, "expected a whole number, got \"-1\""),
                bad("--ttl", "5s", ttl, "expected a whole number, got \"5s\""),
                bad("--ttl", "", ttl, "expected a whole number, got \"\""),
                ok("--pods", "disabled", pods, PodMode.DISABLED),
                ok("--pods", "Insecure", pods, PodMode.INSECURE),
                ok("--pods", "verified", pods, PodMode.VERIFIED),
                bad("--pods", "on", pods, "must be disabled, insecure or verified, got \"on\""),
                ok("--zone", "cluster.local", zone, List.of(Name.fromConstantString("cluster.local."))),
                ok("--zone", "Example.Cluster.", zone, List.of(Name.fromConstantString("example.cluster."))),
                ok("--zone", "in-addr.arpa", zone, List.of(Name.fromConstantString("in-addr.arpa."))),
                ok("--zone", "10.in-addr.arpa", zone, List.of(Name.fromConstantString("10.in-addr.arpa."))),
                ok("--zone", "ip6.arpa", zone, List.of(Name.fromConstantString("ip6.arpa."))),
                bad("--zone", "a..b", zone, "invalid zone \"a..b\""),
                bad("--zone", "", zone, "invalid zone \"\""),
                ok("--namespaces", "default", namespaces, Set.of("default")),
                ok("--namespaces", "default, kube-system", namespaces, Set.of("default", "kube-system")),
                bad("--namespaces", "a,,b", namespaces, "empty namespace name in \"a,,b\""),
                ok("--tcp-idle-timeout", "10s", idle, Duration.ofSeconds(10)),
                ok("--tcp-idle-timeout", "10", idle, Duration.ofSeconds(10)),
                ok("--tcp-idle-timeout", "250ms", idle, Duration.ofMillis(250)),
                ok("--tcp-idle-timeout", "2m", idle, Duration.ofMinutes(2)),
                ok("--tcp-idle-timeout", "1h", idle, Duration.ofHours(1)),
                bad("--tcp-idle-timeout", "soon", idle, "expected a duration like 10s, 500ms or 2m, got \"soon\""),
                bad("--tcp-idle-timeout", "10d", idle, "expected a duration like 10s, 500ms or 2m, got \"10d\""),
                ok("--udp-sockets", "4", sockets, 4),
                bad("--udp-sockets", "four", sockets, "expected a whole number, got \"four\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void parsesCommandLineText(Row row) {
        if (row.expected() instanceof ConfigException expected) {
            assertThatThrownBy(() -> row.parse().apply(row.text()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage(expected.getMessage())
                    .extracting(e -> ((ConfigException) e).option()).isEqualTo(row.option());
        } else {
            assertThat(row.parse().apply(row.text())).isEqualTo(row.expected());
        }
    }

    /** Values that parse but break the record's invariants. */
    static Stream<Object[]> invalidRecords() {
        Name cluster = Name.fromConstantString("cluster.local.");
        Name reverse = Name.fromConstantString("in-addr.arpa.");
        return Stream.of(
                new Object[] {"no source", (Runnable) () -> new ServerConfig(null, null, null, 5, null, null, false, false, null, 0, null, null),
                        "--manifests: required: a YAML file or folder of Kubernetes objects, or a cluster to follow"},
                new Object[] {"ttl 9000", config(List.of(cluster), 9000, Set.of(), Duration.ofSeconds(1), 0), "--ttl: must be 0..3600, got 9000"},
                new Object[] {"ttl -1", config(List.of(cluster), -1, Set.of(), Duration.ofSeconds(1), 0), "--ttl: must be 0..3600, got -1"},
                new Object[] {"reverse zones only", config(List.of(reverse), 5, Set.of(), Duration.ofSeconds(1), 0),
                        "--zone: a forward zone such as cluster.local is required besides reverse zones"},
                new Object[] {"zone twice", config(List.of(cluster, cluster), 5, Set.of(), Duration.ofSeconds(1), 0),
                        "--zone: cluster.local. is given twice"},
                new Object[] {"relative zone", config(List.of(Name.fromConstantString("cluster")), 5, Set.of(), Duration.ofSeconds(1), 0),
                        "--zone: zone cluster must be absolute"},
                new Object[] {"bad namespace", config(List.of(cluster), 5, Set.of("Default"), Duration.ofSeconds(1), 0),
                        "--namespaces: \"Default\" is not a valid namespace name"},
                new Object[] {"namespace of 64 characters", config(List.of(cluster), 5, Set.of("a".repeat(64)), Duration.ofSeconds(1), 0),
                        "--namespaces: \"" + "a".repeat(64) + "\" is not a valid namespace name"},
                new Object[] {"idle 0", config(List.of(cluster), 5, Set.of(), Duration.ZERO, 0), "--tcp-idle-timeout: must be 1ms..1h, got PT0S"},
                new Object[] {"idle 2h", config(List.of(cluster), 5, Set.of(), Duration.ofHours(2), 0), "--tcp-idle-timeout: must be 1ms..1h, got PT2H"},
                new Object[] {"65 udp sockets", config(List.of(cluster), 5, Set.of(), Duration.ofSeconds(1), 65),
                        "--udp-sockets: must be 0..64 (0 = one per CPU), got 65"},
                new Object[] {"startup timeout -1s", (Runnable) () -> ServerConfig.defaults(SOURCE).withStartupTimeout(Duration.ofSeconds(-1)),
                        "--startup-timeout: must be 0s..10m, got PT-1S"},
                new Object[] {"startup timeout 1h", (Runnable) () -> ServerConfig.defaults(SOURCE).withStartupTimeout(Duration.ofHours(1)),
                        "--startup-timeout: must be 0s..10m, got PT1H"},
                new Object[] {"lameduck -1s", (Runnable) () -> HttpConfig.off().withLameduck(Duration.ofSeconds(-1)),
                        "--lameduck: must be 0s..10m, got PT-1S"},
                new Object[] {"manifests without a path", (Runnable) () -> new SourceConfig.Manifests(null),
                        "--manifests: required: a YAML file or folder of Kubernetes objects"},
                new Object[] {"bad labels", (Runnable) () -> new SourceConfig.Kubernetes(ClusterConnection.inCluster(), "app=web!", null, false),
                        "--labels: \"app=web!\": \"app=web!\" has an invalid label value \"web!\" (at most 63 letters, digits, '-', '_', '.', starting and ending alphanumeric)"});
    }

    private static Runnable config(List<Name> zones, long ttl, Set<String> namespaces, Duration idle, int sockets) {
        return () -> new ServerConfig(SOURCE, null, zones, ttl, null, namespaces, false, false, idle, sockets, null, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRecords")
    void rejectsInvalidValues(String name, Runnable build, String message) {
        assertThatThrownBy(build::run).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void carriesEverySettingIntoTheResolverConfig() {
        ServerConfig c = new ServerConfig(SOURCE, ListenAddress.parse("[::1]:53"),
                List.of(Name.fromConstantString("k8s.example."), Name.fromConstantString("10.in-addr.arpa.")), 30,
                PodMode.VERIFIED, Set.of("prod"), true, true, Duration.ofSeconds(3), 2, null, null);

        ResolverConfig r = c.resolverConfig();

        assertThat(r.zones()).containsExactlyElementsOf(c.zones());
        assertThat(r.ttl()).isEqualTo(30);
        assertThat(r.podMode()).isEqualTo(PodMode.VERIFIED);
        assertThat(r.namespaces()).containsExactly("prod");
        assertThat(r.endpointPodNames()).isTrue();
        assertThat(r.ignoreEmptyService()).isTrue();
        assertThat(c.effectiveUdpSockets()).isEqualTo(2);
    }
}
