package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The command line: flags to one validated config, one-line errors, exit codes. */
class EnvInjectorMainTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    /** Not in a pod: no KUBERNETES_SERVICE_HOST. */
    static final Map<String, String> LAPTOP = Map.of();
    static final Map<String, String> POD = Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1");

    static Run run(String... args) {
        CommandLine cmd = EnvInjectorMain.commandLine(LAPTOP);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static InjectorConfig config(String... args) {
        return config(LAPTOP, args);
    }

    static InjectorConfig config(Map<String, String> env, String... args) {
        CommandLine cmd = EnvInjectorMain.commandLine(env);
        cmd.parseArgs(args);
        return ((EnvInjectorMain) cmd.getCommand()).config();
    }

    @Test
    void flagsBecomeOneConfig() throws Exception {
        Path m = Files.createDirectories(dir.resolve("m"));
        InjectorConfig c = config("--manifests", m.toString(), "--tls-cert", "c.pem", "--tls-key", "k.pem", "--listen", "127.0.0.1:9443",
                "--zone", "k8s.example", "--tls-reload-interval", "2s", "--max-variables", "50", "--max-request-bytes", "100000");

        assertThat(c).isEqualTo(new InjectorConfig(new ClusterSourceSpec.Manifests(List.of(m)), ListenAddress.of("127.0.0.1:9443"),
                "k8s.example", Path.of("c.pem"), Path.of("k.pem"), Duration.ofSeconds(2), 50, 100_000));
    }

    @Test
    void withoutManifestsTheApiIsWatched() throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kube.conf"), "apiVersion: v1\nkind: Config\n");
        assertThat(config(POD, "--tls-cert", "c", "--tls-key", "k").source())
                .isEqualTo(new ClusterSourceSpec.Api(ClusterConnection.inCluster()));
        assertThat(config("--tls-cert", "c", "--tls-key", "k", "--kubeconfig", kubeconfig.toString(), "--context", "prod").source())
                .isEqualTo(new ClusterSourceSpec.Api(ClusterConnection.kubeconfig(kubeconfig, "prod")));
        assertThat(config("--tls-cert", "c", "--tls-key", "k", "--master", "http://127.0.0.1:8001").source())
                .isEqualTo(new ClusterSourceSpec.Api(ClusterConnection.master("http://127.0.0.1:8001")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--tls-cert c --manifests .                         | envinjector: --tls-key: required: the PEM private key of --tls-cert (see --help)",
            "--tls-cert c --tls-key k                           | envinjector: --manifests or --kubeconfig: required: give --manifests PATH to read Kubernetes objects from files, or --kubeconfig FILE (or --master URL) to follow a cluster; the pod's service account is only used in a pod (KUBERNETES_SERVICE_HOST is not set) (see --help)",
            "--manifests .                                      | envinjector: --tls-cert: required: the PEM serving certificate (see the certs subcommand) (see --help)",
            "--tls-cert c --tls-key k --manifests . --listen nope | envinjector: --listen: expected ADDR:PORT like 127.0.0.1:8443, [::1]:8443 or :8443, got \"nope\" (see --help)",
            "--tls-cert c --tls-key k --manifests . --max-variables many | envinjector: --max-variables: expected a whole number, got \"many\" (see --help)",
            "--tls-cert c --tls-key k --manifests . --zone a..b  | envinjector: --zone: \"\" in \"a..b\" is not a valid DNS label (see --help)",
            "--tls-cert c --tls-key k --context prod             | envinjector: --context: needs --kubeconfig (a context is an entry of a kubeconfig file) (see --help)",
            "--tls-cert c --tls-key k --master ftp://x           | envinjector: --master: \"ftp://x\" must be an http:// or https:// URL (see --help)",
            "--tls-cert c --tls-key k --manifests /no/such/dir   | envinjector: --manifests: no such file or folder: /no/such/dir (see --help)",
            "--tls-cert c --tls-key k --manifests . --master http://x | envinjector: --manifests: cannot be combined with --master: serve either manifests or a live cluster (see --help)",
            "--tls-cert c --tls-key k --manifests . --tls-reload-interval 0s | envinjector: --tls-reload-interval: must be 50ms..1h, got \"0s\" (see --help)",
            "--tls-cert c --tls-key k --manifests . --tls-reload-interval 1d | envinjector: --tls-reload-interval: expected a duration like 500ms, 30s, 1m30s or 2h (or whole seconds), got \"1d\" (see --help)",
            "certs                                              | envinjector certs: Missing required option: '--out=DIR' (see --help)"})
    void badFlagsExit2WithOneLine(String args, String message) {
        Run r = run(args.trim().split("\\s+"));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo(message);
    }

    @Test
    void aServerThatCannotStartExits1WithTheReason() {
        Run r = run("--manifests", dir.toString(), "--tls-cert", dir.resolve("missing.crt").toString(), "--tls-key", "k",
                "--listen", "127.0.0.1:0");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("envinjector: cannot read ").contains("missing.crt");
    }

    @Test
    void helpAndVersion() {
        Run help = run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("--manifests=PATH", "--kubeconfig=FILE", "--listen=ADDR:PORT", "Default: 0.0.0.0:8443",
                "--tls-reload-interval", "--max-variables", "certs");
        Run version = run("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out().strip()).matches("envinjector \\d+\\.\\d+\\.\\d+.*");
    }
}
