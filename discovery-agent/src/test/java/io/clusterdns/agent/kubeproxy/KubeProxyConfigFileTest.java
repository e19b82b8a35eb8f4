package io.clusterdns.agent.kubeproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.NodePortAddresses;
import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.model.IpAddresses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kube-proxy's configuration file → settings: kubeadm's file as it is, every honoured field, and
 * a table of refused files with their one-line messages (file:line: field: reason).
 */
class KubeProxyConfigFileTest {
    static final String HEADER = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n";

    @TempDir
    Path dir;

    KubeProxySettings read(String name, String text) {
        Path file = dir.resolve(name);
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return KubeProxyConfigFile.read(file, "config.conf");
    }

    /** The config.conf of the kube-proxy ConfigMap kubeadm (1.31/1.32) creates, verbatim. */
    @Test
    void kubeadmsDefaultFileLoadsUnchanged() {
        KubeProxySettings s = read("config.conf", Conventions.resource("kubeproxy/kubeadm-config.conf"));

        assertThat(s).isEqualTo(new KubeProxySettings(null, null, null, null, List.of(Cidr.parse("10.244.0.0/16")), null, false,
                null, null, null, Path.of("/var/lib/kube-proxy/kubeconfig.conf"), "config.conf:8: clientConnection.kubeconfig"));
    }

    /** What {@code kube-proxy --write-config-to} writes (every default filled in) loads too, conntrack aside. */
    @Test
    void kubeProxysOwnDefaultsAreAccepted() {
        KubeProxySettings s = read("defaults.yaml", HEADER + """
                bindAddress: 0.0.0.0
                clientConnection: {acceptContentTypes: "", burst: 10, contentType: application/vnd.kubernetes.protobuf, kubeconfig: "", qps: 5}
                configSyncPeriod: 15m0s
                healthzBindAddress: 0.0.0.0:10256
                metricsBindAddress: 127.0.0.1:10249
                iptables: {localhostNodePorts: true, masqueradeAll: false, masqueradeBit: 14, minSyncPeriod: 1s, syncPeriod: 30s}
                ipvs: {excludeCIDRs: null, minSyncPeriod: 0s, scheduler: "", strictARP: false, syncPeriod: 30s, tcpFinTimeout: 0s, tcpTimeout: 0s, udpTimeout: 0s}
                nftables: {masqueradeAll: false, masqueradeBit: 14, minSyncPeriod: 1s, syncPeriod: 30s}
                mode: nftables
                detectLocalMode: ClusterCIDR
                logging: {flushFrequency: 5s, format: text, verbosity: 0, options: {json: {infoBufferSize: "0"}, text: {infoBufferSize: "0"}}}
                """);

        assertThat(s.healthzBind()).isEqualTo(ListenAddress.of("0.0.0.0:10256"));
        assertThat(s.metricsBind()).isEqualTo(ListenAddress.of("127.0.0.1:10249"));
        assertThat(s.masqueradeBit()).isEqualTo(14);
        assertThat(s.syncPeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.minSyncPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.kubeconfig()).isNull();
    }

    @Test
    void everyHonouredField() {
        KubeProxySettings s = read("c.yaml", HEADER + """
                hostnameOverride: " Node-7 "
                bindAddress: 2001:db8::7
                metricsBindAddress: "[::]"
                clusterCIDR: 10.244.0.0/16,fd00:10:244::/48
                nodePortAddresses: [192.0.2.0/24, "2001:db8::/64"]
                clientConnection: {kubeconfig: /etc/kube-proxy/kubeconfig}
                nftables: {masqueradeAll: true, masqueradeBit: 13, syncPeriod: 1m0s, minSyncPeriod: 500ms}
                """);

        assertThat(s.hostnameOverride()).isEqualTo("node-7");
        assertThat(s.nodeIP()).isEqualTo(IpAddresses.parse("2001:db8::7"));
        // IPv6 node: kube-proxy's IPv6 defaults, and a bare address gets the usual port
        assertThat(s.healthzBind()).isEqualTo(ListenAddress.of("[::]:10256"));
        assertThat(s.metricsBind()).isEqualTo(ListenAddress.of("[::]:10249"));
        assertThat(s.clusterCidrs()).containsExactly(Cidr.parse("10.244.0.0/16"), Cidr.parse("fd00:10:244::/48"));
        assertThat(s.nodePortAddresses()).isEqualTo(new NodePortAddresses(List.of(Cidr.parse("192.0.2.0/24"),
                Cidr.parse("2001:db8::/64")), false));
        assertThat(s.kubeconfig()).isEqualTo(Path.of("/etc/kube-proxy/kubeconfig"));
        assertThat(s.masqueradeAll()).isTrue();
        assertThat(s.masqueradeBit()).isEqualTo(13);
        assertThat(s.syncPeriod()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.minSyncPeriod()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void nodePortKeywords() {
        assertThat(read("a.yaml", HEADER + "nodePortAddresses: [all]\n").nodePortAddresses()).isEqualTo(NodePortAddresses.ALL);
        assertThat(read("p.yaml", HEADER + "nodePortAddresses: [primary]\n").nodePortAddresses().primary()).isTrue();
        assertThat(read("e.yaml", HEADER + "nodePortAddresses: []\n").nodePortAddresses()).isNull();
    }

    @Test
    void jsonAsKubeProxyReadsIt() {
        KubeProxySettings s = read("config.json", """
                {"apiVersion": "kubeproxy.config.k8s.io/v1alpha1", "kind": "KubeProxyConfiguration",
                 "mode": "nftables", "clusterCIDR": "10.244.0.0/16", "nftables": {"syncPeriod": "10s"}}
                """);
        assertThat(s.clusterCidrs()).containsExactly(Cidr.parse("10.244.0.0/16"));
        assertThat(s.syncPeriod()).isEqualTo(Duration.ofSeconds(10));
    }

    static Stream<Arguments> refused() {
        String support = " is not supported by discovery-agent ";
        return Stream.of(
                // what the agent cannot do, at a value other than zero or kube-proxy's default
                Arguments.of("mode: ipvs\n", "config.conf:3: mode: \"ipvs\"" + support + "(nftables only)"),
                Arguments.of("mode: iptables\n", "config.conf:3: mode: \"iptables\"" + support + "(nftables only)"),
                Arguments.of("mode: userspace\n",
                        "config.conf:3: mode: \"userspace\" is not a kube-proxy mode (iptables, ipvs, nftables or kernelspace)"),
                Arguments.of("ipvs:\n  scheduler: rr\n", "config.conf:4: ipvs.scheduler: \"rr\"" + support + "(nftables only)"),
                Arguments.of("ipvs:\n  strictARP: true\n", "config.conf:4: ipvs.strictARP: true" + support + "(nftables only)"),
                Arguments.of("ipvs:\n  syncPeriod: 10s\n", "config.conf:4: ipvs.syncPeriod: 10s" + support + "(nftables only)"),
                Arguments.of("winkernel:\n  enableDSR: true\n",
                        "config.conf:4: winkernel.enableDSR: true" + support + "(Linux nftables only)"),
                Arguments.of("iptables:\n  masqueradeAll: true\n", "config.conf:4: iptables.masqueradeAll: true" + support
                        + "(iptables mode only; the nftables setting is nftables.masqueradeAll)"),
                Arguments.of("iptables:\n  syncPeriod: 1m\n", "config.conf:4: iptables.syncPeriod: 1m" + support
                        + "(iptables mode only; the nftables setting is nftables.syncPeriod)"),
                Arguments.of("conntrack:\n  maxPerCore: 32768\n", "config.conf:4: conntrack.maxPerCore: 32768" + support
                        + "(it does not write conntrack sysctls; set them on the node (sysctl net.netfilter.*))"),
                Arguments.of("conntrack:\n  tcpEstablishedTimeout: 24h0m0s\n", "config.conf:4: conntrack.tcpEstablishedTimeout: 24h"
                        + support + "(it does not write conntrack sysctls; set them on the node (sysctl net.netfilter.*))"),
                Arguments.of("featureGates:\n  KubeProxyNFTablesLocalhostNodePorts: true\n",
                        "config.conf:4: featureGates.KubeProxyNFTablesLocalhostNodePorts: true" + support
                                + "(it has no feature gates: what it supports is always on)"),
                Arguments.of("detectLocalMode: NodeCIDR\n",
                        "config.conf:3: detectLocalMode: \"NodeCIDR\"" + support + "(it tells pod traffic by clusterCIDR only)"),
                Arguments.of("detectLocal:\n  bridgeInterface: cbr0\n",
                        "config.conf:4: detectLocal.bridgeInterface: \"cbr0\"" + support + "(it tells pod traffic by clusterCIDR only)"),
                Arguments.of("nodePortAddresses:\n- 10.0.0.0/8\n- localhost\n", "config.conf:5: nodePortAddresses[1]: \"localhost\""
                        + support + "(it never serves NodePorts on loopback addresses)"),
                Arguments.of("enableProfiling: true\n", "config.conf:3: enableProfiling: true" + support + "(no /debug/pprof endpoint)"),
                Arguments.of("oomScoreAdj: -999\n", "config.conf:3: oomScoreAdj: -999" + support
                        + "(it does not change its OOM score: the pod's priority class and QoS decide)"),
                Arguments.of("logging:\n  format: json\n", "config.conf:4: logging.format: \"json\"" + support + "(it logs text lines)"),
                Arguments.of("logging:\n  verbosity: 4\n",
                        "config.conf:4: logging.verbosity: 4" + support + "(its log level is not klog's verbosity)"),
                Arguments.of("clientConnection:\n  contentType: application/yaml\n", "config.conf:4: clientConnection.contentType:"
                        + " \"application/yaml\"" + support + "(it talks JSON to the API server)"),
                // unknown fields, at several depths (the v1alpha2 and pre-1.24 spellings among them)
                Arguments.of("udpIdleTimeout: 250ms\n",
                        "config.conf:3: udpIdleTimeout: unknown field (not part of kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration)"),
                Arguments.of("nftables:\n  masqueradeAll: false\n  foo: 1\n",
                        "config.conf:5: nftables.foo: unknown field (not part of kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration)"),
                Arguments.of("linux:\n  conntrack: {}\n",
                        "config.conf:3: linux: unknown field (not part of kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration)"),
                Arguments.of("detectLocal:\n  clusterCIDRs: [10.244.0.0/16]\n", "config.conf:4: detectLocal.clusterCIDRs: unknown field"
                        + " (not part of kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration)"),
                Arguments.of("logging:\n  options:\n    json:\n      bufferSize: 1\n", "config.conf:6: logging.options.json.bufferSize:"
                        + " unknown field (not part of kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration)"),
                Arguments.of("Mode: nftables\n",
                        "config.conf:3: Mode: unknown field (not part of kubeproxy.config.k8s.io/v1alpha1 KubeProxyConfiguration)"),
                // wrong types and bad values
                Arguments.of("nftables:\n  masqueradeBit: \"14\"\n",
                        "config.conf:4: nftables.masqueradeBit: expected a whole number, got \"14\""),
                Arguments.of("nftables:\n  masqueradeBit: 32\n", "config.conf:4: nftables.masqueradeBit: must be 0..31, got 32"),
                Arguments.of("nftables:\n  syncPeriod: 30\n",
                        "config.conf:4: nftables.syncPeriod: expected a duration like 30s or 1m0s, got 30"),
                Arguments.of("nftables:\n  syncPeriod: soon\n",
                        "config.conf:4: nftables.syncPeriod: expected a duration like 500ms, 30s, 1m30s or 2h, got \"soon\""),
                Arguments.of("nftables:\n  syncPeriod: 10s\n  minSyncPeriod: 20s\n",
                        "config.conf:5: nftables.minSyncPeriod: must not be longer than nftables.syncPeriod (10s), got 20s"),
                Arguments.of("nftables: true\n", "config.conf:3: nftables: expected an object, got true"),
                Arguments.of("nftables:\n  masqueradeAll: \"yes\"\n",
                        "config.conf:4: nftables.masqueradeAll: expected true or false, got \"yes\""),
                Arguments.of("clusterCIDR: [10.244.0.0/16]\n", "config.conf:3: clusterCIDR: expected a string, got a list"),
                Arguments.of("clusterCIDR: 10.244.0.0/40\n",
                        "config.conf:3: clusterCIDR: \"10.244.0.0/40\" has an invalid prefix length (0..32)"),
                Arguments.of("nodePortAddresses: 10.0.0.0/8\n", "config.conf:3: nodePortAddresses: expected a list of strings, got \"10.0.0.0/8\""),
                Arguments.of("bindAddress: node-1\n", "config.conf:3: bindAddress: expected an IP address, got \"node-1\""),
                Arguments.of("healthzBindAddress: 0.0.0.0:99999\n",
                        "config.conf:3: healthzBindAddress: port must be 0..65535, got \"0.0.0.0:99999\""),
                Arguments.of("logging:\n  flushFrequency: true\n",
                        "config.conf:4: logging.flushFrequency: expected a duration like 30s or 1m0s, got true"),
                Arguments.of("clientConnection:\n  qps: fast\n", "config.conf:4: clientConnection.qps: expected a number, got \"fast\""),
                Arguments.of("mode: ''\nmode: ipvs\n", "config.conf document 1 (line 4): mode: duplicate key \"mode\"".replace(
                        "config.conf document 1 (line 4)", "config.conf:4")));
    }

    @ParameterizedTest
    @MethodSource
    void refused(String fields, String message) {
        assertThatThrownBy(() -> read("config.conf", HEADER + fields))
                .isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void theTypeIsChecked() {
        assertThatThrownBy(() -> read("c.yaml", "kind: KubeProxyConfiguration\nmode: nftables\n"))
                .hasMessage("config.conf:1: apiVersion: missing: expected kubeproxy.config.k8s.io/v1alpha1");
        assertThatThrownBy(() -> read("c.yaml", "apiVersion: kubeproxy.config.k8s.io/v1alpha2\nkind: KubeProxyConfiguration\n"))
                .hasMessage("config.conf:1: apiVersion: \"kubeproxy.config.k8s.io/v1alpha2\" is not supported by discovery-agent"
                        + " (expected kubeproxy.config.k8s.io/v1alpha1)");
        assertThatThrownBy(() -> read("c.yaml", "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeletConfiguration\n"))
                .hasMessage("config.conf:2: kind: expected KubeProxyConfiguration, got \"KubeletConfiguration\"");
        assertThatThrownBy(() -> read("c.yaml", "mode: [\n"))
                .hasMessageStartingWith("config.conf:2: YAML syntax error: ");
        assertThatThrownBy(() -> read("c.yaml", "# nothing\n"))
                .hasMessage("config.conf: empty: expected one object");
    }
}
