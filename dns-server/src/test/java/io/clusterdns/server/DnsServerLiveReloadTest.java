package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.manifest.ManifestClusterSource;
import io.clusterdns.k8s.manifest.ManifestException;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.testing.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * End to end through the same wiring as {@code main} ({@link DnsServerMain#start}): manifests in
 * a temporary folder, edited while the server runs.
 *
 * <p>Conventions: one Service default/web on 10.96.0.50, edited to 10.96.0.51, then broken
 * (port 70000). Waits are on the source's own notifications ({@link Await}), never on time.
 */
class DnsServerLiveReloadTest {
    static final String WEB = "web.default.svc.cluster.local.";

    @TempDir
    Path manifests;

    static String service(String clusterIp, int port) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                  namespace: default
                spec:
                  clusterIP: %s
                  ports:
                  - name: http
                    port: %d
                """.formatted(clusterIp, port);
    }

    /** Replaces the file in one step, as editors and kubectl-like tools do, so no half-written file is read. */
    void write(String yaml) throws IOException {
        Path tmp = Files.writeString(manifests.resolve(".web.yaml.tmp"), yaml);
        Files.move(tmp, manifests.resolve("web.yaml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void picksUpEditsAndKeepsTheLastGoodStateWhenAFileBreaks() throws Exception {
        write(service("10.96.0.50", 80));
        try (DnsServer server = DnsServerMain.start(TestCluster.config(manifests)); UdpClient client = new UdpClient(server.port())) {
            ManifestClusterSource source = (ManifestClusterSource) server.source();
            BlockingQueue<ClusterSnapshot> published = new LinkedBlockingQueue<>();
            BlockingQueue<ManifestException> errors = new LinkedBlockingQueue<>();
            source.subscribe(published::add); // called at once with the current snapshot
            source.onError(errors::add);
            long first = Await.next("the current snapshot", published).version();
            assertThat(answer(client, 1)).containsExactly(WEB + " 5 A 10.96.0.50");

            write(service("10.96.0.51", 80));
            // The server subscribed before this test, so its resolver has the snapshot by the time we see it.
            ClusterSnapshot next = Await.next("the reload of the edit", published);
            assertThat(next.version()).isGreaterThan(first);
            assertThat(answer(client, 2)).containsExactly(WEB + " 5 A 10.96.0.51");

            write(service("10.96.0.52", 70000));
            ManifestException error = Await.next("the broken edit reported", errors);
            assertThat(error.getMessage()).contains("web.yaml", "70000");
            assertThat(answer(client, 3)).as("previous answer stays").containsExactly(WEB + " 5 A 10.96.0.51");
            assertThat(source.lastError()).isPresent();
        }
    }

    private static List<String> answer(UdpClient client, int id) {
        Message m = client.exchange(Wire.query(id, WEB, Type.A));
        return Wire.texts(m, Section.ANSWER);
    }
}
