package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.Privileged;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * glibc's stub resolver, as every pod uses it, against the shaded jar: a network namespace of its
 * own (only its loopback, up) gets a resolv.conf like a pod's, the jar serves {@code k8s/examples}
 * on 127.0.0.1:53 inside it, and {@code getent} resolves short and full names through the search
 * list. Runs after {@code package} (surefire's integration-test execution) because it needs the jar.
 *
 * <p>Needs root and {@code ip netns}; skips otherwise, fails under CLUSTERDNS_REQUIRE_PRIVILEGED=1.
 * Touches nothing in the root namespace: the namespace {@code cdns-test-<random>} and
 * {@code /etc/netns/<it>} are created here and always removed, and only the started process is
 * stopped (SIGTERM to its PID, which must shut down cleanly).
 */
class GlibcResolutionIT {
    static final Path JAR = Path.of("target/clusterdns-dns-server.jar").toAbsolutePath();
    static final Path EXAMPLES = Path.of("../k8s/examples").toAbsolutePath().normalize();
    static final Duration DEADLINE = Await.DEADLINE;
    static final Path NETNS_DIR = Path.of("/etc/netns");

    @TempDir
    Path logDir;

    String namespace;
    boolean createdNetnsDir;
    Path netnsEtc;
    Path serverLog;
    Process server;

    @BeforeEach
    void createNamespaceAndStartServer() throws Exception {
        requirePrivileges();
        namespace = "cdns-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        createdNetnsDir = !Files.exists(NETNS_DIR);
        netnsEtc = NETNS_DIR.resolve(namespace);
        serverLog = logDir.resolve("server.log");
        ip("netns", "add", namespace);
        ip("-n", namespace, "link", "set", "lo", "up");
        Files.createDirectories(netnsEtc);
        Files.writeString(netnsEtc.resolve("resolv.conf"), """
                nameserver 127.0.0.1
                search default.svc.cluster.local svc.cluster.local cluster.local
                options ndots:5
                """);
        server = new ProcessBuilder(Privileged.requireTool("ip", "iproute2"), "netns", "exec", namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(),
                "--manifests", EXAMPLES.toString(), "--listen", "127.0.0.1:53", "--zone", "cluster.local",
                "--zone", "in-addr.arpa", "--udp-sockets", "2")
                .redirectErrorStream(true).redirectOutput(serverLog.toFile()).start();
        awaitServerLog("dns-server listening on");
    }

    @AfterEach
    void stopServerAndDeleteNamespace() throws Exception {
        try {
            if (server != null) {
                server.destroy(); // SIGTERM to the one process this test started
                if (!server.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            }
        } finally {
            if (namespace != null) {
                ExternalTools.run(DEADLINE, "ip", "netns", "del", namespace);
            }
            if (netnsEtc != null && Files.exists(netnsEtc)) {
                Files.deleteIfExists(netnsEtc.resolve("resolv.conf"));
                Files.deleteIfExists(netnsEtc);
            }
            if (createdNetnsDir) {
                try (var left = Files.list(NETNS_DIR)) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(NETNS_DIR);
                    }
                }
            }
        }
    }

    @Test
    void glibcResolvesServicesThroughThePodSearchList() throws Exception {
        ExternalTools.Result shortName = inNamespace("getent", "hosts", "web");
        ExternalTools.Result fullName = inNamespace("getent", "ahosts", "web.default.svc.cluster.local");
        ExternalTools.Result otherNamespace = inNamespace("getent", "hosts", "kube-dns.kube-system");
        ExternalTools.Result reverse = inNamespace("getent", "hosts", "10.96.45.100");
        ExternalTools.Result missing = inNamespace("getent", "hosts", "no-such-service");

        assertThat(shortName.exitCode()).as(shortName.output()).isZero();
        assertThat(shortName.output().trim().split("\\s+")).containsExactly("10.96.45.100", "web.default.svc.cluster.local");
        assertThat(fullName.output()).contains("10.96.45.100    STREAM web.default.svc.cluster.local");
        assertThat(otherNamespace.output()).startsWith("10.96.0.10");
        assertThat(reverse.output().trim().split("\\s+")).containsExactly("10.96.45.100", "web.default.svc.cluster.local");
        assertThat(missing.exitCode()).as("not found").isEqualTo(2);

        server.destroy();
        assertThat(server.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        assertThat(Files.readString(serverLog)).as("clean shutdown").contains("dns-server on 127.0.0.1:53 stopped");
    }

    private ExternalTools.Result inNamespace(String... command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        all.addAll(List.of(command));
        return ExternalTools.run(DEADLINE, all.toArray(String[]::new));
    }

    private static void requirePrivileges() {
        Privileged.requireTool("ip", "iproute2");
        Privileged.requireTool("getent", "libc-bin");
        Privileged.require(Files.isRegularFile(JAR), JAR + " is missing: run through mvn verify, which packages it before this test");
        Privileged.requireRoot("network namespaces");
        ExternalTools.Result netns = ExternalTools.run(DEADLINE, "ip", "netns", "list");
        Privileged.require(netns.exitCode() == 0, "ip netns is unavailable: " + netns.output().trim());
    }

    private static void ip(String... args) {
        List<String> all = new ArrayList<>(List.of("ip"));
        all.addAll(List.of(args));
        ExternalTools.Result r = ExternalTools.run(DEADLINE, all.toArray(String[]::new));
        assertThat(r.exitCode()).as(String.join(" ", all) + ": " + r.output()).isZero();
    }

    /** Waits until the server's log contains {@code text}; gives up at the deadline or when the server exits, showing the log. */
    private void awaitServerLog(String text) {
        String log = Await.until("the server to log \"" + text + "\" (or exit)", this::serverLog,
                l -> l.contains(text) || !server.isAlive());
        if (!log.contains(text)) {
            throw new AssertionError("server exited before logging \"" + text + "\":\n" + serverLog());
        }
    }

    private String serverLog() {
        try {
            return Files.exists(serverLog) ? Files.readString(serverLog) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
