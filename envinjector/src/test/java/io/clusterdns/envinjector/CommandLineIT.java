package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.BuildVersion;
import io.clusterdns.k8s.testing.JarRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certs subcommand's error paths and help, through the real jar. */
class CommandLineIT {
    static final Path JAR = Path.of("target/clusterdns-envinjector.jar");
    static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void aSanThatIsNeitherANameNorAnAddressIsRefused(@TempDir Path dir) {
        JarRun r = JarRun.run(JAR, DEADLINE, "certs", "--out", dir.toString(), "--san", "not a name!");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("envinjector certs: --san: \"not a name!\" is neither a DNS name (letters, digits,"
                + " '-' and dots, e.g. webhook.example.com) nor an IP address (see --help)");
        assertThat(dir.resolve("tls.crt")).doesNotExist();
    }

    @Test
    void namesAndAddressesAreAccepted(@TempDir Path dir) throws Exception {
        JarRun r = JarRun.run(JAR, DEADLINE, "certs", "--out", dir.toString(), "--san", "127.0.0.1", "--san", "Webhook.Example.com",
                "--san", "*.svc.example", "--san", "::1");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(dir.resolve("tls.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void certsHelpIsWrappedAtSpacesOnly() {
        JarRun r = JarRun.run(JAR, DEADLINE, "certs", "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
        assertThat(r.out()).contains("ca.crt, ca.key, tls.crt", "Default: cluster.local.");
    }

    @Test
    void versionIsTheBuildsVersion() {
        JarRun r = JarRun.run(JAR, DEADLINE, "--version");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().strip()).isEqualTo("envinjector " + BuildVersion.get());
    }
}
