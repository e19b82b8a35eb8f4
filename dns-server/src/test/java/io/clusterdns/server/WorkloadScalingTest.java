package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.WorkloadManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Issue 14's acceptance, DNS half: scaling a Deployment or a StatefulSet in a manifest file
 * changes the answers of a running server (started as {@code main} does, queried over UDP on
 * 127.0.0.1), with no restart. The pods come from the workloads alone: no Pod is written.
 *
 * <p>Conventions: StatefulSet db behind headless service db (SRV and per-pod names), Deployment
 * web behind headless service web-pods (one A record per ready pod) and ClusterIP service web.
 */
class WorkloadScalingTest {
    static final String DB_SRV = "_pg._tcp.db.default.svc.cluster.local.";
    static final String WEB_PODS = "web-pods.default.svc.cluster.local.";

    @TempDir
    Path manifests;
    private final AtomicInteger ids = new AtomicInteger();

    static String cluster(int dbReplicas, int webReplicas) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: db, namespace: default}
                spec:
                  clusterIP: None
                  selector: {app: db}
                  ports: [{name: pg, port: 5432, targetPort: pg}]
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: default}
                spec:
                  serviceName: db
                  replicas: %d
                  selector: {matchLabels: {app: db}}
                  template:
                    metadata: {labels: {app: db}}
                    spec:
                      containers: [{name: pg, image: postgres:16, ports: [{name: pg, containerPort: 5432}]}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web-pods, namespace: default}
                spec:
                  clusterIP: None
                  selector: {app: web}
                  ports: [{name: http, port: 80, targetPort: http}]
                ---
                """.formatted(dbReplicas) + WorkloadManifests.web("10.96.0.80", webReplicas);
    }

    /** Replaces the file in one step, as editors do, so no half-written file is read. */
    void write(String yaml) throws IOException {
        Path tmp = Files.writeString(manifests.resolve(".apps.yaml.tmp"), yaml);
        Files.move(tmp, manifests.resolve("apps.yaml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void scalingWorkloadsInTheFileChangesTheAnswersLive() throws Exception {
        write(cluster(2, 2));
        try (DnsServer server = DnsServerMain.start(TestCluster.config(manifests)); UdpClient client = new UdpClient(server.port())) {
            List<String> webBefore = answers(client, WEB_PODS, Type.A);
            assertThat(webBefore).hasSize(2).allMatch(a -> a.contains(" A 10.244."));
            assertThat(answers(client, DB_SRV, Type.SRV)).hasSize(2)
                    .anySatisfy(a -> assertThat(a).endsWith(" 5432 db-1.db.default.svc.cluster.local."));
            assertThat(rcode(client, "db-2.db.default.svc.cluster.local.")).isEqualTo(Rcode.NXDOMAIN);
            assertThat(answers(client, "web.default.svc.cluster.local.", Type.A)).containsExactly("web.default.svc.cluster.local. 5 A 10.96.0.80");

            write(cluster(3, 4));
            List<String> webAfter = Await.until("web-pods to answer with 4 pods", () -> answers(client, WEB_PODS, Type.A), a -> a.size() == 4);
            assertThat(webAfter).as("the running pods keep their addresses").containsAll(webBefore);
            Await.until("db's SRV to list db-0..db-2", () -> answers(client, DB_SRV, Type.SRV), a -> a.size() == 3);
            assertThat(answers(client, "db-2.db.default.svc.cluster.local.", Type.A)).singleElement()
                    .satisfies(a -> assertThat(a).contains(" A 10.244."));

            write(cluster(1, 1));
            Await.until("web-pods to answer with 1 pod", () -> answers(client, WEB_PODS, Type.A), a -> a.size() == 1);
            Await.until("db-1 to leave DNS", () -> rcode(client, "db-1.db.default.svc.cluster.local."), r -> r == Rcode.NXDOMAIN);
            assertThat(answers(client, DB_SRV, Type.SRV)).singleElement().satisfies(a -> assertThat(a).endsWith(" db-0.db.default.svc.cluster.local."));
        }
    }

    private List<String> answers(UdpClient client, String name, int type) {
        Message m = client.exchange(Wire.query(ids.incrementAndGet() & 0xffff, name, type));
        return Wire.texts(m, Section.ANSWER);
    }

    private int rcode(UdpClient client, String name) {
        return client.exchange(Wire.query(ids.incrementAndGet() & 0xffff, name, Type.A)).getRcode();
    }
}
