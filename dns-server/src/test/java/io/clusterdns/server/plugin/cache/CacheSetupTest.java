package io.clusterdns.server.plugin.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.plan.CorefilePlan;
import io.clusterdns.server.plan.BlockPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;

/**
 * {@code cache} lines as CoreDNS 1.12 reads them: defaults, every option, and the exact error of
 * each bad line. Every line sits in a {@code .:53} block at line 2 of {@code /etc/coredns/Corefile}
 * unless a case says otherwise; its options on the lines after.
 */
class CacheSetupTest {
    static final Path FILE = Path.of("/etc/coredns/Corefile");
    static final Name ROOT = Name.root;
    static final Name CLUSTER = Name.fromConstantString("cluster.local.");
    static final Name ARPA = Name.fromConstantString("in-addr.arpa.");
    static final CacheConfig.Kind SUCCESS = CacheConfig.DEFAULT_SUCCESS;
    static final CacheConfig.Kind DENIAL = CacheConfig.DEFAULT_DENIAL;
    static final Duration SERVFAIL = CacheConfig.DEFAULT_SERVFAIL;

    static CacheConfig config(List<Name> zones, CacheConfig.Kind success, CacheConfig.Kind denial) {
        return new CacheConfig(zones, success, denial, SERVFAIL, CacheConfig.Prefetch.OFF, CacheConfig.ServeStale.OFF, List.of(),
                List.of(), false);
    }

    static CacheConfig defaults() {
        return CacheConfig.defaults(List.of(ROOT));
    }

    /** The cache line of a {@code .:53} block ({@code line} may hold an options block). */
    static CacheConfig parse(String line) {
        return parse(".:53", line);
    }

    static CacheConfig parse(String key, String line) {
        Directive d = CorefileParser.parse(key + " {\n" + line + "\n}\n", FILE, Map.of()).blocks().get(0).directives().get(0);
        Name zone = key.startsWith(".") ? ROOT : Name.fromConstantString(key.substring(0, key.indexOf(':')) + ".");
        return CacheSetup.parse(d, List.of(zone));
    }

    static Stream<Arguments> good() {
        CacheConfig d = defaults();
        return Stream.of(
                Arguments.of("cache", d),
                Arguments.of("cache {\n}", d),
                Arguments.of("cache 30", config(List.of(ROOT), new CacheConfig.Kind(10000, 30, 5), new CacheConfig.Kind(10000, 30, 5))),
                Arguments.of("cache +30", config(List.of(ROOT), new CacheConfig.Kind(10000, 30, 5), new CacheConfig.Kind(10000, 30, 5))),
                Arguments.of("cache cluster.local IN-ADDR.ARPA.", config(List.of(CLUSTER, ARPA), SUCCESS, DENIAL)),
                Arguments.of("cache 10 10.0.0.0/8", config(List.of(Name.fromConstantString("10.in-addr.arpa.")),
                        new CacheConfig.Kind(10000, 10, 5), new CacheConfig.Kind(10000, 10, 5))),
                Arguments.of("cache {\nsuccess 5000\n}", config(List.of(ROOT), new CacheConfig.Kind(5000, 3600, 5), DENIAL)),
                Arguments.of("cache 30 {\nsuccess 5000 60 1\ndenial 100 10 0\n}",
                        config(List.of(ROOT), new CacheConfig.Kind(5000, 60, 1), new CacheConfig.Kind(100, 10, 0))),
                Arguments.of("cache 30 {\nsuccess 0\n}", config(List.of(ROOT), new CacheConfig.Kind(0, 30, 5), new CacheConfig.Kind(10000, 30, 5))),
                Arguments.of("cache {\nsuccess 1 2 3 ignored\n}", config(List.of(ROOT), new CacheConfig.Kind(1, 2, 3), DENIAL)),
                Arguments.of("cache {\nprefetch 10\n}", with(d, new CacheConfig.Prefetch(10, Duration.ofMinutes(1), 10))),
                Arguments.of("cache {\nprefetch 0\n}", with(d, new CacheConfig.Prefetch(0, Duration.ofMinutes(1), 10))),
                Arguments.of("cache {\nprefetch 2 30s 50%\n}", with(d, new CacheConfig.Prefetch(2, Duration.ofSeconds(30), 50))),
                Arguments.of("cache {\nserve_stale\n}", with(d, new CacheConfig.ServeStale(Duration.ofHours(1), false))),
                Arguments.of("cache {\nserve_stale 10m VERIFY\n}", with(d, new CacheConfig.ServeStale(Duration.ofMinutes(10), true))),
                Arguments.of("cache {\nserve_stale 1h immediate\n}", with(d, new CacheConfig.ServeStale(Duration.ofHours(1), false))),
                Arguments.of("cache {\nservfail 0\n}", withServfail(d, Duration.ZERO)),
                Arguments.of("cache {\nservfail 5m\n}", withServfail(d, Duration.ofMinutes(5))),
                Arguments.of("cache {\nkeepttl\n}", new CacheConfig(d.zones(), SUCCESS, DENIAL, SERVFAIL, CacheConfig.Prefetch.OFF,
                        CacheConfig.ServeStale.OFF, List.of(), List.of(), true)),
                Arguments.of("cache {\ndisable success\n}", new CacheConfig(d.zones(), SUCCESS, DENIAL, SERVFAIL, CacheConfig.Prefetch.OFF,
                        CacheConfig.ServeStale.OFF, List.of(ROOT), List.of(), false)),
                Arguments.of("cache {\ndisable denial a.example b.example\ndisable denial Cluster.Local\n}", new CacheConfig(d.zones(),
                        SUCCESS, DENIAL, SERVFAIL, CacheConfig.Prefetch.OFF, CacheConfig.ServeStale.OFF, List.of(), List.of(CLUSTER), false)));
    }

    static CacheConfig with(CacheConfig c, CacheConfig.Prefetch p) {
        return new CacheConfig(c.zones(), c.success(), c.denial(), c.servfail(), p, c.serveStale(), c.disableSuccess(), c.disableDenial(),
                c.keepTtl());
    }

    static CacheConfig with(CacheConfig c, CacheConfig.ServeStale s) {
        return new CacheConfig(c.zones(), c.success(), c.denial(), c.servfail(), c.prefetch(), s, c.disableSuccess(), c.disableDenial(),
                c.keepTtl());
    }

    static CacheConfig withServfail(CacheConfig c, Duration servfail) {
        return new CacheConfig(c.zones(), c.success(), c.denial(), servfail, c.prefetch(), c.serveStale(), c.disableSuccess(),
                c.disableDenial(), c.keepTtl());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void readsGoodLines(String line, CacheConfig expected) {
        assertThat(parse(line)).isEqualTo(expected);
    }

    static Stream<Arguments> bad() {
        String at2 = FILE + ":2: cache: ";
        String at3 = FILE + ":3: cache/";
        return Stream.of(
                Arguments.of("cache 0", at2 + "cache TTL can not be zero or negative: 0"),
                Arguments.of("cache -5 cluster.local", at2 + "cache TTL can not be zero or negative: -5"),
                Arguments.of("cache 99999999999999999999", at2 + "TTL is out of range, got \"99999999999999999999\""),
                Arguments.of("cache 4294967296", at2 + "TTL must be at most 2147483647, got \"4294967296\""),
                Arguments.of("cache 30 bad..zone", at2 + "\"bad..zone\" is not a valid domain name"),
                Arguments.of("cache {\nsuccess\n}", at3 + "success: Wrong argument count or unexpected line ending after 'success'"),
                Arguments.of("cache {\nsuccess lots\n}", at3 + "success: capacity must be a whole number, got \"lots\""),
                Arguments.of("cache {\nsuccess 10 0\n}", at3 + "success: cache TTL can not be zero or negative: 0"),
                Arguments.of("cache {\ndenial 10 30 -1\n}", at3 + "denial: cache min TTL can not be negative: -1"),
                Arguments.of("cache {\ndenial 10 1m\n}", at3 + "denial: TTL must be a whole number, got \"1m\""),
                Arguments.of("cache {\nprefetch\n}", at3 + "prefetch: Wrong argument count or unexpected line ending after 'prefetch'"),
                Arguments.of("cache {\nprefetch 1 1m 10% more\n}",
                        at3 + "prefetch: Wrong argument count or unexpected line ending after 'more'"),
                Arguments.of("cache {\nprefetch -1\n}", at3 + "prefetch: prefetch amount should be positive: -1"),
                Arguments.of("cache {\nprefetch 1 soon\n}",
                        at3 + "prefetch: expected a duration like 500ms, 30s, 1m30s or 2h, got \"soon\""),
                Arguments.of("cache {\nprefetch 1 1m 10\n}", at3 + "prefetch: last character of percentage should be `%`, but is: '0'"),
                Arguments.of("cache {\nprefetch 1 1m 5%\n}", at3 + "prefetch: percentage should fall in range [10, 90]: 5"),
                Arguments.of("cache {\nprefetch 1 1m 95%\n}", at3 + "prefetch: percentage should fall in range [10, 90]: 95"),
                Arguments.of("cache {\nserve_stale -1h\n}", at3 + "serve_stale: invalid negative duration for serve_stale"),
                Arguments.of("cache {\nserve_stale 1h later\n}", at3 + "serve_stale: invalid value for serve_stale refresh mode: later"),
                Arguments.of("cache {\nserve_stale 1h verify 5s\n}",
                        at3 + "serve_stale: Wrong argument count or unexpected line ending after '5s'"),
                Arguments.of("cache {\nservfail\n}", at3 + "servfail: Wrong argument count or unexpected line ending after 'servfail'"),
                Arguments.of("cache {\nservfail -1s\n}", at3 + "servfail: invalid negative ttl for servfail"),
                Arguments.of("cache {\nservfail 6m\n}", at3 + "servfail: caching SERVFAIL responses over 5 minutes is not permitted"),
                Arguments.of("cache {\ndisable\n}", at3 + "disable: Wrong argument count or unexpected line ending after 'disable'"),
                Arguments.of("cache {\ndisable everything\n}", at3 + "disable: cache type for disable must be \"success\" or \"denial\""),
                Arguments.of("cache {\ndisable success a..b\n}", at3 + "disable: invalid disabled zone: a..b"),
                Arguments.of("cache {\nkeepttl yes\n}", at3 + "keepttl: Wrong argument count or unexpected line ending after 'yes'"),
                Arguments.of("cache {\nsize 100\n}", at3 + "size: Wrong argument count or unexpected line ending after 'size'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void rejectsBadLinesWithCoreDnsReasons(String line, String error) {
        assertThatThrownBy(() -> parse(line)).isInstanceOf(ConfigException.class).hasMessage(error);
    }

    @Test
    void zonesDefaultToTheBlocksAndLabelTheMetrics() {
        CacheConfig c = parse("cluster.local:53", "cache 30");

        assertThat(c.zones()).containsExactly(CLUSTER);
        assertThat(c.zonesLabel()).isEqualTo("cluster.local.");
        assertThat(parse("cache 30 cluster.local in-addr.arpa").zonesLabel()).isEqualTo("cluster.local.,in-addr.arpa.");
        assertThat(parse("cache").zonesLabel()).isEqualTo(".");
    }

    @Test
    void readsKubeadmsCacheThroughTheCorefilePlan() {
        String corefile = """
                .:53 {
                    errors
                    cache 30 {
                       disable success cluster.local
                       disable denial cluster.local
                    }
                }
                """;
        List<BlockPlan> blocks = CorefilePlan.blocks(CorefileParser.parse(corefile, FILE, Map.of()), 53);

        CacheConfig c = blocks.get(0).plugin(CacheConfig.class).orElseThrow();
        assertThat(c).isEqualTo(new CacheConfig(List.of(ROOT), new CacheConfig.Kind(10000, 30, 5), new CacheConfig.Kind(10000, 30, 5),
                SERVFAIL, CacheConfig.Prefetch.OFF, CacheConfig.ServeStale.OFF, List.of(CLUSTER), List.of(CLUSTER), false));
        assertThat(blocks.get(0).plugins()).extracting(p -> p.name()).containsExactly("errors", "cache");
    }

    @Test
    void isAllowedOncePerBlock() {
        String corefile = ".:53 {\ncache\ncache 30\n}\n";

        assertThatThrownBy(() -> CorefilePlan.blocks(CorefileParser.parse(corefile, FILE, Map.of()), 53))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(FILE + ":3: cache: this plugin can only be used once per server block");
    }
}
