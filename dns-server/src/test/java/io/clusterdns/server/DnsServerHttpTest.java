package io.clusterdns.server;

import io.clusterdns.server.http.HttpConfig;
import static io.clusterdns.server.TestCluster.WEB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.testing.Await;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code /health}, {@code /ready}, the start-up gate and lameduck, over real HTTP (the JDK client)
 * and real UDP, with a fake cluster source the test publishes into and fails at will.
 *
 * <pre>
 * servers      127.0.0.1, free ports for DNS and for each HTTP endpoint (TestCluster.ephemeralHttp())
 * cluster      TestCluster: default/web 10.96.45.100 in cluster.local
 * unsynced     the fake source says "services waiting, endpointslices waiting, namespaces synced"
 * failed       "services: forbidden" (as an informer refused by RBAC)
 * lameduck     1 minute when the test ends it with close(), 100 ms when it ends by itself
 * </pre>
 *
 * Waits repeat a request until its answer changes ({@link Await}, 30 s); nothing sleeps.
 */
class DnsServerHttpTest {
    static final String FORBIDDEN = "services: forbidden: User \"system:serviceaccount:kube-system:coredns\" cannot list";

    static ServerConfig config() {
        return TestCluster.config().withHttp(TestCluster.ephemeralHttp());
    }

    static ListenAddress health(DnsServer s) {
        return s.healthAddress().orElseThrow();
    }

    static ListenAddress ready(DnsServer s) {
        return s.readyAddress().orElseThrow();
    }

    static int rcode(UdpClient client, int id) {
        return client.exchange(Wire.query(id, WEB, Type.A)).getRcode();
    }

    @Test
    void notReadyAndServfailUntilSyncedThenReadyAndAnswering() {
        SnapshotSource source = new SnapshotSource(null);
        try (DnsServer server = DnsServer.start(config(), source); UdpClient client = new UdpClient(server.port())) {
            Http.Reply notReady = Http.get(ready(server), "/ready");
            assertThat(notReady.status()).isEqualTo(503);
            assertThat(notReady.body()).isEqualTo("kubernetes: " + SnapshotSource.WAITING);
            assertThat(rcode(client, 1)).as("never NXDOMAIN before the first sync").isEqualTo(Rcode.SERVFAIL);
            assertThat(Http.get(health(server), "/health")).isEqualTo(new Http.Reply(200, "OK", "text/plain; charset=utf-8"));

            source.publish(TestCluster.snapshot());

            assertThat(Http.get(ready(server), "/ready")).isEqualTo(new Http.Reply(200, "OK", "text/plain; charset=utf-8"));
            assertThat(Wire.texts(client.exchange(Wire.query(2, WEB, Type.A)), Section.ANSWER)).containsExactly(WEB + " 5 A 10.96.45.100");
        }
    }

    @Test
    void healthIs503WithTheReasonOnceTheSourceStoppedForGood() {
        SnapshotSource source = new SnapshotSource(TestCluster.snapshot());
        try (DnsServer server = DnsServer.start(config(), source); UdpClient client = new UdpClient(server.port())) {
            assertThat(Http.get(health(server), "/health").status()).isEqualTo(200);

            source.failForGood(FORBIDDEN);

            assertThat(Http.get(health(server), "/health")).isEqualTo(new Http.Reply(503, "kubernetes: " + FORBIDDEN,
                    "text/plain; charset=utf-8"));
            assertThat(Http.get(ready(server), "/ready").status()).as("the last snapshot keeps serving").isEqualTo(200);
            assertThat(rcode(client, 3)).isEqualTo(Rcode.NOERROR);
        }
    }

    @Test
    void eachEndpointServesOnlyItsPath() {
        try (DnsServer server = DnsServer.start(config(), new SnapshotSource(TestCluster.snapshot()))) {
            Http.Reply wrong = Http.get(health(server), "/ready");
            Http.Reply metrics = Http.get(server.metricsAddress().orElseThrow(), "/metrics");

            assertThat(wrong.status()).isEqualTo(404);
            assertThat(wrong.body()).contains("/health");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
            assertThat(metrics.body()).contains("# TYPE clusterdns_snapshot_publish_total counter");
        }
    }

    @Test
    void endpointsTurnedOffDoNotListen() {
        ListenAddress any = ListenAddress.of("127.0.0.1:0");
        HttpConfig onlyReady = new HttpConfig(Optional.empty(), Optional.of(any), Optional.empty(), Duration.ZERO);
        try (DnsServer server = DnsServer.start(TestCluster.config().withHttp(onlyReady), new SnapshotSource(TestCluster.snapshot()))) {
            assertThat(server.healthAddress()).isEmpty();
            assertThat(server.metricsAddress()).isEmpty();
            assertThat(Http.get(ready(server), "/ready").status()).isEqualTo(200);
        }
    }

    @Test
    void endpointsGivenTheSameAddressShareOneServer() throws IOException {
        ListenAddress shared = ListenAddress.of("127.0.0.1:" + freePort());
        HttpConfig http = new HttpConfig(Optional.of(shared), Optional.of(shared), Optional.of(shared), Duration.ZERO);
        try (DnsServer server = DnsServer.start(TestCluster.config().withHttp(http), new SnapshotSource(TestCluster.snapshot()))) {
            assertThat(server.healthAddress()).hasValue(shared);
            assertThat(Http.get(shared, "/health").status()).isEqualTo(200);
            assertThat(Http.get(shared, "/ready").status()).isEqualTo(200);
            assertThat(Http.get(shared, "/metrics").status()).isEqualTo(200);
        }
    }

    @Test
    void aBusyHttpPortStopsTheStartWithTheBindError() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ListenAddress taken = ListenAddress.of("127.0.0.1:" + busy.getLocalPort());
            HttpConfig http = new HttpConfig(Optional.of(taken), Optional.empty(), Optional.empty(), Duration.ZERO);
            SnapshotSource source = new SnapshotSource(TestCluster.snapshot());

            assertThatThrownBy(() -> DnsServer.start(TestCluster.config().withHttp(http), source))
                    .hasMessageStartingWith("cannot start /health on " + taken + ": ")
                    .hasMessageContaining("in use");
            assertThat(source.closed()).isTrue();
        }
    }

    @Test
    void waitsForTheFirstSnapshotBeforeListening() throws Exception {
        SnapshotSource source = new SnapshotSource(null);
        ServerConfig config = config().withStartupTimeout(Duration.ofMinutes(1));
        CompletableFuture<DnsServer> starting = CompletableFuture.supplyAsync(() -> DnsServer.start(config, source));
        try {
            assertThat(source.awaitStarted(Await.DEADLINE.toSeconds())).isTrue();
            assertThat(starting).as("still waiting for the API").isNotDone();

            source.publish(TestCluster.snapshot());

            DnsServer server = starting.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            try (UdpClient client = new UdpClient(server.port())) {
                assertThat(rcode(client, 4)).as("the very first query has the answer").isEqualTo(Rcode.NOERROR);
                assertThat(Http.get(ready(server), "/ready").status()).isEqualTo(200);
            }
        } finally {
            starting.thenAccept(DnsServer::close).get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /**
     * The source's start (a manifest read) runs beside the HTTP endpoints' start: while it runs,
     * {@code /ready} already answers, 503 with what the kubernetes plugin waits for, and turns 200
     * only once the cluster zone answers.
     */
    @Test
    void readyIs503WhileTheSourceStartsBesideTheEndpoints() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SnapshotSource source = SnapshotSource.startingWhen(release, TestCluster.snapshot());
        ListenAddress readyAt = ListenAddress.of("127.0.0.1:" + freePort());
        HttpConfig http = new HttpConfig(Optional.empty(), Optional.of(readyAt), Optional.empty(), Duration.ZERO);
        CompletableFuture<DnsServer> starting = CompletableFuture.supplyAsync(() -> DnsServer.start(TestCluster.config().withHttp(http), source));
        try {
            assertThat(source.awaitStarted(Await.DEADLINE.toSeconds())).isTrue();
            Http.Reply during = Http.await(readyAt, "/ready", r -> true);
            assertThat(during.status()).isEqualTo(503);
            assertThat(during.body()).isEqualTo("kubernetes: " + SnapshotSource.WAITING);
            assertThat(starting).as("the source is still starting").isNotDone();

            release.countDown();

            DnsServer server = starting.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            try (UdpClient client = new UdpClient(server.port())) {
                assertThat(Http.get(readyAt, "/ready").status()).isEqualTo(200);
                assertThat(Wire.texts(client.exchange(Wire.query(6, WEB, Type.A)), Section.ANSWER)).as("the very first query has the answer")
                        .containsExactly(WEB + " 5 A 10.96.45.100");
            }
        } finally {
            release.countDown();
            starting.thenAccept(DnsServer::close).get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** A source that cannot start (a bad manifest) is the start's error; the endpoints started beside it are closed again. */
    @Test
    void aSourceThatCannotStartClosesTheEndpointsStartedBesideIt() throws IOException {
        ListenAddress readyAt = ListenAddress.of("127.0.0.1:" + freePort());
        HttpConfig http = new HttpConfig(Optional.empty(), Optional.of(readyAt), Optional.empty(), Duration.ZERO);
        SnapshotSource failing = SnapshotSource.failingToStart(
                new IllegalStateException("manifests/web.yaml document 1: spec.ports[0].port: must be 1..65535, got 0"));

        assertThatThrownBy(() -> DnsServer.start(TestCluster.config().withHttp(http), failing))
                .hasMessage("manifests/web.yaml document 1: spec.ports[0].port: must be 1..65535, got 0");

        assertThat(failing.closed()).isTrue();
        assertRefused(readyAt);
    }

    @Test
    void lameduckTurnsReadyTo503WhileServingThenCloses() throws Exception {
        ServerConfig config = config().withHttp(TestCluster.ephemeralHttp().withLameduck(Duration.ofMinutes(1)));
        SnapshotSource source = new SnapshotSource(TestCluster.snapshot());
        DnsServer server = DnsServer.start(config, source);
        int port = server.port();
        ListenAddress health = health(server);
        try (UdpClient client = new UdpClient(port)) {
            CompletableFuture<Void> sigterm = CompletableFuture.runAsync(server::shutdown);

            assertThat(Http.await(ready(server), "/ready", r -> r.status() == 503).body()).isEqualTo("shutting down");
            assertThat(Http.get(health, "/health").status()).as("still alive").isEqualTo(200);
            assertThat(rcode(client, 5)).as("still answering").isEqualTo(Rcode.NOERROR);
            assertThat(sigterm).isNotDone();
            assertThat(source.closed()).isFalse();

            server.close(); // ends the lameduck early, as a second signal would
            sigterm.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(source.closed()).isTrue();
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close()).isInstanceOf(ConnectException.class);
        assertRefused(health);
    }

    @Test
    void lameduckEndsByItself() throws Exception {
        ServerConfig config = config().withHttp(TestCluster.ephemeralHttp().withLameduck(Duration.ofMillis(100)));
        SnapshotSource source = new SnapshotSource(TestCluster.snapshot());
        DnsServer server = DnsServer.start(config, source);

        CompletableFuture.runAsync(server::shutdown).get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);

        assertThat(source.closed()).isTrue();
        assertRefused(health(server));
    }

    /**
     * The HTTP listener is gone. Asked with a plain connect, not an HTTP request: the shared client
     * may still hold a pooled (h2c-upgraded) connection, whose next request fails with the server's
     * GOAWAY instead of a refused connect, depending on when the client read it.
     */
    private static void assertRefused(ListenAddress address) {
        assertThatThrownBy(() -> new Socket(address.address(), address.port()).close()).isInstanceOf(ConnectException.class);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
