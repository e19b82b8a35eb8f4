package io.clusterdns.server.plugin.rrl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plan.CorefilePlan;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;

/**
 * {@code rrl} lines as CoreDNS's rrl plugin reads them, from line 2 of a {@code cluster.local:53}
 * block of {@code /etc/coredns/Corefile}, options on the lines after: defaults, each option, the
 * per-type allowances defaulting to responses-per-second, and the exact error of each bad line.
 */
class RrlSetupTest {
    static final Path FILE = Path.of("/etc/coredns/Corefile");
    static final Name CLUSTER = Name.fromConstantString("cluster.local.");
    static final long S = RrlConfig.SECOND;

    static RrlConfig parse(String lines) {
        List<BlockPlan> blocks = CorefilePlan.blocks(CorefileParser.parse("cluster.local:53 {\n" + lines + "\n}\n", FILE, Map.of()), 53);
        return blocks.get(0).plugin(RrlConfig.class).orElseThrow();
    }

    static RrlConfig config(List<Name> zones, long window, int v4, int v6, long responses, long nodata, long nxdomains, long referrals,
                            long errors, long requests, int slip, int max, boolean reportOnly) {
        return new RrlConfig(zones, window, v4, v6, responses, nodata, nxdomains, referrals, errors, requests, slip, max, reportOnly);
    }

    static Stream<Arguments> good() {
        List<Name> block = List.of(CLUSTER);
        return Stream.of(
                Arguments.of("rrl", config(block, 15 * S, 24, 56, 0, 0, 0, 0, 0, 0, 0, 100_000, false)),
                Arguments.of("rrl svc.cluster.local 10.0.0.0/8 {\n}", config(List.of(Name.fromConstantString("svc.cluster.local."),
                        Name.fromConstantString("10.in-addr.arpa.")), 15 * S, 24, 56, 0, 0, 0, 0, 0, 0, 0, 100_000, false)),
                // the per-type allowances follow responses-per-second unless given
                Arguments.of("rrl {\n responses-per-second 10\n nxdomains-per-second 0.5\n}",
                        config(block, 15 * S, 24, 56, S / 10, S / 10, 2 * S, S / 10, S / 10, 0, 0, 100_000, false)),
                Arguments.of("rrl {\n nodata-per-second 4\n referrals-per-second 5\n errors-per-second 8\n responses-per-second 2\n}",
                        config(block, 15 * S, 24, 56, S / 2, S / 4, S / 2, S / 5, S / 8, 0, 0, 100_000, false)),
                Arguments.of("rrl . {\n window 2.5\n ipv4-prefix-length 32\n ipv6-prefix-length 128\n requests-per-second 1000\n"
                                + " slip-ratio 2\n max-table-size 5000\n report-only\n}",
                        config(List.of(Name.root), 2_500_000_000L, 32, 128, 0, 0, 0, 0, 0, S / 1000, 2, 5000, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void readsGoodLines(String lines, RrlConfig expected) {
        assertThat(parse(lines)).isEqualTo(expected);
    }

    static Stream<Arguments> bad() {
        String at3 = FILE + ":3: rrl";
        return Stream.of(
                Arguments.of("rrl {\n window 0\n}", at3 + "/window: must be greater than zero"),
                Arguments.of("rrl {\n window -1\n}", at3 + "/window: cannot be negative, got \"-1\""),
                Arguments.of("rrl {\n window 1h\n}", at3 + "/window: expected a number such as 10 or 0.5, got \"1h\""),
                Arguments.of("rrl {\n window 7200\n}", at3 + "/window: must be at most 3600, got \"7200\""),
                Arguments.of("rrl {\n window\n}", at3 + "/window: wrong argument count: expected 1 argument, got 0"),
                Arguments.of("rrl {\n ipv4-prefix-length 33\n}", at3 + "/ipv4-prefix-length: must be 1..32, got \"33\""),
                Arguments.of("rrl {\n ipv4-prefix-length 0\n}", at3 + "/ipv4-prefix-length: must be 1..32, got \"0\""),
                Arguments.of("rrl {\n ipv6-prefix-length 129\n}", at3 + "/ipv6-prefix-length: must be 1..128, got \"129\""),
                Arguments.of("rrl {\n responses-per-second -5\n}", at3 + "/responses-per-second: cannot be negative, got \"-5\""),
                Arguments.of("rrl {\n nxdomains-per-second lots\n}",
                        at3 + "/nxdomains-per-second: expected a number such as 10 or 0.5, got \"lots\""),
                Arguments.of("rrl {\n requests-per-second 1 2\n}",
                        FILE + ":3: rrl/requests-per-second: wrong argument count: expected 1 argument, got 2"),
                Arguments.of("rrl {\n slip-ratio 11\n}", at3 + "/slip-ratio: must be 0..10, got \"11\""),
                Arguments.of("rrl {\n max-table-size 0\n}", at3 + "/max-table-size: must be 1..10000000, got \"0\""),
                Arguments.of("rrl {\n report-only yes\n}", at3 + "/report-only: wrong argument count: expected no arguments, got 1"),
                Arguments.of("rrl {\n exempt 10.0.0.0/8\n}", at3 + ": unknown property 'exempt'"),
                Arguments.of("rrl bad..zone", FILE + ":2: rrl: \"bad..zone\" is not a valid domain name"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("bad")
    void refusesBadLines(String lines, String message) {
        assertThatThrownBy(() -> parse(lines)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void comesBeforeTheCacheAndAclInTheChain() {
        BlockPlan block = CorefilePlan.blocks(CorefileParser.parse(
                "cluster.local:53 {\n cache\n acl\n rrl\n errors\n}\n", FILE, Map.of()), 53).get(0);
        assertThat(block.plugins()).extracting(c -> c.name()).containsExactly("errors", "rrl", "acl", "cache");
    }
}
