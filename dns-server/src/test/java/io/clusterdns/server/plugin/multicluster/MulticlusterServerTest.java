package io.clusterdns.server.plugin.multicluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.testing.ApiValidManifests;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.Privileged;
import io.clusterdns.server.DnsServer;
import io.clusterdns.server.DnsServerMain;
import io.clusterdns.server.Scrape;
import io.clusterdns.server.TcpClient;
import io.clusterdns.server.UdpClient;
import io.clusterdns.server.Wire;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A server started from a Corefile with {@code kubernetes cluster.local} and
 * {@code multicluster clusterset.local} on one manifest folder, queried over real sockets: a
 * ClusterSetIP import and a headless import with two clusters' slices answer exactly as the MCS DNS
 * specification's examples, next to the cluster zone, from one source.
 *
 * <pre>
 * Conventions (the spec's examples; see ClusterSetRecordsTest in the resolver for the full table)
 *   myservice.test   ClusterSetIP 10.42.42.42 and 2001:db8::1, https 443
 *   headless.test    Headless, https 443: clusterA my-pet-1..3 10.3.0.101-103 and 2001:db8::1-3, clusterB my-pet-1..3 10.4.0.101-103
 *   the cluster zone is {@link ApiValidManifests}: web.shop.svc.cluster.local
 * </pre>
 */
class MulticlusterServerTest {
    static final String MY = "myservice.test.svc.clusterset.local.";
    static final String HL = "headless.test.svc.clusterset.local.";
    static final String MCS = """
            apiVersion: multicluster.x-k8s.io/v1alpha1
            kind: ServiceImport
            metadata: {name: myservice, namespace: test}
            spec:
              type: ClusterSetIP
              ips: [10.42.42.42, "2001:db8::1"]
              ports: [{name: https, protocol: TCP, port: 443}]
            ---
            apiVersion: multicluster.x-k8s.io/v1alpha1
            kind: ServiceImport
            metadata: {name: headless, namespace: test}
            spec:
              type: Headless
              ports: [{name: https, protocol: TCP, port: 443}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: headless-clustera-ipv4
              namespace: test
              labels: {multicluster.kubernetes.io/service-name: headless, multicluster.kubernetes.io/source-cluster: clusterA}
            addressType: IPv4
            endpoints:
            - {addresses: [10.3.0.101], hostname: my-pet-1}
            - {addresses: [10.3.0.102], hostname: my-pet-2}
            - {addresses: [10.3.0.103], hostname: my-pet-3}
            - {addresses: [10.3.0.104], hostname: my-pet-4, conditions: {ready: false}}
            ports: [{name: https, protocol: TCP, port: 443}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: headless-clustera-ipv6
              namespace: test
              labels: {multicluster.kubernetes.io/service-name: headless, multicluster.kubernetes.io/source-cluster: clusterA}
            addressType: IPv6
            endpoints:
            - {addresses: ["2001:db8::1"], hostname: my-pet-1}
            - {addresses: ["2001:db8::2"], hostname: my-pet-2}
            - {addresses: ["2001:db8::3"], hostname: my-pet-3}
            ports: [{name: https, protocol: TCP, port: 443}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata:
              name: headless-clusterb
              namespace: test
              labels: {multicluster.kubernetes.io/service-name: headless, multicluster.kubernetes.io/source-cluster: clusterB}
            addressType: IPv4
            endpoints:
            - {addresses: [10.4.0.101], hostname: my-pet-1}
            - {addresses: [10.4.0.102], hostname: my-pet-2}
            - {addresses: [10.4.0.103], hostname: my-pet-3}
            ports: [{name: https, protocol: TCP, port: 443}]
            """;

    @TempDir
    static Path dir;
    static DnsServer server;
    static UdpClient udp;

    @BeforeAll
    static void start() throws Exception {
        Path manifests = ApiValidManifests.write(dir.resolve("m"));
        Files.writeString(manifests.resolve("mcs.yaml"), MCS);
        Path corefile = Files.writeString(dir.resolve("Corefile"), """
                .:0 {
                    errors
                    ready 127.0.0.1:0
                    kubernetes cluster.local in-addr.arpa ip6.arpa {
                        manifests m
                        fallthrough in-addr.arpa ip6.arpa
                    }
                    multicluster clusterset.local
                    prometheus 127.0.0.1:0
                }
                """);
        server = DnsServerMain.start(new CorefileSource(corefile, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 2));
        udp = new UdpClient(server.port());
    }

    @AfterAll
    static void stop() {
        if (udp != null) {
            udp.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Over UDP with EDNS (1232 bytes, as resolvers send): rcode, answer, additional. */
    static Message ask(String name, int type) {
        return udp.exchange(Wire.withEdns(Wire.query(4242, name, type), 1232, 0, false));
    }

    static String srv(String target) {
        return "_https._tcp." + HL + " 5 SRV 0 11 443 " + target;
    }

    static Stream<Arguments> specExamples() {
        return Stream.of(
                Arguments.of("2.2 schema version", "dns-version.clusterset.local.", Type.TXT, Rcode.NOERROR,
                        List.of("dns-version.clusterset.local. 28800 TXT 1.0.0"), List.of()),
                Arguments.of("2.3.1 ClusterSetIP A", MY, Type.A, Rcode.NOERROR, List.of(MY + " 5 A 10.42.42.42"), List.of()),
                Arguments.of("2.3.1 ClusterSetIP AAAA", MY, Type.AAAA, Rcode.NOERROR, List.of(MY + " 5 AAAA 2001:db8::1"), List.of()),
                Arguments.of("2.3.2 ClusterSetIP SRV", "_https._tcp." + MY, Type.SRV, Rcode.NOERROR,
                        List.of("_https._tcp." + MY + " 5 SRV 0 50 443 " + MY), List.of(MY + " 5 A 10.42.42.42", MY + " 5 AAAA 2001:db8::1")),
                Arguments.of("2.3.4 no per-cluster name of a ClusterSetIP service", "clusterA." + MY, Type.A, Rcode.NXDOMAIN, List.of(), List.of()),
                Arguments.of("2.4.1 headless A: every cluster's ready endpoints", HL, Type.A, Rcode.NOERROR,
                        List.of(HL + " 5 A 10.3.0.101", HL + " 5 A 10.3.0.102", HL + " 5 A 10.3.0.103",
                                HL + " 5 A 10.4.0.101", HL + " 5 A 10.4.0.102", HL + " 5 A 10.4.0.103"), List.of()),
                Arguments.of("2.4.1 headless AAAA", HL, Type.AAAA, Rcode.NOERROR,
                        List.of(HL + " 5 AAAA 2001:db8::1", HL + " 5 AAAA 2001:db8::2", HL + " 5 AAAA 2001:db8::3"), List.of()),
                Arguments.of("2.4.1 hostname.clusterid A", "my-pet-1.clusterA." + HL, Type.A, Rcode.NOERROR,
                        List.of("my-pet-1.clusterA." + HL + " 5 A 10.3.0.101"), List.of()),
                Arguments.of("2.4.1 hostname.clusterid AAAA", "my-pet-1.clusterA." + HL, Type.AAAA, Rcode.NOERROR,
                        List.of("my-pet-1.clusterA." + HL + " 5 AAAA 2001:db8::1"), List.of()),
                Arguments.of("2.4.1 the same hostname in the other cluster", "my-pet-1.clusterB." + HL, Type.A, Rcode.NOERROR,
                        List.of("my-pet-1.clusterB." + HL + " 5 A 10.4.0.101"), List.of()),
                Arguments.of("2.4.1 a not-ready endpoint has no name", "my-pet-4.clusterA." + HL, Type.A, Rcode.NXDOMAIN, List.of(), List.of()),
                Arguments.of("2.4.2 headless SRV: N endpoints x M ports, every cluster's", "_https._tcp." + HL, Type.SRV, Rcode.NOERROR,
                        List.of(srv("my-pet-1.clusterA." + HL), srv("my-pet-2.clusterA." + HL), srv("my-pet-3.clusterA." + HL),
                                srv("my-pet-1.clusterB." + HL), srv("my-pet-2.clusterB." + HL), srv("my-pet-3.clusterB." + HL)),
                        List.of("my-pet-1.clusterA." + HL + " 5 A 10.3.0.101", "my-pet-2.clusterA." + HL + " 5 A 10.3.0.102",
                                "my-pet-3.clusterA." + HL + " 5 A 10.3.0.103", "my-pet-1.clusterA." + HL + " 5 AAAA 2001:db8::1",
                                "my-pet-2.clusterA." + HL + " 5 AAAA 2001:db8::2", "my-pet-3.clusterA." + HL + " 5 AAAA 2001:db8::3",
                                "my-pet-1.clusterB." + HL + " 5 A 10.4.0.101", "my-pet-2.clusterB." + HL + " 5 A 10.4.0.102",
                                "my-pet-3.clusterB." + HL + " 5 A 10.4.0.103")),
                Arguments.of("2.4.4 no per-cluster records of a headless service", "clusterA." + HL, Type.A, Rcode.NOERROR, List.of(), List.of()),
                // the cluster zone, from the same manifests, next to it
                Arguments.of("cluster zone", "web.shop.svc.cluster.local.", Type.A, Rcode.NOERROR,
                        List.of("web.shop.svc.cluster.local. 5 A " + ApiValidManifests.WEB_IP), List.of()),
                Arguments.of("imports are not cluster services", "myservice.test.svc.cluster.local.", Type.A, Rcode.NXDOMAIN, List.of(), List.of()));
    }

    @ParameterizedTest(name = "{0}: {1} {2}")
    @MethodSource("specExamples")
    void answersTheSpecExamplesOverUdp(String what, String name, int type, int rcode, List<String> answers, List<String> additional) {
        Message m = ask(name, type);
        assertThat(m.getRcode()).as(what + "\n" + m).isEqualTo(rcode);
        assertThat(m.getHeader().getFlag(org.xbill.DNS.Flags.AA)).as("authoritative").isTrue();
        assertThat(Wire.texts(m, Section.ANSWER)).as(what).containsExactlyElementsOf(answers);
        assertThat(Wire.texts(m, Section.ADDITIONAL)).as(what).containsExactlyElementsOf(additional);
        if (answers.isEmpty() && name.endsWith(".clusterset.local.")) {
            assertThat(Wire.texts(m, Section.AUTHORITY)).singleElement().asString()
                    .startsWith("clusterset.local. 5 SOA ns.dns.clusterset.local. hostmaster.clusterset.local. ");
        }
    }

    @Test
    void answersOverTcpAndToDig() {
        try (TcpClient tcp = new TcpClient(server.port())) {
            Message m = tcp.exchange(Wire.query(7, "my-pet-2.clusterB." + HL, Type.A));
            assertThat(Wire.texts(m, Section.ANSWER)).containsExactly("my-pet-2.clusterB." + HL + " 5 A 10.4.0.102");
        }
        String dig = Privileged.requireTool("dig", "bind9-dnsutils");
        Commands.Result r = Commands.run(Await.DEADLINE, dig, "@127.0.0.1", "-p", String.valueOf(server.port()), "+time=30", "+tries=1",
                "+short", "SRV", "_https._tcp.headless.test.svc.clusterset.local");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(Arrays.stream(r.output().strip().split("\n")).map(String::strip).toList()).containsExactly(
                "0 11 443 my-pet-1.clusterA." + HL, "0 11 443 my-pet-2.clusterA." + HL, "0 11 443 my-pet-3.clusterA." + HL,
                "0 11 443 my-pet-1.clusterB." + HL, "0 11 443 my-pet-2.clusterB." + HL, "0 11 443 my-pet-3.clusterB." + HL);
    }

    @Test
    void isReadyAndCountsTheImports() throws Exception {
        ListenAddress ready = server.readyAddress().orElseThrow();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ready.port() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Scrape s = new Scrape(server.scrape());
        // followsManifestEdits may have added one
        assertThat(s.value("clusterdns_cluster_objects", Map.of("kind", "serviceimports"))).isBetween(2.0, 3.0);
        // the source's own count of imported slices, apart from the cluster's slices
        assertThat(s.value("clusterdns_source_objects", Map.of("kind", "imported-endpointslices"))).isBetween(3.0, 4.0);
        assertThat(s.value("clusterdns_source_objects", Map.of("kind", "endpointslices")))
                .isEqualTo(server.source().current().sliceCount());
        assertThat(s.value("coredns_plugin_enabled", Map.of("server", "dns://:" + server.port(), "zone", ".", "view", "",
                "name", "multicluster"))).isEqualTo(1);
    }

    /** Alone in its block without a kubeconfig it follows the pod's service account, as CoreDNS; outside a pod it says what to write. */
    @Test
    void aloneOutsideAPodItNamesItsLineAndWhatToWrite() throws Exception {
        Assumptions.assumeTrue(System.getenv("KUBERNETES_SERVICE_HOST") == null, "this test runs outside a pod");
        Path corefile = Files.writeString(dir.resolve("Alone"), "clusterset.local:0 {\n    multicluster\n}\n");
        assertThatThrownBy(() -> DnsServerMain.start(new CorefileSource(corefile, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 1)))
                .hasMessageStartingWith(corefile + ":2: multicluster: not running in a Kubernetes pod")
                .hasMessageEndingWith("(in the Corefile: kubeconfig FILE, or a kubernetes plugin in the same block)");
    }

    /** Manifest edits reach the clusterset zone as they reach the cluster zone: an import added with its slice answers. */
    @Test
    void followsManifestEdits() throws Exception {
        String late = "late.test.svc.clusterset.local.";
        assertThat(ask("pet.clusterC." + late, Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        Files.writeString(dir.resolve("m").resolve("late.yaml"), """
                apiVersion: multicluster.x-k8s.io/v1alpha1
                kind: ServiceImport
                metadata: {name: late, namespace: test}
                spec: {type: Headless, ports: []}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: late-clusterc
                  namespace: test
                  labels: {multicluster.kubernetes.io/service-name: late, multicluster.kubernetes.io/source-cluster: clusterC}
                addressType: IPv4
                endpoints: [{addresses: [10.5.0.101], hostname: pet}]
                """);
        Message m = Await.until("pet.clusterC.late resolving", () -> ask("pet.clusterC." + late, Type.A), r -> r.getRcode() == Rcode.NOERROR);
        assertThat(Wire.texts(m, Section.ANSWER)).containsExactly("pet.clusterC." + late + " 5 A 10.5.0.101");
    }
}
