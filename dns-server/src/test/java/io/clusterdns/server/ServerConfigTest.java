package io.clusterdns.server;

import io.clusterdns.server.plugin.kubernetes.SourceConfig;
import io.clusterdns.server.http.HttpConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.config.Durations;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.informer.InformerConfig;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.resolver.PodMode;
import io.clusterdns.resolver.ResolverConfig;
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
    static final SourceConfig SOURCE = SourceConfig.of(new ClusterSourceSpec.Manifests(List.of(MANIFESTS)));
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void defaults() {
        ServerConfig c = ServerConfig.defaults(MANIFESTS);

        assertThat(c.listen()).hasToString("127.0.0.1:1053");
        assertThat(c.zones()).containsExactly(Name.fromConstantString("cluster.local."), Name.fromConstantString("in-addr.arpa."),
                Name.fromConstantString("ip6.arpa."));
        assertThat(c.tcpIdleTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.effectiveUdpSockets()).isEqualTo(Math.min(64, Runtime.getRuntime().availableProcessors()));
        assertThat(c.resolver()).isEqualTo(new ResolverConfig(ServerConfig.DEFAULT_ZONES, 5, PodMode.DISABLED, Set.of(), false, false));
    }

    @Test
    void defaultsOfTheClusterSide() {
        ServerConfig c = ServerConfig.defaults(SourceConfig.of(new ClusterSourceSpec.Api(ClusterConnection.inCluster())));

        assertThat(c.startupTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.http()).isEqualTo(HttpConfig.defaults(ServerConfig.DEFAULT_LISTEN.address()));
        assertThat(c.http().lameduck()).isZero();
        assertThat(c.source().informers(InformerConfig.of(ClusterConnection.inCluster()), c.resolver().podMode()))
                .isEqualTo(InformerConfig.of(ClusterConnection.inCluster()));
    }

    @Test
    void nullsMeanDefaults() {
        ServerConfig c = new ServerConfig(SOURCE, null, null, null, 0, null, null);

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
        Function<String, Object> idle = t -> Durations.parseOrSeconds("--tcp-idle-timeout", t);
        Function<String, Object> sockets = ServerConfig::parseUdpSockets;
        Function<String, Object> startup = t -> Durations.parseOrSeconds("--startup-timeout", t);
        Function<String, Object> health = t -> HttpConfig.parseAddress("--health", t, LOOPBACK, 8080);
        Function<String, Object> metrics = t -> HttpConfig.parseAddress("--metrics", t, LOOPBACK, 9153);
        return Stream.of(
                ok("--startup-timeout", "0s", startup, Duration.ZERO),
                ok("--startup-timeout", "5s", startup, Duration.ofSeconds(5)),
                ok("--startup-timeout", "1500ms", startup, Duration.ofMillis(1500)),
                bad("--startup-timeout", "-1s", startup, "expected a duration like 500ms, 30s, 1m30s or 2h (or whole seconds), got \"-1s\""),
                ok("--health", null, health, Optional.of(ListenAddress.of("127.0.0.1:8080"))),
                ok("--health", "off", health, Optional.empty()),
                ok("--health", " OFF ", health, Optional.empty()),
                ok("--health", ":8080", health, Optional.of(ListenAddress.of("0.0.0.0:8080"))),
                ok("--health", "[::1]:0", health, Optional.of(ListenAddress.of("[::1]:0"))),
                bad("--health", "8080", health, "expected ADDR:PORT like 127.0.0.1:8080, [::1]:8080 or :8080, got \"8080\""),
                ok("--metrics", null, metrics, Optional.of(ListenAddress.of("127.0.0.1:9153"))),
                bad("--metrics", "disabled", metrics, "expected ADDR:PORT like 127.0.0.1:9153, [::1]:9153 or :9153, got \"disabled\""),
                ok("--ttl", "0", ttl, 0L),
                ok("--ttl", "3600", ttl, 3600L),
                bad("--ttl", "-1", ttl, "must be 0..3600, got \"-1\""),
                bad("--ttl", "9000", ttl, "must be 0..3600, got \"9000\""),
                bad("--ttl", "5s", ttl, "expected a whole number, got \"5s\""),
                bad("--ttl", "", ttl, "expected a whole number, got \"\""),
                ok("--pods", "disabled", pods, PodMode.DISABLED),
                ok("--pods", "Insecure", pods, PodMode.INSECURE),
                ok("--pods", "verified", pods, PodMode.VERIFIED),
                bad("--pods", "on", pods, "must be disabled, insecure or verified, got \"on\""),
                ok("--zone", "cluster.local", zone, List.of(Name.fromConstantString("cluster.local."))),
                ok("--zone", "Example.Cluster.", zone, List.of(Name.fromConstantString("example.cluster."))),
                bad("--zone", "a..b", zone, "invalid zone \"a..b\""),
                bad("--zone", "", zone, "invalid zone \"\""),
                bad("--zone", "in-addr.arpa", zone, "a forward zone such as cluster.local is required besides reverse zones"),
                ok("--namespaces", "default", namespaces, Set.of("default")),
                ok("--namespaces", "default, kube-system", namespaces, Set.of("default", "kube-system")),
                bad("--namespaces", "a,,b", namespaces, "empty namespace name in \"a,,b\""),
                bad("--namespaces", "Default", namespaces, "\"Default\" is not a valid namespace name"),
                bad("--namespaces", "a".repeat(64), namespaces, "\"" + "a".repeat(64) + "\" is not a valid namespace name"),
                ok("--tcp-idle-timeout", "10s", idle, Duration.ofSeconds(10)),
                ok("--tcp-idle-timeout", "10", idle, Duration.ofSeconds(10)),
                ok("--tcp-idle-timeout", "250ms", idle, Duration.ofMillis(250)),
                ok("--tcp-idle-timeout", "2m", idle, Duration.ofMinutes(2)),
                ok("--tcp-idle-timeout", "1h", idle, Duration.ofHours(1)),
                bad("--tcp-idle-timeout", "soon", idle, "expected a duration like 500ms, 30s, 1m30s or 2h (or whole seconds), got \"soon\""),
                bad("--tcp-idle-timeout", "10d", idle, "expected a duration like 500ms, 30s, 1m30s or 2h (or whole seconds), got \"10d\""),
                ok("--udp-sockets", "4", sockets, 4),
                bad("--udp-sockets", "four", sockets, "expected a whole number, got \"four\""),
                bad("--udp-sockets", "65", sockets, "must be 0..64 (0 = one per CPU), got \"65\""));
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

    /** Values that parse but break the record's invariants; the messages never show a java.time text. */
    static Stream<Object[]> invalidRecords() {
        return Stream.of(
                new Object[] {"no source", (Runnable) () -> new ServerConfig(null, null, null, null, 0, null, null), "source"},
                new Object[] {"idle 0", (Runnable) () -> ServerConfig.defaults(SOURCE).withTcpIdleTimeout(Duration.ZERO),
                        "--tcp-idle-timeout: must be 1ms..1h, got \"0s\""},
                new Object[] {"idle 2h", (Runnable) () -> ServerConfig.defaults(SOURCE).withTcpIdleTimeout(Duration.ofHours(2)),
                        "--tcp-idle-timeout: must be 1ms..1h, got \"2h\""},
                new Object[] {"65 udp sockets", (Runnable) () -> new ServerConfig(SOURCE, null, null, null, 65, null, null),
                        "--udp-sockets: must be 0..64 (0 = one per CPU), got 65"},
                new Object[] {"startup timeout -1s", (Runnable) () -> ServerConfig.defaults(SOURCE).withStartupTimeout(Duration.ofSeconds(-1)),
                        "--startup-timeout: must be 0s..10m, got \"-1s\""},
                new Object[] {"startup timeout 1h", (Runnable) () -> ServerConfig.defaults(SOURCE).withStartupTimeout(Duration.ofHours(1)),
                        "--startup-timeout: must be 0s..10m, got \"1h\""},
                new Object[] {"lameduck -1s", (Runnable) () -> HttpConfig.off().withLameduck(Duration.ofSeconds(-1)),
                        "--lameduck: must be 0s..10m, got \"-1s\""},
                new Object[] {"labels with manifests", (Runnable) () -> new SourceConfig(new ClusterSourceSpec.Manifests(List.of(MANIFESTS)),
                        "app=web", null, true), "--manifests: cannot be combined with --labels, --noendpoints: they choose what is watched on an API server"},
                new Object[] {"bad labels", (Runnable) () -> new SourceConfig(new ClusterSourceSpec.Api(ClusterConnection.inCluster()), "app=web!", null, false),
                        "--labels: \"app=web!\": \"app=web!\" has an invalid label value \"web!\" (at most 63 letters, digits, '-', '_', '.', starting and ending alphanumeric)"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRecords")
    void rejectsInvalidValues(String name, Runnable build, String message) {
        if (name.equals("no source")) {
            assertThatThrownBy(build::run).isInstanceOf(NullPointerException.class).hasMessage(message);
        } else {
            assertThatThrownBy(build::run).isInstanceOf(ConfigException.class).hasMessage(message);
        }
    }

    @Test
    void composesTheResolverConfigUnchanged() {
        ResolverConfig resolver = new ResolverConfig(List.of(Name.fromConstantString("k8s.example."),
                Name.fromConstantString("10.in-addr.arpa.")), 30, PodMode.VERIFIED, Set.of("prod"), true, true);
        ServerConfig c = new ServerConfig(SOURCE, ListenAddress.of("[::1]:53"), resolver, Duration.ofSeconds(3), 2, null, null);

        assertThat(c.resolver()).isSameAs(resolver);
        assertThat(c.zones()).containsExactlyElementsOf(resolver.zones());
        assertThat(c.effectiveUdpSockets()).isEqualTo(2);
    }
}
