package io.clusterdns.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.agent.model.Cidr;
import io.clusterdns.k8s.model.IpFamily;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Command line → validated configuration: defaults, and a table of bad inputs with their messages. */
class AgentConfigTest {

    static AgentConfig parse(String... args) {
        DiscoveryAgentMain main = new DiscoveryAgentMain(System.out, System.err, () -> null, () -> null);
        new CommandLine(main).parseArgs(args);
        return main.config();
    }

    @Test
    void defaults() {
        AgentConfig c = parse("--manifests", "k8s/examples", "--node-name", "node-1");
        assertThat(c.syncPeriod()).isEqualTo(AgentConfig.DEFAULT_SYNC_PERIOD).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.minSyncPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.masqueradeMark()).isEqualTo(0x4000);
        assertThat(c.healthzBind()).isEqualTo(new HostPort("0.0.0.0", 10256));
        assertThat(c.metricsBind()).isEqualTo(new HostPort("127.0.0.1", 10249));
        assertThat(c.families()).containsExactly(IpFamily.IPV4, IpFamily.IPV6);
        assertThat(c.effectiveServiceCidrs()).isEqualTo(AgentConfig.MANIFEST_SERVICE_CIDRS);
        assertThat(c.nodePortAddresses().matchAll()).isTrue();
        assertThat(c.mode()).isEqualTo(AgentConfig.Mode.RUN);
    }

    @Test
    void everyFlag() {
        AgentConfig c = parse("--kubeconfig", "/etc/kube/config", "--context", "prod", "--node-name", "node-7",
                "--node-ip", "192.0.2.7,2001:db8::7", "--cluster-cidr", "10.244.0.0/16", "--cluster-cidr", "fd00:10:244::/48",
                "--nodeport-addresses", "192.0.2.0/24", "--service-cidr", "10.100.0.0/16", "--masquerade-all",
                "--masquerade-bit", "13", "--sync-period", "1m", "--min-sync-period", "500ms",
                "--healthz-bind-address", "[::]:10256", "--metrics-bind-address", "", "--dry-run");
        assertThat(c.context()).isEqualTo("prod");
        assertThat(c.nodeIP(IpFamily.IPV6).getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(c.clusterCidrs()).containsExactly(Cidr.parse("10.244.0.0/16"), Cidr.parse("fd00:10:244::/48"));
        assertThat(c.nodePortAddresses().cidrs()).containsExactly(Cidr.parse("192.0.2.0/24"));
        assertThat(c.effectiveServiceCidrs()).containsExactly(Cidr.parse("10.100.0.0/16"));
        assertThat(c.masqueradeAll()).isTrue();
        assertThat(c.masqueradeMark()).isEqualTo(0x2000);
        assertThat(c.syncPeriod()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.minSyncPeriod()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.healthzBind()).isEqualTo(new HostPort("::", 10256));
        assertThat(c.metricsBind()).isNull();
        assertThat(c.mode()).isEqualTo(AgentConfig.Mode.DRY_RUN);
        assertThat(c.usesManifests()).isFalse();
    }

    @Test
    void nodeIpsDecideTheFamilies() {
        assertThat(parse("--node-name", "n", "--node-ip", "192.0.2.7").families()).containsExactly(IpFamily.IPV4);
        assertThat(parse("--node-name", "n", "--node-ip", "2001:db8::7").families()).containsExactly(IpFamily.IPV6);
    }

    @Test
    void withAnApiServerNoServiceRangeIsAssumed() {
        assertThat(parse("--node-name", "n", "--master", "https://10.0.0.1:6443").effectiveServiceCidrs()).isEmpty();
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of(List.of("--manifests", "x", "--kubeconfig", "k"), "--manifests cannot be combined with --kubeconfig or --master"),
                Arguments.of(List.of("--context", "c"), "--context needs --kubeconfig"),
                Arguments.of(List.of("--node-ip", "192.0.2.1,192.0.2.2"), "--node-ip: at most one address per IP family"),
                Arguments.of(List.of("--node-ip", "127.0.0.1"), "--node-ip must be a routable address of this node, got 127.0.0.1"),
                Arguments.of(List.of("--node-ip", "node-1.example"), "--node-ip: \"node-1.example\" is not an IP address"),
                Arguments.of(List.of("--cluster-cidr", "10.244.0.0/33"), "--cluster-cidr: \"10.244.0.0/33\" has an invalid prefix length (0..32)"),
                Arguments.of(List.of("--nodeport-addresses", "primary"), "--nodeport-addresses primary needs --node-ip"),
                Arguments.of(List.of("--nodeport-addresses", "primary,10.0.0.0/8", "--node-ip", "10.0.0.1"),
                        "--nodeport-addresses: \"primary\" cannot be combined with CIDRs"),
                Arguments.of(List.of("--masquerade-bit", "32"), "--masquerade-bit must be 0..31, got 32"),
                Arguments.of(List.of("--sync-period", "0"), "--sync-period must be > 0, got 0s"),
                Arguments.of(List.of("--sync-period", "thirty"), "--sync-period: \"thirty\" is not a duration (examples: 30s, 1m, 500ms)"),
                Arguments.of(List.of("--sync-period", "1s", "--min-sync-period", "2s"), "--min-sync-period must be between 0 and --sync-period (1s), got 2s"),
                Arguments.of(List.of("--healthz-bind-address", "::1:10256"), "--healthz-bind-address: \"::1:10256\": write IPv6 addresses in brackets, [::]:PORT"),
                Arguments.of(List.of("--metrics-bind-address", "127.0.0.1"), "--metrics-bind-address: \"127.0.0.1\" is not HOST:PORT"),
                Arguments.of(List.of("--min-sync-period", "1m30s", "--sync-period", "1m"),
                        "--min-sync-period must be between 0 and --sync-period (1m), got 1m30s"),
                Arguments.of(List.of("--dry-run", "--cleanup"), "--dry-run and --cleanup exclude each other"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("bad")
    void badInput(List<String> args, String message) {
        List<String> all = new java.util.ArrayList<>(List.of("--node-name", "node-1"));
        all.addAll(args);
        assertThatThrownBy(() -> parse(all.toArray(String[]::new))).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void badInputExitsWithUsageStatusAndAMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DiscoveryAgentMain main = new DiscoveryAgentMain(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), () -> null, () -> null);
        int code = new CommandLine(main).execute("--node-name", "n", "--masquerade-bit", "40");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("discovery-agent: --masquerade-bit must be 0..31, got 40\n");
    }

    @Test
    void goDurations() {
        assertThat(GoDuration.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDuration.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(GoDuration.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> GoDuration.parse("5")).isInstanceOf(IllegalArgumentException.class);
    }
}
