package io.clusterdns.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.nft.FakeNft;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --config}: the file's values as the flags' defaults, flags given on the command line winning. */
class ConfigFileDefaultsTest {
    static final String HEADER = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n";

    @TempDir
    Path dir;

    Path file(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void kubeadmsFileWithKubeadmsFlags() throws IOException {
        Path conf = file("config.conf", Conventions.resource("kubeproxy/kubeadm-config.conf"));
        // --manifests stands in for the cluster: it wins over the file's clientConnection.kubeconfig
        AgentConfig c = AgentConfigTest.parse("--config=" + conf, "--hostname-override=node-1", "--manifests", "../k8s/examples");

        assertThat(c.nodeName()).isEqualTo("node-1");
        assertThat(c.clusterCidrs()).containsExactly(Cidr.parse("10.244.0.0/16"));
        assertThat(c.source()).isInstanceOf(ClusterSourceSpec.Manifests.class);
        // everything else at the agent's defaults, which are kube-proxy's
        assertThat(c.syncPeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.minSyncPeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.masqueradeBit()).isEqualTo(14);
        assertThat(c.masqueradeAll()).isFalse();
        assertThat(c.healthzBind()).isEqualTo(ListenAddress.of("0.0.0.0:10256"));
        assertThat(c.metricsBind()).isEqualTo(ListenAddress.of("127.0.0.1:10249"));
        assertThat(c.nodePortAddresses().matchAll()).isTrue();
        assertThat(c.nodeIPs()).isEmpty();
    }

    @Test
    void flagsGivenWinOverTheFile() throws IOException {
        Path conf = file("c.yaml", HEADER + """
                hostnameOverride: file-node
                bindAddress: 192.0.2.7
                clusterCIDR: 10.244.0.0/16
                healthzBindAddress: 127.0.0.1:20256
                metricsBindAddress: 127.0.0.1:20249
                nodePortAddresses: [primary]
                nftables: {masqueradeAll: true, masqueradeBit: 13, syncPeriod: 1m, minSyncPeriod: 2s}
                """);

        AgentConfig fromFile = AgentConfigTest.parse("--config", conf.toString(), "--manifests", "../k8s/examples");
        assertThat(fromFile.nodeName()).isEqualTo("file-node");
        assertThat(fromFile.nodeIPs()).containsExactly(IpAddresses.parse("192.0.2.7"));
        assertThat(fromFile.clusterCidrs()).containsExactly(Cidr.parse("10.244.0.0/16"));
        assertThat(fromFile.healthzBind()).isEqualTo(ListenAddress.of("127.0.0.1:20256"));
        assertThat(fromFile.metricsBind()).isEqualTo(ListenAddress.of("127.0.0.1:20249"));
        assertThat(fromFile.nodePortAddresses().primary()).isTrue();
        assertThat(fromFile.masqueradeAll()).isTrue();
        assertThat(fromFile.masqueradeBit()).isEqualTo(13);
        assertThat(fromFile.syncPeriod()).isEqualTo(Duration.ofMinutes(1));
        assertThat(fromFile.minSyncPeriod()).isEqualTo(Duration.ofSeconds(2));

        // a min-sync-period above the flag default (30s) but below the file's sync period: checked once merged
        AgentConfig mixed = AgentConfigTest.parse("--config", conf.toString(), "--manifests", "../k8s/examples",
                "--node-name", "flag-node", "--node-ip", "192.0.2.8", "--cluster-cidr", "10.1.0.0/16",
                "--healthz-bind-address", "", "--nodeport-addresses", "192.0.2.0/24", "--masquerade-bit", "12",
                "--min-sync-period", "45s");
        assertThat(mixed.nodeName()).isEqualTo("flag-node");
        assertThat(mixed.nodeIPs()).containsExactly(IpAddresses.parse("192.0.2.8"));
        assertThat(mixed.clusterCidrs()).containsExactly(Cidr.parse("10.1.0.0/16"));
        assertThat(mixed.healthzBind()).isNull();
        assertThat(mixed.metricsBind()).isEqualTo(ListenAddress.of("127.0.0.1:20249"));
        assertThat(mixed.nodePortAddresses().cidrs()).containsExactly(Cidr.parse("192.0.2.0/24"));
        assertThat(mixed.masqueradeBit()).isEqualTo(12);
        assertThat(mixed.syncPeriod()).isEqualTo(Duration.ofMinutes(1));
        assertThat(mixed.minSyncPeriod()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void theFilesKubeconfigIsTheApiConnectionUnlessAFlagSaysOtherwise() throws IOException {
        Path kubeconfig = file("kubeconfig.conf", Conventions.resource("kubeproxy/kubeadm-kubeconfig.conf"));
        Path conf = file("c.yaml", HEADER + "clientConnection:\n  kubeconfig: " + kubeconfig + "\n");

        AgentConfig c = AgentConfigTest.parse("--config", conf.toString(), "--node-name", "n", "--dry-run");
        assertThat(((ClusterSourceSpec.Api) c.source()).connection().kubeconfig()).isEqualTo(kubeconfig);

        Path other = file("other.conf", Conventions.resource("kubeproxy/kubeadm-kubeconfig.conf"));
        AgentConfig flag = AgentConfigTest.parse("--config", conf.toString(), "--node-name", "n", "--kubeconfig", other.toString());
        assertThat(((ClusterSourceSpec.Api) flag.source()).connection().kubeconfig()).isEqualTo(other);

        // --cleanup reads no cluster
        assertThat(AgentConfigTest.parse("--config", conf.toString(), "--cleanup").source()).isNull();
    }

    @Test
    void aMissingKubeconfigIsNamedByItsField() throws IOException {
        Path conf = file("config.conf", Conventions.resource("kubeproxy/kubeadm-config.conf"));
        assertThatThrownBy(() -> AgentConfigTest.parse("--config", conf.toString(), "--node-name", "n"))
                .hasMessage(conf + ":8: clientConnection.kubeconfig: no such file: /var/lib/kube-proxy/kubeconfig.conf");
    }

    /** Through the command line: one line, exit code 2, as every other flag error. */
    @Test
    void refusedFileIsAFlagError() throws IOException {
        Path conf = file("config.conf", HEADER + "mode: ipvs\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DiscoveryAgentMain.commandLine(new DiscoveryAgentMain(new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(err, true, StandardCharsets.UTF_8), FakeNft::new, () -> f -> 0, Map.of()))
                .execute("--config", conf.toString(), "--manifests", "../k8s/examples", "--node-name", "n", "--dry-run");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines().toList()).isEqualTo(List.of("discovery-agent: " + conf
                + ":3: mode: \"ipvs\" is not supported by discovery-agent (nftables only) (see --help)"));
    }

    @Test
    void aMissingConfigFileIsNamed() {
        assertThatThrownBy(() -> AgentConfigTest.parse("--config", "/nonexistent/config.conf", "--node-name", "n"))
                .hasMessage("--config: no such file: /nonexistent/config.conf");
    }
}
