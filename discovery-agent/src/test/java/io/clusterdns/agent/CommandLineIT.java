package io.clusterdns.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.BuildVersion;
import io.clusterdns.k8s.testing.JarRun;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The error paths a newcomer hit, through the real jar: each ends with one line on stderr, the
 * right exit code, no stack trace, and in time. Nothing here reaches nftables: every run fails
 * (or is a dry run) before the first sync; the only address used is 127.0.0.1, where nothing
 * listens on port 1.
 */
class CommandLineIT {
    static final Path JAR = Path.of("target/clusterdns-discovery-agent.jar");
    static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void dryRunWithoutASourceSaysWhatIsMissing() {
        JarRun r = JarRun.run(JAR, DEADLINE, "--dry-run", "--node-name", "n");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("discovery-agent: --manifests or --kubeconfig: required: give --manifests PATH");
    }

    @Test
    void dryRunWithAMissingKubeconfigNamesIt() {
        JarRun r = JarRun.run(JAR, DEADLINE, "--dry-run", "--node-name", "n", "--kubeconfig", "/nonexistent");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("discovery-agent: --kubeconfig: no such file: /nonexistent (see --help)");
    }

    @Test
    void dryRunAgainstAnUnreachableApiServerGivesUpAfterTheStartupTimeout() {
        JarRun r = JarRun.run(JAR, DEADLINE, "--dry-run", "--node-name", "n", "--master", "http://127.0.0.1:1",
                "--startup-timeout", "3s");

        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.hasStackTrace()).as(r.err()).isFalse();
        assertThat(r.errLines().get(r.errLines().size() - 1))
                .startsWith("discovery-agent: no complete view of the cluster from Kubernetes API http://127.0.0.1:1/")
                .contains("within 3s (--startup-timeout): services waiting")
                .contains("; last error: ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anAgentThatFailsToStartClaimsNoRules() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            JarRun r = JarRun.run(JAR, DEADLINE, "--node-name", "n", "--master", "http://127.0.0.1:1",
                    "--healthz-bind-address", "127.0.0.1:" + busy.getLocalPort(), "--metrics-bind-address", "");

            assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
            assertThat(r.hasStackTrace()).as(r.err()).isFalse();
            assertThat(r.err()).doesNotContain("rules stay in place").contains("it wrote no nftables rules");
            assertThat(r.errLines().get(r.errLines().size() - 1)).startsWith("discovery-agent: ");
        }
    }

    @Test
    void versionIsTheBuildsVersion() {
        JarRun r = JarRun.run(JAR, DEADLINE, "--version");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().strip()).isEqualTo("discovery-agent " + BuildVersion.get());
    }

    /** kubeadm's kube-proxy config.conf, unchanged, with kubeadm's --hostname-override (and manifests for a cluster). */
    @Test
    void kubeadmsKubeProxyConfigFileStartsTheAgent(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path conf = dir.resolve("config.conf");
        java.nio.file.Files.writeString(conf, Conventions.resource("kubeproxy/kubeadm-config.conf"));
        JarRun r = JarRun.run(JAR, DEADLINE, "--config=" + conf, "--hostname-override=node-1", "--manifests", "../k8s/examples",
                "--dry-run");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("table ip clusterdns {").contains("ip saddr != 10.244.0.0/16 jump mark-for-masquerade");
    }

    @Test
    void anUnsupportedKubeProxySettingIsOneLineNamingTheField(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path conf = dir.resolve("config.conf");
        java.nio.file.Files.writeString(conf, Conventions.resource("kubeproxy/kubeadm-config.conf").replace("mode: \"\"", "mode: ipvs"));
        JarRun r = JarRun.run(JAR, DEADLINE, "--config=" + conf, "--hostname-override=node-1", "--manifests", "../k8s/examples",
                "--dry-run");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("discovery-agent: " + conf
                + ":52: mode: \"ipvs\" is not supported by discovery-agent (nftables only) (see --help)");
    }
}
