package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.BuildVersion;
import io.clusterdns.k8s.testing.JarRun;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad values a newcomer typed, through the real jar: one line each, exit code 2, in time. */
class CommandLineIT {
    static final Path JAR = Path.of("target/clusterdns-dns-server.jar");
    static final Duration DEADLINE = Duration.ofSeconds(90);

    @Test
    void aNegativeTtlIsOutOfRangeNotANonNumber() {
        JarRun r = JarRun.run(JAR, DEADLINE, "--manifests", "../k8s/examples", "--ttl", "-1");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("clusterdns-dns-server: --ttl: must be 0..3600, got \"-1\" (see --help)");
    }

    @Test
    void aBadHealthAddressGetsAnExampleOnTheHealthPort() {
        JarRun r = JarRun.run(JAR, DEADLINE, "--manifests", "../k8s/examples", "--health", "nonsense");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("clusterdns-dns-server: --health: expected ADDR:PORT like 127.0.0.1:8080,"
                + " [::1]:8080 or :8080, got \"nonsense\" (see --help)");
    }

    @Test
    void aBadDurationIsEchoedAsTyped() {
        JarRun r = JarRun.run(JAR, DEADLINE, "--manifests", "../k8s/examples", "--lameduck", "20m");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("clusterdns-dns-server: --lameduck: must be 0s..10m, got \"20m\" (see --help)");
    }

    @Test
    void helpIsWrappedAtSpacesOnly() {
        JarRun r = JarRun.run(JAR, DEADLINE, "--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
        assertThat(r.out()).contains("Default: 127.0.0.1:1053.").doesNotContain("127.0.0.1:\n");
    }

    @Test
    void versionIsTheBuildsVersion() {
        JarRun r = JarRun.run(JAR, DEADLINE, "--version");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().strip()).isEqualTo("clusterdns-dns-server " + BuildVersion.get());
    }
}
