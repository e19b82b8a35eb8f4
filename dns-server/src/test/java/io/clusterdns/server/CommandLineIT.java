package io.clusterdns.server;

import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import java.util.regex.Pattern;
import java.util.regex.Matcher;
import java.util.List;
import io.clusterdns.k8s.testing.ApiValidManifests;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.ChildProcess;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-version"})
    void versionIsTheBuildsVersion(String flag) {
        JarRun r = JarRun.run(JAR, DEADLINE, flag);

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
     * A kubernetes block that names no source outside a pod: CoreDNS would use the pod's service
     * account; here there is none, and the error says which block and what to write instead.
     */
    @Test
    void aKubernetesBlockWithoutASourceOutsideAPodNamesTheBlock(@TempDir Path dir) throws Exception {
        Path corefile = Files.writeString(dir.resolve("Corefile"), ".:0 {\n    kubernetes cluster.local\n}\n");
        JarRun r = JarRun.run(JAR, DEADLINE, List.of("KUBERNETES_SERVICE_HOST"), "-conf", corefile.toString());

        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.errLines()).containsExactly("clusterdns-dns-server: " + corefile + ":2: kubernetes: not running in a"
                + " Kubernetes pod (no KUBERNETES_SERVICE_HOST or no service account token at"
                + " /var/run/secrets/kubernetes.io/serviceaccount/token): give a kubeconfig file or the API server URL"
                + " (in the Corefile: kubeconfig FILE, endpoint URL or manifests PATH)");
    }

    /**
     * An API server that refuses connections: the server says so in CoreDNS's WARNING lines, with
     * a reason (the JDK HTTP client's ConnectException carries none of its own).
     */
    @Test
    void anUnreachableApiServerIsAWarningWithAReason(@TempDir Path dir) throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:%d"}}]
                users: [{name: u, user: {token: t}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """.formatted(closed));
        Path file = Files.writeString(dir.resolve("Corefile"), """
                .:0 {
                    kubernetes cluster.local {
                        kubeconfig kubeconfig
                    }
                }
                """);
        try (ChildProcess server = ChildProcess.start("dns-server", dir.resolve("server.log"), List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "-conf", file.toString()))) {
            String line = server.awaitLog("list/watch failed").lines().filter(l -> l.contains("list/watch failed")).findFirst().orElseThrow();

            assertThat(line).matches("\\[WARNING\\] (services|endpointslices|namespaces): list/watch failed, retrying with back-off:"
                    + " ConnectException: \\S.*");
            server.terminate();
        }
    }

    /**
     * The loop plugin over a real forward to itself: the server asks itself its probe question,
     * forward sends it back to the server, and the third sighting is a loop: one line with
     * CoreDNS's explanation, exit 1 (CoreDNS's log.Fatalf), so the pod's restarts show it.
     */
    @Test
    void aServerForwardingToItselfExitsWithTheLoopExplanation(@TempDir Path dir) throws Exception {
        int port;
        JarRun r;
        // the Corefile needs the port before the server binds it (UDP and TCP, every address), and on a
        // shared machine another process may take a port found free in between: then another port
        int attempt = 0;
        do {
            try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            Path corefile = Files.writeString(dir.resolve("Corefile"), """
                    .:%d {
                        forward . 127.0.0.1:%d
                        loop
                    }
                    """.formatted(port, port));
            r = JarRun.run(JAR, DEADLINE, "-conf", corefile.toString());
        } while (r.err().contains("Address already in use") && ++attempt < 5);

        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains("[ERROR] plugin/loop: Loop (127.0.0.1:", ":" + port + ") detected for zone \".\"",
                "see https://coredns.io/plugins/loop#troubleshooting", "Exiting.");
        assertThat(r.hasStackTrace()).isFalse();
    }

    /**
     * The signals CoreDNS answers: SIGUSR1 reads the Corefile again at once (no reload plugin
     * here), SIGHUP is ignored, SIGTERM shuts down cleanly and the exit code is 0.
     */
    @Test
    void signalsReloadIgnoreAndStopAsCoreDns(@TempDir Path dir) throws Exception {
        Path manifests = ApiValidManifests.write(dir.resolve("m"));
        String corefile = """
                .:0 {
                    kubernetes cluster.local {
                        manifests %s
                        ttl %s
                    }
                }
                """;
        Path file = Files.writeString(dir.resolve("Corefile"), corefile.formatted(manifests, "30"));
        try (ChildProcess server = ChildProcess.start("dns-server", dir.resolve("server.log"), List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "-conf", file.toString()))) {
            Matcher listening = Pattern.compile("listening on udp \\[::\\]:(\\d+)").matcher(server.awaitLog("dns-server listening on"));
            assertThat(listening.find()).isTrue();
            int port = Integer.parseInt(listening.group(1));
            try (UdpClient client = new UdpClient(port)) {
                Files.writeString(file, corefile.formatted(manifests, "60"));
                Commands.check("kill", "-USR1", Long.toString(server.pid()));
                Await.until("the Corefile read again on SIGUSR1", () -> Wire.texts(client.exchange(Wire.query(1, "web.shop.svc.cluster.local.",
                        Type.A)), Section.ANSWER), a -> a.equals(List.of("web.shop.svc.cluster.local. 60 A " + ApiValidManifests.WEB_IP)));

                Commands.check("kill", "-HUP", Long.toString(server.pid()));
                if (catches(server.pid(), 1)) {
                    server.awaitLog("SIGHUP: ignored");
                } // else started with SIGHUP ignored (under nohup): the JVM leaves it so, and so it is ignored all the same
                assertThat(client.exchange(Wire.query(2, "web.shop.svc.cluster.local.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
            }
            assertThat(server.terminate()).as(server.log()).isZero();
            assertThat(server.log()).contains("SIGTERM: Shutting down servers then terminating", "stopped");
        }
    }

    /**
     * Whether process {@code pid} has a handler for signal {@code number} (its SigCgt mask): a
     * signal ignored when the JVM started (nohup ignores SIGHUP) is left ignored by the JVM.
     */
    static boolean catches(long pid, int number) throws java.io.IOException {
        String caught = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("SigCgt:"))
                .findFirst().orElseThrow().substring("SigCgt:".length()).strip();
        return (Long.parseUnsignedLong(caught, 16) & (1L << (number - 1))) != 0;
    }
}
