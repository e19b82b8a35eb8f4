package io.clusterdns.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.NodeNetwork;
import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Command line → validated configuration: defaults, and a table of bad inputs with their messages. */
class AgentConfigTest {

    static AgentConfig parse(String... args) {
        DiscoveryAgentMain main = new DiscoveryAgentMain(System.out, System.err, () -> null, () -> null, Map.of());
        new CommandLine(main).parseArgs(args);
        return main.config();
    }

    @Test
    void defaults() {
        AgentConfig c = parse("--manifests", "../k8s/examples", "--node-name", "node-1");
        assertThat(c.syncPeriod()).isEqualTo(AgentConfig.DEFAULT_SYNC_PERIOD).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.minSyncPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.masqueradeMark()).isEqualTo(0x4000);
        assertThat(c.healthzBind()).isEqualTo(ListenAddress.of("0.0.0.0:10256"));
        assertThat(c.metricsBind()).isEqualTo(ListenAddress.of("127.0.0.1:10249"));
        assertThat(c.startupTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.families()).containsExactly(IpFamily.IPV4, IpFamily.IPV6);
        assertThat(c.effectiveServiceCidrs()).isEqualTo(AgentConfig.MANIFEST_SERVICE_CIDRS);
        assertThat(c.nodePortAddresses().matchAll()).isTrue();
        assertThat(c.mode()).isEqualTo(AgentConfig.Mode.RUN);
    }

    @Test
    void everyFlag() {
        AgentConfig c = parse("--kubeconfig", "../k8s/examples/web.yaml", "--context", "prod", "--node-name", "node-7",
                "--node-ip", "192.0.2.7,2001:db8::7", "--cluster-cidr", "10.244.0.0/16", "--cluster-cidr", "fd00:10:244::/48",
                "--nodeport-addresses", "192.0.2.0/24", "--service-cidr", "10.100.0.0/16", "--masquerade-all",
                "--masquerade-bit", "13", "--sync-period", "1m", "--min-sync-period", "500ms",
                "--healthz-bind-address", "[::]:10256", "--metrics-bind-address", "", "--startup-timeout", "2m", "--dry-run");
        assertThat(((ClusterSourceSpec.Api) c.source()).connection().context()).isEqualTo("prod");
        assertThat(c.nodeNetwork().nodeIP(IpFamily.IPV6).getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(c.clusterCidrs()).containsExactly(Cidr.parse("10.244.0.0/16"), Cidr.parse("fd00:10:244::/48"));
        assertThat(c.nodePortAddresses().cidrs()).containsExactly(Cidr.parse("192.0.2.0/24"));
        assertThat(c.effectiveServiceCidrs()).containsExactly(Cidr.parse("10.100.0.0/16"));
        assertThat(c.masqueradeAll()).isTrue();
        assertThat(c.masqueradeMark()).isEqualTo(0x2000);
        assertThat(c.syncPeriod()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.minSyncPeriod()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.healthzBind()).isEqualTo(ListenAddress.of("[::]:10256"));
        assertThat(c.metricsBind()).isNull();
        assertThat(c.startupTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.mode()).isEqualTo(AgentConfig.Mode.DRY_RUN);
        assertThat(c.usesManifests()).isFalse();
    }

    @Test
    void nodeNetworkCarriesTheSettingsInEffect() {
        AgentConfig c = parse("--manifests", "../k8s/examples", "--node-name", "node-1", "--node-ip", "192.0.2.7",
                "--cluster-cidr", "10.244.0.0/16", "--nodeport-addresses", "primary", "--masquerade-bit", "3",
                "--endpoint-chain-threshold", "4");
        NodeNetwork n = c.nodeNetwork();
        assertThat(n.nodeIP(IpFamily.IPV4).getHostAddress()).isEqualTo("192.0.2.7");
        assertThat(n.nodeIP(IpFamily.IPV6)).isNull();
        assertThat(n.clusterCidrs()).containsExactly(Cidr.parse("10.244.0.0/16"));
        assertThat(n.nodePortAddresses().primary()).isTrue();
        assertThat(n.serviceCidrs()).as("the manifest source's ranges").isEqualTo(AgentConfig.MANIFEST_SERVICE_CIDRS);
        assertThat(n.masqueradeMark()).isEqualTo(0x8);
        assertThat(n.endpointChainThreshold()).isEqualTo(4);
    }

    @Test
    void nodeIpsDecideTheFamilies() {
        assertThat(parse(API, "--node-name", "n", "--node-ip", "192.0.2.7").families()).containsExactly(IpFamily.IPV4);
        assertThat(parse(API, "--node-name", "n", "--node-ip", "2001:db8::7").families()).containsExactly(IpFamily.IPV6);
    }

    @Test
    void withAnApiServerNoServiceRangeIsAssumed() {
        assertThat(parse("--node-name", "n", "--master", "https://10.0.0.1:6443").effectiveServiceCidrs()).isEmpty();
    }

    /** Flags that select an API server without touching one (config() never connects). */
    static final String API = "--master=https://10.0.0.1:6443";

    /** Source errors: no API flag added. */
    static Stream<Arguments> badSource() {
        return Stream.of(
                Arguments.of(List.of("--manifests", "../k8s/examples", "--master", "https://10.0.0.1:6443"),
                        "--manifests: cannot be combined with --master: serve either manifests or a live cluster"),
                Arguments.of(List.of("--manifests", "/nonexistent"), "--manifests: no such file or folder: /nonexistent"),
                Arguments.of(List.of("--manifests", "../k8s/examples", "--nft-backend", "iptables"),
                        "--nft-backend: expected cli or netlink, got 'iptables'"),
                Arguments.of(List.of("--kubeconfig", "/nonexistent"), "--kubeconfig: no such file: /nonexistent"),
                Arguments.of(List.of("--context", "c"), "--context: needs --kubeconfig (a context is an entry of a kubeconfig file)"),
                Arguments.of(List.of("--master", "10.0.0.1:6443"), "--master: \"10.0.0.1:6443\" must be an http:// or https:// URL"),
                Arguments.of(List.of("--master", "https://10.0.0.1:6443", "--dry-run", "--snapshot-file", "/tmp/a.snapshot"),
                        "--snapshot-file: cannot be combined with --dry-run: only a running agent keeps a snapshot"),
                Arguments.of(List.of("--cleanup", "--snapshot-file", "/tmp/a.snapshot"),
                        "--snapshot-file: cannot be combined with --cleanup: only a running agent keeps a snapshot"),
                Arguments.of(List.of("--manifests", "../k8s/examples", "--snapshot-file", "/tmp/a.snapshot"),
                        "--snapshot-file: only for a live cluster: with --manifests the files are the truth"),
                Arguments.of(List.of("--dry-run"), "--manifests or --kubeconfig: required: give --manifests PATH to read Kubernetes objects"
                        + " from files, or --kubeconfig FILE (or --master URL) to follow a cluster; the pod's service account is only"
                        + " used in a pod (KUBERNETES_SERVICE_HOST is not set)"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badSource")
    void badSource(List<String> args, String message) {
        List<String> all = new java.util.ArrayList<>(List.of("--node-name", "node-1"));
        all.addAll(args);
        assertThatThrownBy(() -> parse(all.toArray(String[]::new))).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void inAPodWithoutSourceFlagsTheServiceAccountIsUsed() {
        DiscoveryAgentMain main = new DiscoveryAgentMain(System.out, System.err, () -> null, () -> null,
                Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"));
        new CommandLine(main).parseArgs("--node-name", "n");
        assertThat(((ClusterSourceSpec.Api) main.config().source()).connection().isInCluster()).isTrue();
    }

    @Test
    void cleanupNeedsNoSource() {
        assertThat(parse("--cleanup").source()).isNull();
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                Arguments.of(List.of("--node-ip", "192.0.2.1,192.0.2.2"), "--node-ip: at most one address per IP family"),
                Arguments.of(List.of("--node-ip", "127.0.0.1"), "--node-ip: must be a routable address of this node, got 127.0.0.1"),
                Arguments.of(List.of("--node-ip", "node-1.example"), "--node-ip: \"node-1.example\" is not an IP address"),
                Arguments.of(List.of("--cluster-cidr", "10.244.0.0/33"), "--cluster-cidr: \"10.244.0.0/33\" has an invalid prefix length (0..32)"),
                Arguments.of(List.of("--nodeport-addresses", "primary"), "--nodeport-addresses: primary needs --node-ip"),
                Arguments.of(List.of("--nodeport-addresses", "primary,10.0.0.0/8", "--node-ip", "10.0.0.1"),
                        "--nodeport-addresses: \"primary\" cannot be combined with CIDRs"),
                Arguments.of(List.of("--masquerade-bit", "32"), "--masquerade-bit: must be 0..31, got 32"),
                Arguments.of(List.of("--sync-period", "0"), "--sync-period: must be > 0, got 0s"),
                Arguments.of(List.of("--sync-period", "thirty"), "--sync-period: expected a duration like 500ms, 30s, 1m30s or 2h, got \"thirty\""),
                Arguments.of(List.of("--sync-period", "1s", "--min-sync-period", "2s"), "--min-sync-period: must be between 0 and --sync-period (1s), got 2s"),
                Arguments.of(List.of("--healthz-bind-address", "::1:10256"), "--healthz-bind-address: IPv6 addresses need brackets, like [::1]:10256, got \"::1:10256\""),
                Arguments.of(List.of("--metrics-bind-address", "127.0.0.1"), "--metrics-bind-address: expected ADDR:PORT like 127.0.0.1:10249, [::1]:10249 or :10249, got \"127.0.0.1\""),
                Arguments.of(List.of("--min-sync-period", "1m30s", "--sync-period", "1m"),
                        "--min-sync-period: must be between 0 and --sync-period (1m), got 1m30s"),
                Arguments.of(List.of("--dry-run", "--cleanup"), "--dry-run: cannot be combined with --cleanup"),
                Arguments.of(List.of("--startup-timeout", "2d"), "--startup-timeout: expected a duration like 500ms, 30s, 1m30s or 2h, got \"2d\""),
                Arguments.of(List.of("--startup-timeout", "2h"), "--startup-timeout: must be 0s..1h, got \"2h\""));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("bad")
    void badInput(List<String> args, String message) {
        List<String> all = new java.util.ArrayList<>(List.of(API, "--node-name", "node-1"));
        all.addAll(args);
        assertThatThrownBy(() -> parse(all.toArray(String[]::new))).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void badInputExitsWithUsageStatusAndAMessage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DiscoveryAgentMain main = new DiscoveryAgentMain(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), () -> null,
                () -> null, Map.of());
        int code = DiscoveryAgentMain.commandLine(main).execute(API, "--node-name", "n", "--masquerade-bit", "40");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("discovery-agent: --masquerade-bit: must be 0..31, got 40 (see --help)" + System.lineSeparator());
    }
}
