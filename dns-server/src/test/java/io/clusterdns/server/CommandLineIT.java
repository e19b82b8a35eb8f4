package io.clusterdns.server;

import org.junit.jupiter.api.io.TempDir;
import java.net.InetAddress;
import java.net.DatagramSocket;
import java.nio.file.Files;
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

    /** A Corefile whose line is wrong: the file, the line, the plugin and option, exit 1 as CoreDNS; nothing listens. */
    @Test
    void aBrokenCorefileNamesFileAndLine(@TempDir Path dir) throws Exception {
        Path corefile = Files.writeString(dir.resolve("Corefile"), ".:0 {\n    errors\n    cache 30 {\n        servfail 10m\n    }\n}\n");
        JarRun r = JarRun.run(JAR, DEADLINE, "-conf", corefile.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).containsExactly("clusterdns-dns-server: " + corefile
                + ":4: cache/servfail: caching SERVFAIL responses over 5 minutes is not permitted");
    }

    /**
     * The loop plugin over a real forward to itself: the server asks itself its probe question,
     * forward sends it back to the server, and the third sighting is a loop: one line with
     * CoreDNS's explanation, exit 1 (CoreDNS's log.Fatalf), so the pod's restarts show it.
     */
    @Test
    void aServerForwardingToItselfExitsWithTheLoopExplanation(@TempDir Path dir) throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path corefile = Files.writeString(dir.resolve("Corefile"), """
                .:%d {
                    forward . 127.0.0.1:%d
                    loop
                }
                """.formatted(port, port));
        JarRun r = JarRun.run(JAR, DEADLINE, "-conf", corefile.toString());

        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("plugin/loop - Loop (127.0.0.1:", ":" + port + ") detected for zone \".\"",
                "see https://coredns.io/plugins/loop#troubleshooting", "Exiting.");
        assertThat(r.hasStackTrace()).isFalse();
    }
}
