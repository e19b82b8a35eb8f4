package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.manifest.ManifestSnapshots;
import io.clusterdns.k8s.persist.SnapshotStore;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.ChildProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The documented fast start, through the real jar: {@code java -XX:SharedArchiveFile=...jsa -jar}
 * with the archive the package phase trained (StartupTraining), restarted while the API server is
 * down, answers from the persisted snapshot and says on {@code /ready} why it is stale; and the
 * same flag with no archive at that path is no error. Behaviour only: the time from exec to the
 * first answer is a benchmark (bench/first-answer.sh), not asserted here.
 */
class StartupArchiveIT {
    static final Path ARCHIVE = Path.of("target/clusterdns-dns-server.jsa");
    static final String CLUSTER = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec:
              clusterIP: 10.96.7.20
              ports: [{name: http, port: 80, protocol: TCP}]
            """;

    @TempDir
    Path dir;

    @Test
    void theTrainedArchiveStartsAServerThatAnswersFromThePersistedSnapshot() throws Exception {
        assumeThat(Files.isRegularFile(ARCHIVE) && !Files.getLastModifiedTime(ARCHIVE).toInstant()
                .isBefore(Files.getLastModifiedTime(CommandLineIT.JAR).toInstant()))
                .as("the package phase trains " + ARCHIVE + " after the jar (not with -Dstartup.archive.skip)").isTrue();
        // -Xshare:on: an archive the JVM cannot map (another jar, another JDK) is an error here, not a silent slow start
        restartAnswersFromTheSnapshot("-Xshare:on", "-XX:SharedArchiveFile=" + ARCHIVE);
    }

    @Test
    void aMissingArchiveIsNoErrorTheServerStartsWithoutIt() throws Exception {
        restartAnswersFromTheSnapshot("-XX:SharedArchiveFile=" + dir.resolve("none.jsa"));
    }

    private void restartAnswersFromTheSnapshot(String... jvmFlags) throws Exception {
        Path snapshot = dir.resolve("cluster.snapshot");
        new SnapshotStore(snapshot).write(ManifestSnapshots.parse(CLUSTER), Instant.now());
        int down;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            down = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(jvmFlags));
        command.addAll(List.of("-jar", CommandLineIT.JAR.toString(), "--master", "http://127.0.0.1:" + down,
                "--snapshot-file", snapshot.toString(), "--listen", "127.0.0.1:0", "--health", "off", "--metrics", "off",
                "--ready", "127.0.0.1:0"));
        try (ChildProcess server = ChildProcess.start("dns-server", dir.resolve("server.log"), command)) {
            String started = server.awaitLog("dns-server listening on");
            int port = group(started, "listening on udp 127\\.0\\.0\\.1:(\\d+)");
            ListenAddress ready = ListenAddress.of("127.0.0.1:" + group(started, "/ready 127\\.0\\.0\\.1:(\\d+)"));
            try (UdpClient client = new UdpClient(port)) {
                Await.until("web answered from the persisted snapshot", () -> Wire.texts(client.exchange(
                        Wire.query(1, "web.shop.svc.cluster.local.", Type.A)), Section.ANSWER),
                        a -> a.equals(List.of("web.shop.svc.cluster.local. 5 A 10.96.7.20")));
            }
            Http.Reply r = Http.get(ready, "/ready");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).startsWith("OK; kubernetes: stale: serving the snapshot persisted in " + snapshot.toAbsolutePath());
            assertThat(server.terminate()).as(server.log()).isZero();
        }
    }

    private static int group(String log, String regex) throws IOException {
        Matcher m = Pattern.compile(regex).matcher(log);
        if (!m.find()) {
            throw new IOException("no match for " + regex + " in " + log);
        }
        return Integer.parseInt(m.group(1));
    }
}
