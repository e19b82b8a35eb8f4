package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.ChildProcess;
import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.NetNamespaces;
import io.clusterdns.k8s.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * Touches nothing in the root namespace: the namespace and its {@code /etc/netns} resolv.conf
 * are created here and always removed ({@link NetNamespaces}), and only the started process is
 * stopped (SIGTERM to its PID, which must shut down cleanly).
 */
class GlibcResolutionIT {
    static final Path JAR = Path.of("target/clusterdns-dns-server.jar").toAbsolutePath();
    static final Path EXAMPLES = Path.of("../k8s/examples").toAbsolutePath().normalize();
    static final Duration DEADLINE = Await.DEADLINE;

    @TempDir
    Path logDir;

    NetNamespaces namespaces;
    String namespace;
    ChildProcess server;

    @BeforeEach
    void createNamespaceAndStartServer() throws Exception {
        requirePrivileges();
        namespaces = new NetNamespaces("glibc");
        namespaces.deleteLeftovers();
        namespace = namespaces.create("pod");
        namespaces.resolvConf(namespace, """
                nameserver 127.0.0.1
                search default.svc.cluster.local svc.cluster.local cluster.local
                options ndots:5
                """);
        server = ChildProcess.start("dns-server", logDir.resolve("server.log"), List.of(NetNamespaces.execCommand(namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(),
                "--manifests", EXAMPLES.toString(), "--listen", "127.0.0.1:53", "--zone", "cluster.local",
                "--zone", "in-addr.arpa", "--udp-sockets", "2")));
        server.awaitLog("dns-server listening on");
    }

    @AfterEach
    void stopServerAndDeleteNamespace() throws Exception {
        try {
            if (server != null) {
                server.stop();
            }
        } finally {
            if (namespaces != null) {
                namespaces.close();
            }
        }
    }

    @Test
    void glibcResolvesServicesThroughThePodSearchList() throws Exception {
        Commands.Result shortName = NetNamespaces.exec(namespace, "getent", "hosts", "web");
        Commands.Result fullName = NetNamespaces.exec(namespace, "getent", "ahosts", "web.default.svc.cluster.local");
        Commands.Result otherNamespace = NetNamespaces.exec(namespace, "getent", "hosts", "kube-dns.kube-system");
        Commands.Result reverse = NetNamespaces.exec(namespace, "getent", "hosts", "10.96.45.100");
        Commands.Result missing = NetNamespaces.exec(namespace, "getent", "hosts", "no-such-service");

        assertThat(shortName.exitCode()).as(shortName.output()).isZero();
        assertThat(shortName.output().trim().split("\\s+")).containsExactly("10.96.45.100", "web.default.svc.cluster.local");
        assertThat(fullName.output()).contains("10.96.45.100    STREAM web.default.svc.cluster.local");
        assertThat(otherNamespace.output()).startsWith("10.96.0.10");
        assertThat(reverse.output().trim().split("\\s+")).containsExactly("10.96.45.100", "web.default.svc.cluster.local");
        assertThat(missing.exitCode()).as("not found").isEqualTo(2);

        assertThat(server.stop()).as("stops on SIGTERM").isTrue();
        assertThat(server.log()).as("clean shutdown").contains("dns-server on 127.0.0.1:53 stopped");
    }

    static void requirePrivileges() {
        NetNamespaces.requirePrivileges("network namespaces");
        Privileged.requireTool("getent", "libc-bin");
        Privileged.require(Files.isRegularFile(JAR), JAR + " is missing: run through mvn verify, which packages it before this test");
    }
}
