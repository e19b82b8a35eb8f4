package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.WatchedKind;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.informer.InformerClusterSource;
import io.clusterdns.k8s.testing.ApiFaultProxy;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.MockApiServerProcess;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The server started as {@code main} starts it with {@code --master URL}, following a fabric8 mock
 * API server that runs in a child JVM ({@link MockApiServerProcess}); objects are changed through
 * a fabric8 client and the answers are checked over real UDP.
 *
 * <pre>
 * api server   http://127.0.0.1:PORT (k8s MockApiServerMain), one per class, stopped and started by the tests
 * dns server   127.0.0.1, free ports; zones cluster.local.; /ready on a free port; one per test
 * namespaces   one per test: follow, cold, outage
 * follow/web      ClusterIP 10.96.0.20 → 10.96.0.21, port http 80 → https 443, then deleted
 * follow/db       ExternalName db.example.com → db2.example.org
 * follow/mongo    headless, selector app=mongo; slices mongo-a (10.244.1.10) and mongo-b (10.244.2.11 ready → not ready)
 * cold/web        ClusterIP 10.96.1.20, created before the DNS server starts with the API server down
 * outage/web      ClusterIP 10.96.2.20; outage/late 10.96.2.40 created after the API server came back
 * </pre>
 *
 * The fault tests (issue 13, item 6) reach the API server through an {@link ApiFaultProxy} that
 * refuses, answers 500 or forbids EndpointSlices while the API server itself stays up and is
 * changed meanwhile:
 *
 * <pre>
 * cut/web      ClusterIP 10.96.3.20 → 10.96.3.21 while unreachable; cut/late 10.96.3.40 created while unreachable
 * flaky/web    ClusterIP 10.96.4.20, the API answering 500 when the server starts
 * rbac/mongo   headless; slice mongo-a 10.244.5.10, EndpointSlices forbidden when the server starts
 * </pre>
 *
 * Waits ask DNS again (or read the watch state) until the answer is right, {@link Await}'s 30 s at
 * most; nothing sleeps and no duration is asserted.
 */
class DnsServerKubernetesIT {
    static final String SLICES = "/apis/discovery.k8s.io/v1/endpointslices";
    /**
     * A watch cut without the JDK WebSocket noticing is replaced by the watch recycle: 1-2 min by
     * default, plus fabric8's 2 min close failsafe when the close gets no answer, plus back-off.
     */
    static final Duration CUT_WATCH_DEADLINE = Duration.ofMinutes(5);

    static MockApiServerProcess api;
    static KubernetesClient kube;

    DnsServer server;
    UdpClient dns;
    ApiFaultProxy proxy;

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
    void apiServerListening() {
        api.start();
    }

    @org.junit.jupiter.api.AfterEach
    void stopDnsServer() {
        if (dns != null) {
            dns.close();
        }
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    /** Starts the DNS server through main's wiring, with a UDP client for it. */
    void startDnsServer(String startupTimeout) {
        startDnsServer(api.url(), startupTimeout);
    }

    /** Starts the DNS server through main's wiring, following the API server at {@code master}, with {@code more} flags. */
    void startDnsServer(String master, String startupTimeout, String... more) {
        // no persisted snapshot: these tests start cold on purpose (DnsServerPersistedSnapshotIT starts warm)
        List<String> args = new java.util.ArrayList<>(List.of("--master", master, "--snapshot-file", "off", "--listen", "127.0.0.1:0",
                "--udp-sockets", "1", "--zone", "cluster.local", "--startup-timeout", startupTimeout,
                "--health", "127.0.0.1:0", "--ready", "127.0.0.1:0", "--metrics", "off"));
        args.addAll(List.of(more));
        ServerConfig config = DnsServerMainTest.config(args.toArray(String[]::new));
        server = DnsServerMain.start(config);
        dns = new UdpClient(server.port());
    }

    InformerClusterSource source() {
        return (InformerClusterSource) server.source();
    }

    @Test
    void followsServicesAndEndpointSlicesThroughTheApi() {
        create(namespace("follow"), service("follow", "web", "10.96.0.20", "http", 80));
        startDnsServer("30s");
        awaitWatching();
        assertThat(answers("web.follow", Type.A)).containsExactly("web.follow.svc.cluster.local. 5 A 10.96.0.20");

        update(service("follow", "web", "10.96.0.21", "https", 443));
        awaitAnswers("_https._tcp.web.follow", Type.SRV, "_https._tcp.web.follow.svc.cluster.local. 5 SRV 0 100 443 web.follow.svc.cluster.local.");
        assertThat(answers("web.follow", Type.A)).containsExactly("web.follow.svc.cluster.local. 5 A 10.96.0.21");
        assertThat(rcode("_http._tcp.web.follow", Type.SRV)).isEqualTo(Rcode.NXDOMAIN);

        create(externalName("follow", "db", "db.example.com"));
        awaitAnswers("db.follow", Type.CNAME, "db.follow.svc.cluster.local. 5 CNAME db.example.com.");
        update(externalName("follow", "db", "db2.example.org"));
        awaitAnswers("db.follow", Type.CNAME, "db.follow.svc.cluster.local. 5 CNAME db2.example.org.");

        create(headless("follow", "mongo"), slice("follow", "mongo-a", "mongo", endpoint("10.244.1.10", true)),
                slice("follow", "mongo-b", "mongo", endpoint("10.244.2.11", true)));
        awaitAnswers("mongo.follow", Type.A, "mongo.follow.svc.cluster.local. 5 A 10.244.1.10",
                "mongo.follow.svc.cluster.local. 5 A 10.244.2.11");
        update(slice("follow", "mongo-b", "mongo", endpoint("10.244.2.11", false)));
        awaitAnswers("mongo.follow", Type.A, "mongo.follow.svc.cluster.local. 5 A 10.244.1.10");

        kube.resource(service("follow", "web", "10.96.0.21", "https", 443)).delete();
        awaitRcode("web.follow", Type.A, Rcode.NXDOMAIN);
    }

    @Test
    void endpointPodNamesNameEndpointsByTheirPodsThroughTheApi() {
        // the source keeps the names of the endpoints' Pods only for endpoint_pod_names: the flag must reach it
        create(namespace("podnames"), headless("podnames", "mongo"),
                slice("podnames", "mongo-a", "mongo", podEndpoint("10.244.3.10", "mongo-7d4b9-x2k9p")));
        startDnsServer(api.url(), "30s", "--endpoint-pod-names");
        awaitAnswers("mongo-7d4b9-x2k9p.mongo.podnames", Type.A, "mongo-7d4b9-x2k9p.mongo.podnames.svc.cluster.local. 5 A 10.244.3.10");
        assertThat(answers("_mongo._tcp.mongo.podnames", Type.SRV))
                .containsExactly("_mongo._tcp.mongo.podnames.svc.cluster.local. 5 SRV 0 100 27017 mongo-7d4b9-x2k9p.mongo.podnames.svc.cluster.local.");

        update(slice("podnames", "mongo-a", "mongo", podEndpoint("10.244.3.10", "mongo-7d4b9-x2k9p"),
                podEndpoint("10.244.3.11", "mongo-7d4b9-q8z2m")));
        awaitAnswers("mongo-7d4b9-q8z2m.mongo.podnames", Type.A, "mongo-7d4b9-q8z2m.mongo.podnames.svc.cluster.local. 5 A 10.244.3.11");
    }

    @Test
    void withoutEndpointPodNamesEndpointsAreNamedByTheirAddresses() {
        create(namespace("ipnames"), headless("ipnames", "mongo"),
                slice("ipnames", "mongo-a", "mongo", podEndpoint("10.244.4.10", "mongo-7d4b9-x2k9p")));
        startDnsServer("30s");
        awaitAnswers("10-244-4-10.mongo.ipnames", Type.A, "10-244-4-10.mongo.ipnames.svc.cluster.local. 5 A 10.244.4.10");
        assertThat(rcode("mongo-7d4b9-x2k9p.mongo.ipnames", Type.A)).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void servfailAndNotReadyUntilTheApiServerAnswersThenServes() {
        create(namespace("cold"), service("cold", "web", "10.96.1.20", "http", 80));
        api.stop();
        startDnsServer("0s");
        ListenAddress ready = server.readyAddress().orElseThrow();

        assertThat(rcode("web.cold", Type.A)).as("never NXDOMAIN before the first sync").isEqualTo(Rcode.SERVFAIL);
        Http.Reply notReady = Http.get(ready, "/ready");
        assertThat(notReady.status()).isEqualTo(503);
        assertThat(notReady.body()).startsWith("kubernetes: ").contains("services waiting");
        assertThat(Http.get(server.healthAddress().orElseThrow(), "/health").status()).as("an unreachable API is retried").isEqualTo(200);

        api.start();
        Http.await(ready, "/ready", r -> r.status() == 200);
        assertThat(answers("web.cold", Type.A)).containsExactly("web.cold.svc.cluster.local. 5 A 10.96.1.20");
    }

    @Test
    void keepsAnsweringFromTheLastSnapshotWhileTheApiServerIsDown() {
        create(namespace("outage"), service("outage", "web", "10.96.2.20", "http", 80));
        startDnsServer("30s");
        awaitWatching();

        api.stop();
        Await.until("the services watch noticed as broken", () -> !source().stats().watching(WatchedKind.SERVICES));
        assertThat(answers("web.outage", Type.A)).containsExactly("web.outage.svc.cluster.local. 5 A 10.96.2.20");
        assertThat(Http.get(server.readyAddress().orElseThrow(), "/ready").status()).isEqualTo(200);

        api.start();
        awaitWatching();
        create(service("outage", "late", "10.96.2.40", "http", 80));
        awaitAnswers("late.outage", Type.A, "late.outage.svc.cluster.local. 5 A 10.96.2.40");
        assertThat(answers("web.outage", Type.A)).containsExactly("web.outage.svc.cluster.local. 5 A 10.96.2.20");
    }

    // --- faults, through a proxy in front of the API server ---

    /** The DNS server following the API server through a new {@link ApiFaultProxy} in {@code mode}. */
    void startThroughProxy(ApiFaultProxy.Mode mode, String startupTimeout) {
        proxy = new ApiFaultProxy(api.url());
        if (mode == ApiFaultProxy.Mode.FORBID) {
            proxy.forbidden(SLICES);
        } else {
            proxy.mode(mode);
        }
        startDnsServer(proxy.url(), startupTimeout);
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
        startThroughProxy(ApiFaultProxy.Mode.PASS, "30s");
        awaitWatching();

        proxy.mode(ApiFaultProxy.Mode.REFUSE);
        update(service("cut", "web", "10.96.3.21", "http", 80));
        create(service("cut", "late", "10.96.3.40", "http", 80));
        assertThat(answers("web.cut", Type.A)).containsExactly("web.cut.svc.cluster.local. 5 A 10.96.3.20");
        assertThat(Http.get(ready(), "/ready").status()).as("CoreDNS stays ready after the first sync").isEqualTo(200);
        assertThat(health()).isEqualTo(200);

        proxy.mode(ApiFaultProxy.Mode.PASS);
        Await.until("late.cut answered", CUT_WATCH_DEADLINE, () -> answers("late.cut", Type.A),
                List.of("late.cut.svc.cluster.local. 5 A 10.96.3.40")::equals);
        awaitAnswers("web.cut", Type.A, "web.cut.svc.cluster.local. 5 A 10.96.3.21");
        assertThat(Http.get(ready(), "/ready").status()).isEqualTo(200);
    }

    @Test
    void errorsWhenStartingAreRetriedNotReadyWithTheErrorThenServes() {
        create(namespace("flaky"), service("flaky", "web", "10.96.4.20", "http", 80));
        startThroughProxy(ApiFaultProxy.Mode.ERROR_500, "0s");

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
        startThroughProxy(ApiFaultProxy.Mode.FORBID, "0s");

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

    // --- DNS over UDP, waiting on published snapshots ---

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

    void awaitRcode(String name, int type, int rcode) {
        Await.until("DNS to answer " + name + " " + Rcode.string(rcode), () -> Rcode.string(rcode(name, type)),
                Rcode.string(rcode)::equals);
    }

    /**
     * Waits until every informer's watch is open: the mock keeps no event history, so a change
     * made before a watch opens can be missed, and a first watch attempt that fails makes fabric8
     * fall back to HTTP streaming, which the mock does not serve.
     */
    void awaitWatching() {
        Await.until("every informer watching", () -> !source().stats().watching().isEmpty()
                && source().stats().watching().values().stream().allMatch(w -> w));
    }

    // --- objects, as the API server stores them ---

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

    static HasMetadata namespace(String name) {
        return new NamespaceBuilder().withNewMetadata().withName(name).addToLabels("kubernetes.io/metadata.name", name)
                .endMetadata().build();
    }

    static Service service(String namespace, String name, String clusterIp, String portName, int port) {
        return new ServiceBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(clusterIp).withClusterIPs(clusterIp)
                .withSelector(Map.of("app", name))
                .addNewPort().withName(portName).withProtocol("TCP").withPort(port).endPort()
                .endSpec()
                .build();
    }

    static Service externalName(String namespace, String name, String target) {
        return new ServiceBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withType("ExternalName").withExternalName(target).endSpec()
                .build();
    }

    static Service headless(String namespace, String name) {
        return new ServiceBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP("None").withClusterIPs("None")
                .withSelector(Map.of("app", name))
                .addNewPort().withName("mongo").withProtocol("TCP").withPort(27017).endPort()
                .endSpec()
                .build();
    }

    static EndpointSlice slice(String namespace, String name, String service, Endpoint... endpoints) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name)
                .addToLabels("kubernetes.io/service-name", service).endMetadata()
                .withAddressType("IPv4")
                .withEndpoints(Arrays.asList(endpoints))
                .addNewPort().withName("mongo").withProtocol("TCP").withPort(27017).endPort()
                .build();
    }

    /** A ready endpoint as the EndpointSlice controller writes it, its Pod in {@code targetRef}. */
    static Endpoint podEndpoint(String ip, String pod) {
        return new EndpointBuilder(endpoint(ip, true)).withNewTargetRef().withKind("Pod").withName(pod).endTargetRef().build();
    }

    static Endpoint endpoint(String ip, boolean ready) {
        return new EndpointBuilder().withAddresses(ip)
                .withNewConditions().withReady(ready).withServing(ready).withTerminating(false).endConditions()
                .build();
    }
}
