package io.clusterdns.server;

import static io.clusterdns.server.DnsServerKubernetesIT.endpoint;
import static io.clusterdns.server.DnsServerKubernetesIT.headless;
import static io.clusterdns.server.DnsServerKubernetesIT.namespace;
import static io.clusterdns.server.DnsServerKubernetesIT.service;
import static io.clusterdns.server.DnsServerKubernetesIT.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.informer.InformerClusterSource;
import io.clusterdns.k8s.testing.ApiFaultProxy;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.MockApiServerProcess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * API-server faults as the DNS server's users see them (issue 13, item 6): the server follows the
 * mock API server ({@link MockApiServerProcess}, a child JVM that stays up) through an
 * {@link ApiFaultProxy} that makes the API unreachable, answer 500, or forbid EndpointSlices;
 * objects are changed on the API server directly, answers are checked over real UDP and
 * readiness on /ready.
 *
 * <pre>
 * namespaces   one per test
 * cut/web      ClusterIP 10.96.3.20 → 10.96.3.21 while unreachable; cut/late 10.96.3.40 created while unreachable
 * flaky/web    ClusterIP 10.96.4.20, the API answering 500 when the server starts
 * rbac/mongo   headless; slice mongo-a 10.244.5.10, EndpointSlices forbidden when the server starts
 * </pre>
 */
class KubernetesApiFaultsIT {
    static final String SLICES = "/apis/discovery.k8s.io/v1/endpointslices";
    /** Twice the longest default watch timeout (2 min) and room for the reconnect back-off. */
    static final java.time.Duration CUT_WATCH_DEADLINE = java.time.Duration.ofMinutes(5);

    static MockApiServerProcess api;
    static KubernetesClient kube;

    ApiFaultProxy proxy;
    DnsServer server;
    UdpClient dns;

    @BeforeAll
    static void launchApiServer() {
        api = MockApiServerProcess.launch();
        kube = api.client();
    }

    @AfterAll
    static void quitApiServer() {
        if (kube != null) {
            kube.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @BeforeEach
    void proxy() {
        proxy = new ApiFaultProxy(api.url());
    }

    @AfterEach
    void stop() {
        if (dns != null) {
            dns.close();
        }
        if (server != null) {
            server.close();
        }
        proxy.close();
    }

    void startDnsServer(String startupTimeout) {
        ServerConfig config = DnsServerMainTest.config("--master", proxy.url(), "--listen", "127.0.0.1:0", "--udp-sockets", "1",
                "--zone", "cluster.local", "--startup-timeout", startupTimeout,
                "--health", "127.0.0.1:0", "--ready", "127.0.0.1:0", "--metrics", "off");
        server = DnsServerMain.start(config);
        dns = new UdpClient(server.port());
    }

    ListenAddress ready() {
        return server.readyAddress().orElseThrow();
    }

    int health() {
        return Http.get(server.healthAddress().orElseThrow(), "/health").status();
    }

    @Test
    void anUnreachableApiServerKeepsTheLastAnswersReadyAndTheChangesMadeMeanwhileArriveWhenItIsBack() {
        create(namespace("cut"), service("cut", "web", "10.96.3.20", "http", 80));
        startDnsServer("30s");
        awaitWatching();

        proxy.mode(ApiFaultProxy.Mode.REFUSE);
        update(service("cut", "web", "10.96.3.21", "http", 80));
        create(service("cut", "late", "10.96.3.40", "http", 80));
        assertThat(answers("web.cut", Type.A)).containsExactly("web.cut.svc.cluster.local. 5 A 10.96.3.20");
        assertThat(Http.get(ready(), "/ready").status()).as("CoreDNS stays ready after the first sync").isEqualTo(200);
        assertThat(health()).isEqualTo(200);

        // a watch whose connection was cut unnoticed (the JDK WebSocket may miss it) is replaced by
        // the watch timeout, 1-2 min by default
        proxy.mode(ApiFaultProxy.Mode.PASS);
        Await.until("late.cut answered", CUT_WATCH_DEADLINE, () -> answers("late.cut", Type.A),
                List.of("late.cut.svc.cluster.local. 5 A 10.96.3.40")::equals);
        awaitAnswers("web.cut", Type.A, "web.cut.svc.cluster.local. 5 A 10.96.3.21");
        assertThat(Http.get(ready(), "/ready").status()).isEqualTo(200);
    }

    @Test
    void errorsWhenStartingAreRetriedNotReadyWithTheErrorThenServes() {
        create(namespace("flaky"), service("flaky", "web", "10.96.4.20", "http", 80));
        proxy.mode(ApiFaultProxy.Mode.ERROR_500);
        startDnsServer("0s");

        Http.Reply notReady = Http.await(ready(), "/ready", r -> r.body().contains("HTTP 500"));
        assertThat(notReady.status()).isEqualTo(503);
        assertThat(notReady.body()).startsWith("kubernetes: ").endsWith("last error: HTTP 500: injected failure");
        assertThat(rcode("web.flaky", Type.A)).as("never NXDOMAIN before the first sync").isEqualTo(Rcode.SERVFAIL);
        assertThat(health()).as("retried, not broken").isEqualTo(200);
        int before = proxy.requests();
        Await.until("lists retried", () -> proxy.requests() > before);

        proxy.mode(ApiFaultProxy.Mode.PASS);
        Http.await(ready(), "/ready", r -> r.status() == 200);
        assertThat(answers("web.flaky", Type.A)).containsExactly("web.flaky.svc.cluster.local. 5 A 10.96.4.20");
    }

    @Test
    void forbiddenEndpointSlicesAreNotReadyNamingTheGrantAndServeOnceAllowed() {
        create(namespace("rbac"), headless("rbac", "mongo"), slice("rbac", "mongo-a", "mongo", endpoint("10.244.5.10", true)));
        proxy.forbidden(SLICES);
        startDnsServer("0s");

        Http.Reply notReady = Http.await(ready(), "/ready", r -> r.body().contains("403"));
        assertThat(notReady.status()).isEqualTo(503);
        assertThat(notReady.body()).contains("endpointslices waiting",
                "HTTP 403 Forbidden (endpointslices is forbidden: User \"system:serviceaccount:kube-system:clusterdns\""
                        + " cannot list resource \"endpointslices\" at the cluster scope)",
                "grant list and watch on endpointslices.discovery.k8s.io to this service account (RBAC)");
        assertThat(health()).as("retried, not broken: granting the Role is enough").isEqualTo(200);

        proxy.mode(ApiFaultProxy.Mode.PASS);
        Http.await(ready(), "/ready", r -> r.status() == 200);
        assertThat(answers("mongo.rbac", Type.A)).containsExactly("mongo.rbac.svc.cluster.local. 5 A 10.244.5.10");
    }

    // --- DNS over UDP ---

    Message ask(String name, int type) {
        return dns.exchange(Wire.query(1, name + ".svc.cluster.local.", type));
    }

    List<String> answers(String name, int type) {
        return Wire.texts(ask(name, type), Section.ANSWER);
    }

    int rcode(String name, int type) {
        return ask(name, type).getRcode();
    }

    void awaitAnswers(String name, int type, String... expected) {
        List<String> want = Arrays.stream(expected).sorted().toList();
        Await.until("DNS to answer " + name + " " + Type.string(type) + " = " + want,
                () -> answers(name, type).stream().sorted().toList(), want::equals);
    }

    void awaitWatching() {
        InformerClusterSource source = (InformerClusterSource) server.source();
        Await.until("every informer watching", () -> !source.stats().watching().isEmpty()
                && source.stats().watching().values().stream().allMatch(w -> w));
    }

    static void create(HasMetadata... objects) {
        for (HasMetadata o : objects) {
            kube.resource(o).create();
        }
    }

    static void update(HasMetadata... objects) {
        for (HasMetadata o : objects) {
            kube.resource(o).update();
        }
    }
}
