package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.resolver.PodMode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import picocli.CommandLine;

/** The command line, run in-process through picocli: exit codes, one-line errors, flags → config. */
class DnsServerMainTest {
    @TempDir
    static Path manifests;

    /** Exit code, stdout and stderr of one in-process run. */
    record Run(int exitCode, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cmd = DnsServerMain.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static ServerConfig config(String... args) {
        CommandLine cmd = DnsServerMain.commandLine();
        cmd.parseArgs(args);
        return ((DnsServerMain) cmd.getCommand()).config();
    }

    static String[] withManifests(String... args) {
        List<String> all = new ArrayList<>(List.of("--manifests", manifests.toString()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    @Test
    void helpListsEveryFlagAndExitsZero() {
        Run r = run("--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--manifests=PATH", "--listen=ADDR:PORT", "--zone=ZONE", "--ttl=SECONDS", "--pods=MODE",
                "--namespaces=NS[,NS...]", "--endpoint-pod-names", "--ignore-empty-service", "--tcp-idle-timeout=DURATION",
                "--udp-sockets=N", "--version", "Default: 127.0.0.1:1053", "Default: 5.", "Default: 10s");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void versionExitsZero() {
        Run r = run("--version");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().trim()).matches("clusterdns-dns-server \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    static Stream<Object[]> badFlags() {
        return Stream.of(
                new Object[] {new String[0], "Missing required option: '--manifests=PATH'"},
                new Object[] {withManifests("--ttl", "9000"), "--ttl: must be 0..3600, got 9000"},
                new Object[] {withManifests("--ttl", "abc"), "--ttl: expected a whole number, got \"abc\""},
                new Object[] {withManifests("--listen", "localhost:53"), "--listen: expected ADDR:PORT like 127.0.0.1:1053, [::1]:1053 or :53, got \"localhost:53\""},
                new Object[] {withManifests("--listen", "127.0.0.1:70000"), "--listen: port must be 0..65535, got 70000"},
                new Object[] {withManifests("--pods", "maybe"), "--pods: must be disabled, insecure or verified, got \"maybe\""},
                new Object[] {withManifests("--zone", "in-addr.arpa"), "--zone: a forward zone such as cluster.local is required besides reverse zones"},
                new Object[] {withManifests("--zone", "a..b"), "--zone: invalid zone \"a..b\""},
                new Object[] {withManifests("--namespaces", "prod,Bad_NS"), "--namespaces: \"Bad_NS\" is not a valid namespace name"},
                new Object[] {withManifests("--tcp-idle-timeout", "0s"), "--tcp-idle-timeout: must be 1ms..1h, got PT0S"},
                new Object[] {withManifests("--udp-sockets", "100"), "--udp-sockets: must be 0..64 (0 = one per CPU), got 100"},
                new Object[] {new String[] {"--manifests", "/no/such/manifests"}, "--manifests: no such file or folder: /no/such/manifests"},
                new Object[] {withManifests("--bogus"), "Unknown option: '--bogus'"},
                new Object[] {withManifests("--ttl"), "Missing required parameter for option '--ttl' (SECONDS)"});
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badFlags")
    void rejectsBadFlagsWithOneLineAndExitCode2(String[] args, String message) {
        Run r = run(args);

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("clusterdns-dns-server: " + message + " (see --help)" + System.lineSeparator());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aBadManifestExits1NamingFileDocumentAndField(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.yaml"), """
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                  namespace: default
                spec:
                  ports:
                  - port: 70000
                """);

        Run r = run("--manifests", dir.toString(), "--listen", "127.0.0.1:0");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("clusterdns-dns-server: " + dir.resolve("bad.yaml")
                + " document 1 (line 8): spec.ports[0].port: must be 1..65535, got 70000" + System.lineSeparator());
    }

    @Test
    void anAddressInUseExits1() {
        try (DnsServer running = DnsServer.start(TestCluster.config(), new SnapshotSource(TestCluster.snapshot()))) {
            Run r = run(withManifests("--listen", "127.0.0.1:" + running.port()));

            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).startsWith("clusterdns-dns-server: cannot start listeners on 127.0.0.1:" + running.port() + ": ")
                    .contains("in use");
        }
    }

    @Test
    void defaultsWithOnlyManifests() {
        ServerConfig c = config(withManifests());

        assertThat(c).isEqualTo(ServerConfig.defaults(manifests));
    }

    @Test
    void everyFlagReachesTheConfig() {
        ServerConfig c = config(withManifests("--listen", "[::1]:5353", "--zone", "k8s.example", "--zone", "10.in-addr.arpa",
                "--zone", "ip6.arpa", "--ttl", "30", "--pods", "verified", "--namespaces", "prod,staging", "--namespaces", "dev",
                "--endpoint-pod-names", "--ignore-empty-service", "--tcp-idle-timeout", "1500ms", "--udp-sockets", "3"));

        assertThat(c.listen()).hasToString("[::1]:5353");
        assertThat(c.zones()).containsExactly(Name.fromConstantString("k8s.example."),
                Name.fromConstantString("10.in-addr.arpa."), Name.fromConstantString("ip6.arpa."));
        assertThat(c.ttl()).isEqualTo(30);
        assertThat(c.podMode()).isEqualTo(PodMode.VERIFIED);
        assertThat(c.namespaces()).containsExactlyInAnyOrder("prod", "staging", "dev");
        assertThat(c.endpointPodNames()).isTrue();
        assertThat(c.ignoreEmptyService()).isTrue();
        assertThat(c.tcpIdleTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.udpSockets()).isEqualTo(3);
    }
}
