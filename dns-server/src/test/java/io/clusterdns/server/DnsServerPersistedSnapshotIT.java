package io.clusterdns.server;

import static io.clusterdns.server.DnsServerKubernetesIT.endpoint;
import static io.clusterdns.server.DnsServerKubernetesIT.headless;
import static io.clusterdns.server.DnsServerKubernetesIT.namespace;
import static io.clusterdns.server.DnsServerKubernetesIT.service;
import static io.clusterdns.server.DnsServerKubernetesIT.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.persist.PersistedSnapshot;
import io.clusterdns.k8s.persist.SnapshotStore;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.MockApiServerProcess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Issue 13's acceptance for the persisted snapshot, with the server started through main's wiring
 * (as {@link DnsServerKubernetesIT}) against the mock API server in a child JVM:
 *
 * <ol>
 *   <li>the API server is up; a first DNS server follows it and writes its snapshot file;</li>
 *   <li>that server stops; the cluster changes (db deleted, late created) unseen by any DNS server;</li>
 *   <li>the API server stops; a second DNS server starts with the same command line: it answers every
 *       name the first knew (db too: stale) from the file, {@code /ready} is 200 and says why it is
 *       stale, {@code clusterdns_cluster_snapshot_stale} is 1;</li>
 *   <li>the API server comes back on the same URL: live data replaces the snapshot (db NXDOMAIN, late
 *       answered), {@code /ready} says OK, stale is 0, and the file is rewritten.</li>
 * </ol>
 *
 * The time from the second start to its first correct answer is printed, not asserted.
 */
class DnsServerPersistedSnapshotIT {
    MockApiServerProcess api;
    KubernetesClient kube;
    DnsServer server;
    UdpClient dns;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        stopDnsServer();
        if (kube != null) {
            kube.close();
        }
        if (api != null) {
            api.close();
        }
    }

    void startDnsServer(Path snapshotFile) {
        ServerConfig config = DnsServerMainTest.config("--master", api.url(), "--snapshot-file", snapshotFile.toString(),
                "--listen", "127.0.0.1:0", "--udp-sockets", "1", "--zone", "cluster.local", "--startup-timeout", "5s",
                "--health", "127.0.0.1:0", "--ready", "127.0.0.1:0", "--metrics", "127.0.0.1:0");
        server = DnsServerMain.start(config);
        dns = new UdpClient(server.port());
    }

    void stopDnsServer() {
        if (dns != null) {
            dns.close();
            dns = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Test
    void aRestartWhileTheApiServerIsDownAnswersFromThePersistedSnapshotUntilLiveDataReplacesIt() {
        api = MockApiServerProcess.launch();
        kube = api.client();
        Path file = dir.resolve("dns.snapshot");
        create(namespace("warm"), service("warm", "web", "10.96.3.20", "http", 80), service("warm", "db", "10.96.3.30", "pg", 5432),
                headless("warm", "mongo"), slice("warm", "mongo-a", "mongo", endpoint("10.244.3.10", true)));

        startDnsServer(file);
        awaitAnswers("mongo.warm", Type.A, "mongo.warm.svc.cluster.local. 5 A 10.244.3.10");
        Await.until("the snapshot file written with the three services", () -> persisted(file)
                .filter(p -> p.snapshot().services().keySet().containsAll(List.of(ServiceKey.of("warm", "web"), ServiceKey.of("warm", "db"),
                        ServiceKey.of("warm", "mongo"))) && !p.snapshot().slices(ServiceKey.of("warm", "mongo")).isEmpty())
                .isPresent());
        stopDnsServer();

        kube.resource(service("warm", "db", "10.96.3.30", "pg", 5432)).delete();
        create(service("warm", "late", "10.96.3.40", "http", 80));
        api.stop();

        long started = System.nanoTime();
        startDnsServer(file);
        Await.until("web answered from the persisted snapshot", () -> answers("web.warm", Type.A),
                List.of("web.warm.svc.cluster.local. 5 A 10.96.3.20")::equals);
        long firstAnswerMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        System.out.println("persisted snapshot: first correct answer " + firstAnswerMillis
                + " ms after DnsServerMain.start (API server down, in-process start)");

        assertThat(answers("db.warm", Type.A)).as("stale, but known").containsExactly("db.warm.svc.cluster.local. 5 A 10.96.3.30");
        assertThat(answers("mongo.warm", Type.A)).containsExactly("mongo.warm.svc.cluster.local. 5 A 10.244.3.10");
        assertThat(rcode("late.warm", Type.A)).as("never seen").isEqualTo(Rcode.NXDOMAIN);
        Http.Reply ready = Http.get(readyAddress(), "/ready");
        assertThat(ready.status()).as("answers, so it stays in the Service").isEqualTo(200);
        assertThat(ready.body()).startsWith("OK; kubernetes: stale: serving the snapshot persisted in " + file.toAbsolutePath())
                .contains("until the Kubernetes API syncs: ", "services waiting");
        assertThat(metric("clusterdns_cluster_snapshot_stale")).isEqualTo(1);
        assertThat(metric("clusterdns_cluster_snapshot_stale_age_seconds")).isGreaterThanOrEqualTo(0);

        api.start();
        awaitAnswers("late.warm", Type.A, "late.warm.svc.cluster.local. 5 A 10.96.3.40");
        awaitRcode("db.warm", Type.A, Rcode.NXDOMAIN);
        assertThat(answers("web.warm", Type.A)).containsExactly("web.warm.svc.cluster.local. 5 A 10.96.3.20");
        Http.await(readyAddress(), "/ready", r -> r.status() == 200 && r.body().equals("OK"));
        assertThat(metric("clusterdns_cluster_snapshot_stale")).isZero();
        assertThat(metric("clusterdns_cluster_snapshot_stale_age_seconds")).isZero();
        Await.until("the file rewritten with live data", () -> persisted(file)
                .filter(p -> p.snapshot().service(ServiceKey.of("warm", "late")) != null && p.snapshot().service(ServiceKey.of("warm", "db")) == null)
                .isPresent());
        assertThat(metric("clusterdns_snapshot_file_writes_total")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aCorruptFileCostsOneLogLineAndTheServerStartsColdAsWithout() throws Exception {
        api = MockApiServerProcess.launch();
        kube = api.client();
        create(namespace("cold2"), service("cold2", "web", "10.96.4.20", "http", 80));
        Path file = java.nio.file.Files.writeString(dir.resolve("bad.snapshot"), "CDNSSNAP but not really");
        api.stop();
        startDnsServer(file);
        assertThat(rcode("web.cold2", Type.A)).as("no snapshot: SERVFAIL until synced, as without persistence").isEqualTo(Rcode.SERVFAIL);
        assertThat(Http.get(readyAddress(), "/ready").status()).isEqualTo(503);
        assertThat(metric("clusterdns_cluster_snapshot_stale")).isZero();
        api.start();
        awaitAnswers("web.cold2", Type.A, "web.cold2.svc.cluster.local. 5 A 10.96.4.20");
        Await.until("the bad file replaced by a good one", () -> persisted(file).isPresent());
    }

    // --- helpers ---

    void create(HasMetadata... objects) {
        for (HasMetadata o : objects) {
            kube.resource(o).create();
        }
    }

    static Optional<PersistedSnapshot> persisted(Path file) {
        try {
            return new SnapshotStore(file).read();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    ListenAddress readyAddress() {
        return server.readyAddress().orElseThrow();
    }

    double metric(String name) {
        System.gc(); // the meters must not depend on objects only Micrometer's weak references hold
        Scrape scrape = new Scrape(Http.get(server.metricsAddress().orElseThrow(), "/metrics").body());
        return scrape.value(name, Map.of());
    }

    List<String> answers(String name, int type) {
        return Wire.texts(dns.exchange(Wire.query(1, name + ".svc.cluster.local.", type)), Section.ANSWER);
    }

    int rcode(String name, int type) {
        return dns.exchange(Wire.query(1, name + ".svc.cluster.local.", type)).getRcode();
    }

    void awaitAnswers(String name, int type, String... expected) {
        List<String> want = List.of(expected);
        Await.until("DNS to answer " + name + " " + Type.string(type) + " = " + want, () -> answers(name, type), want::equals);
    }

    void awaitRcode(String name, int type, int rcode) {
        Await.until("DNS to answer " + name + " " + Rcode.string(rcode), () -> rcode(name, type) == rcode);
    }
}
