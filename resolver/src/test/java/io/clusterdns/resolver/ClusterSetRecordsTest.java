package io.clusterdns.resolver;

import static io.clusterdns.resolver.Fixtures.clusterIp;
import static io.clusterdns.resolver.Fixtures.epPort;
import static io.clusterdns.resolver.Fixtures.notReady;
import static io.clusterdns.resolver.Fixtures.port;
import static io.clusterdns.resolver.Fixtures.ready;
import static io.clusterdns.resolver.ResolverRecordsTest.answer;
import static io.clusterdns.resolver.ResolverRecordsTest.answerWithExtra;
import static io.clusterdns.resolver.ResolverRecordsTest.assertExpected;
import static io.clusterdns.resolver.ResolverRecordsTest.noData;
import static io.clusterdns.resolver.ResolverRecordsTest.nxDomain;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceImportType;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.SnapshotDelta;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The clusterset zone: every example of the Kubernetes DNS-Based Multicluster Service Discovery
 * specification (KEP-1645, schema 1.0.0), section by section, as exact records. The spec leaves
 * TTL, priority and weight open: they are the cluster zone's (TTL 5, priority 0, weight
 * floor(100/N)). Where two examples of the spec use one name for different services, the headless
 * one is {@code headless} here.
 *
 * <pre>
 * Conventions
 *   zone        clusterset.local, TTL 5; kube-system/kube-dns 10.96.0.10 (the NS target's address)
 *   namespace   test (the imports'); kube-system; "gone" does not exist
 *   imports     myservice   ClusterSetIP 10.42.42.42 + 2001:db8::1, https 443/TCP
 *               headless    Headless, https 443: clusterA my-pet-1..3 10.3.0.101-103 and 2001:db8::1-3
 *                           (my-pet-4 10.3.0.104 not ready); clusterB my-pet-1..3 10.4.0.101-103
 *               db          Headless: my-hostname in clusterA (10.3.0.100) and in clusterB (10.4.0.100)
 *               empty       Headless, only a not-ready endpoint
 *               novip       ClusterSetIP without IPs yet, http 80
 *               portless    Headless, clusterB 10.4.0.50, no hostname, no ports
 *               ghost       in namespace gone
 * </pre>
 */
class ClusterSetRecordsTest {
    static final String ZONE = "clusterset.local.";
    static final String SOA = "clusterset.local. 5 SOA ns.dns.clusterset.local. hostmaster.clusterset.local. 1700000000 7200 1800 86400 5";
    static final Instant T0 = Instant.ofEpochSecond(1_700_000_000L);
    static final EndpointPort HTTPS = epPort("https", "TCP", 443);

    static ClusterSetResolver resolver;

    static ServiceImportInfo serviceImport(String ns, String name, ServiceImportType type, List<String> ips, ServicePort... ports) {
        return new ServiceImportInfo(ServiceKey.of(ns, name), type, ips.stream().map(Fixtures::ip).toList(), List.of(ports));
    }

    static ImportedSliceInfo imported(String serviceImport, String cluster, String sliceName, List<EndpointInfo> endpoints,
                                      EndpointPort... ports) {
        return new ImportedSliceInfo(cluster, Fixtures.slice("test", serviceImport, sliceName, endpoints, ports));
    }

    static ClusterSnapshot snapshot() {
        List<ServiceImportInfo> imports = List.of(
                serviceImport("test", "myservice", ServiceImportType.CLUSTER_SET_IP, List.of("10.42.42.42", "2001:db8::1"),
                        port("https", "TCP", 443)),
                serviceImport("test", "headless", ServiceImportType.HEADLESS, List.of(), port("https", "TCP", 443)),
                serviceImport("test", "db", ServiceImportType.HEADLESS, List.of()),
                serviceImport("test", "empty", ServiceImportType.HEADLESS, List.of()),
                serviceImport("test", "novip", ServiceImportType.CLUSTER_SET_IP, List.of(), port("http", "TCP", 80)),
                serviceImport("test", "portless", ServiceImportType.HEADLESS, List.of()),
                serviceImport("gone", "ghost", ServiceImportType.CLUSTER_SET_IP, List.of("10.42.0.9"), port("http", "TCP", 80)));
        List<ImportedSliceInfo> slices = List.of(
                // clusterB's slice first: answers do not depend on the order slices arrive in
                imported("headless", "clusterB", "headless-b", List.of(ready("10.4.0.101", "my-pet-1"), ready("10.4.0.102", "my-pet-2"),
                        ready("10.4.0.103", "my-pet-3")), HTTPS),
                imported("headless", "clusterA", "headless-a-ipv4", List.of(ready("10.3.0.101", "my-pet-1"), ready("10.3.0.102", "my-pet-2"),
                        ready("10.3.0.103", "my-pet-3"), notReady("10.3.0.104", "my-pet-4")), HTTPS),
                imported("headless", "clusterA", "headless-a-ipv6", List.of(ready("2001:db8::1", "my-pet-1"), ready("2001:db8::2", "my-pet-2"),
                        ready("2001:db8::3", "my-pet-3")), HTTPS),
                imported("db", "clusterA", "db-a", List.of(ready("10.3.0.100", "my-hostname"))),
                imported("db", "clusterB", "db-b", List.of(ready("10.4.0.100", "my-hostname"))),
                imported("empty", "clusterA", "empty-a", List.of(notReady("10.3.0.9", "x"))),
                imported("portless", "clusterB", "portless-b", List.of(ready("10.4.0.50", null))));
        return new ClusterSnapshot(1, T0, List.of(clusterIp("kube-system", "kube-dns", List.of("10.96.0.10"), port("dns", "UDP", 53))),
                List.of(), List.of(), List.of(new NamespaceInfo("test", Map.of()), new NamespaceInfo("kube-system", Map.of())), imports, slices);
    }

    @BeforeAll
    static void build() {
        resolver = new ClusterSetResolver(ClusterSetConfig.defaults());
        resolver.update(snapshot());
    }

    static ResolverRecordsTest.Case c(String name, String type, ResolverRecordsTest.Expect expect) {
        return new ResolverRecordsTest.Case(name, type, expect);
    }

    static Stream<ResolverRecordsTest.Case> specExamples() {
        String my = "myservice.test.svc.clusterset.local.";
        String hl = "headless.test.svc.clusterset.local.";
        String srv = "_https._tcp.headless.test.svc.clusterset.local. 5 SRV 0 11 443 ";
        return Stream.of(
                // 2.2 Record for Schema Version
                c("dns-version.clusterset.local.", "TXT", answer("dns-version.clusterset.local. 28800 TXT \"1.0.0\"")),
                // 2.3.1 A/AAAA Record (ClusterSetIP)
                c(my, "A", answer(my + " 5 A 10.42.42.42")),
                c(my, "AAAA", answer(my + " 5 AAAA 2001:db8::1")),
                // 2.3.2 SRV Records: one per port, to the service's name; its addresses may be in the additional section
                c("_https._tcp." + my, "SRV", answerWithExtra(List.of("_https._tcp." + my + " 5 SRV 0 50 443 " + my),
                        my + " 5 A 10.42.42.42", my + " 5 AAAA 2001:db8::1")),
                // 2.3.4 no record disambiguating to a single cluster's backends for a ClusterSetIP service
                c("clusterA." + my, "A", nxDomain(SOA)),
                c("my-pet-1.clusterA." + my, "A", nxDomain(SOA)),
                // 2.4.1 A/AAAA Records (headless): every ready endpoint of every cluster
                c(hl, "A", answer(hl + " 5 A 10.3.0.101", hl + " 5 A 10.3.0.102", hl + " 5 A 10.3.0.103",
                        hl + " 5 A 10.4.0.101", hl + " 5 A 10.4.0.102", hl + " 5 A 10.4.0.103")),
                c(hl, "AAAA", answer(hl + " 5 AAAA 2001:db8::1", hl + " 5 AAAA 2001:db8::2", hl + " 5 AAAA 2001:db8::3")),
                //   <hostname>.<clusterid>.<svc>: that cluster's endpoint; one record per address of the hostname
                c("my-hostname.clusterA.db.test.svc.clusterset.local.", "A",
                        answer("my-hostname.clusterA.db.test.svc.clusterset.local. 5 A 10.3.0.100")),
                c("my-hostname.clusterB.db.test.svc.clusterset.local.", "A",
                        answer("my-hostname.clusterB.db.test.svc.clusterset.local. 5 A 10.4.0.100")),
                c("my-pet-1.clusterA." + hl, "A", answer("my-pet-1.clusterA." + hl + " 5 A 10.3.0.101")),
                c("my-pet-1.clusterA." + hl, "AAAA", answer("my-pet-1.clusterA." + hl + " 5 AAAA 2001:db8::1")),
                c("my-pet-1.clusterB." + hl, "AAAA", noData(SOA)),
                //   no ready endpoints: NXDOMAIN
                c("empty.test.svc.clusterset.local.", "A", nxDomain(SOA)),
                c("my-pet-4.clusterA." + hl, "A", nxDomain(SOA)),
                // 2.4.2 SRV Records: N ready endpoints x M named ports, the union of every cluster's, to <hostname>.<clusterid>.<svc>
                c("_https._tcp." + hl, "SRV", answerWithExtra(List.of(
                                srv + "my-pet-1.clusterA." + hl, srv + "my-pet-2.clusterA." + hl, srv + "my-pet-3.clusterA." + hl,
                                srv + "my-pet-1.clusterB." + hl, srv + "my-pet-2.clusterB." + hl, srv + "my-pet-3.clusterB." + hl),
                        "my-pet-1.clusterA." + hl + " 5 A 10.3.0.101", "my-pet-2.clusterA." + hl + " 5 A 10.3.0.102",
                        "my-pet-3.clusterA." + hl + " 5 A 10.3.0.103", "my-pet-1.clusterA." + hl + " 5 AAAA 2001:db8::1",
                        "my-pet-2.clusterA." + hl + " 5 AAAA 2001:db8::2", "my-pet-3.clusterA." + hl + " 5 AAAA 2001:db8::3",
                        "my-pet-1.clusterB." + hl + " 5 A 10.4.0.101", "my-pet-2.clusterB." + hl + " 5 A 10.4.0.102",
                        "my-pet-3.clusterB." + hl + " 5 A 10.4.0.103")),
                // 2.4.4 no record disambiguating to a single cluster's backends: the name only holds the endpoints' names
                c("clusterA." + hl, "A", noData(SOA)),
                c("clusterA." + hl, "SRV", noData(SOA)),
                c("clusterC." + hl, "A", nxDomain(SOA)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specExamples")
    void answersTheSpecExamplesExactly(ResolverRecordsTest.Case tc) {
        assertExpected(resolver.resolve(Name.fromConstantString(tc.name()), Type.value(tc.type())), tc.expect());
    }

    /** What the spec leaves to the cluster-zone rules: negative answers, empty non-terminals, the apex, case. */
    static Stream<ResolverRecordsTest.Case> zoneRules() {
        String my = "myservice.test.svc.clusterset.local.";
        return Stream.of(
                c(ZONE, "SOA", answer(SOA)),
                c(ZONE, "NS", answerWithExtra(List.of("clusterset.local. 5 NS ns.dns.clusterset.local."), "ns.dns.clusterset.local. 5 A 10.96.0.10")),
                c(ZONE, "A", noData(SOA)),
                c("ns.dns.clusterset.local.", "A", answer("ns.dns.clusterset.local. 5 A 10.96.0.10")),
                c("dns.clusterset.local.", "A", noData(SOA)),
                c("dns-version.clusterset.local.", "A", noData(SOA)),
                c("svc.clusterset.local.", "A", noData(SOA)),
                c("test.svc.clusterset.local.", "A", noData(SOA)),
                c("gone.svc.clusterset.local.", "A", nxDomain(SOA)),
                c("ghost.gone.svc.clusterset.local.", "A", nxDomain(SOA)),
                c("nope.test.svc.clusterset.local.", "A", nxDomain(SOA)),
                c("foo.clusterset.local.", "A", nxDomain(SOA)),
                // no pod names in the clusterset zone
                c("pod.clusterset.local.", "A", nxDomain(SOA)),
                c("10-3-0-101.test.pod.clusterset.local.", "A", nxDomain(SOA)),
                // a name that exists answers NODATA for the other types
                c(my, "TXT", noData(SOA)),
                c("_tcp." + my, "A", noData(SOA)),
                c("_udp." + my, "A", nxDomain(SOA)),
                c("_http._tcp." + my, "SRV", nxDomain(SOA)),
                c("_https._tcp." + my, "A", answer("_https._tcp." + my + " 5 A 10.42.42.42")),
                c(my, "SRV", answerWithExtra(List.of(my + " 5 SRV 0 50 443 " + my), my + " 5 A 10.42.42.42", my + " 5 AAAA 2001:db8::1")),
                // a ClusterSetIP import its controller has not given an IP yet exists, without addresses
                c("novip.test.svc.clusterset.local.", "A", noData(SOA)),
                c("_http._tcp.novip.test.svc.clusterset.local.", "SRV", noData(SOA)),
                c("_dns._udp.novip.test.svc.clusterset.local.", "SRV", nxDomain(SOA)),
                // an endpoint without hostname is named by its dashed IP; without ports it has no SRV
                c("portless.test.svc.clusterset.local.", "A", answer("portless.test.svc.clusterset.local. 5 A 10.4.0.50")),
                c("10-4-0-50.clusterB.portless.test.svc.clusterset.local.", "A",
                        answer("10-4-0-50.clusterB.portless.test.svc.clusterset.local. 5 A 10.4.0.50")),
                c("portless.test.svc.clusterset.local.", "SRV", noData(SOA)),
                // names echo the question's case; cluster IDs match without regard to case
                c("MY-PET-2.CLUSTERB.Headless.Test.svc.clusterset.local.", "A",
                        answer("MY-PET-2.CLUSTERB.Headless.Test.svc.clusterset.local. 5 A 10.4.0.102")),
                c("x.my-pet-1.clusterA.headless.test.svc.clusterset.local.", "A", nxDomain(SOA)),
                c("_https.clusterA.headless.test.svc.clusterset.local.", "A", nxDomain(SOA)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("zoneRules")
    void followsTheClusterZoneRulesWhereTheSpecIsSilent(ResolverRecordsTest.Case tc) {
        assertExpected(resolver.resolve(Name.fromConstantString(tc.name()), Type.value(tc.type())), tc.expect());
    }

    @Test
    void namesOutsideTheZoneAreNotOursAndNothingIsAnsweredBeforeTheFirstSnapshot() {
        assertThat(resolver.resolve(Name.fromConstantString("web.test.svc.cluster.local."), Type.A)).isEqualTo(Answer.NOT_AUTHORITATIVE);
        ClusterSetResolver fresh = new ClusterSetResolver(ClusterSetConfig.defaults());
        assertThat(fresh.synced()).isFalse();
        assertThat(fresh.resolve(Name.fromConstantString("myservice.test.svc.clusterset.local."), Type.A).rcode()).isEqualTo(Rcode.SERVFAIL);
    }

    /** CoreDNS's noendpoints: headless imports and endpoint names are NXDOMAIN; ClusterSetIP imports answer as before. */
    @Test
    void noEndpointsLeavesOnlyClusterSetIps() {
        ClusterSetResolver r = new ClusterSetResolver(new ClusterSetConfig(List.of(Name.fromConstantString(ZONE)), 30, true));
        r.update(snapshot());
        String soa30 = SOA.replace(" 5 SOA", " 30 SOA").replace("86400 5", "86400 30");
        assertExpected(r.resolve(Name.fromConstantString("headless.test.svc.clusterset.local."), Type.A), nxDomain(soa30));
        assertExpected(r.resolve(Name.fromConstantString("my-pet-1.clusterA.headless.test.svc.clusterset.local."), Type.A), nxDomain(soa30));
        assertExpected(r.resolve(Name.fromConstantString("myservice.test.svc.clusterset.local."), Type.A),
                answer("myservice.test.svc.clusterset.local. 30 A 10.42.42.42"));
    }

    /** Snapshots that change no ServiceImport keep the entries; one that does is answered from at once. */
    @Test
    void followsClustersetChangesAcrossSnapshots() {
        ClusterSetResolver r = new ClusterSetResolver(ClusterSetConfig.defaults());
        ClusterSnapshot s1 = snapshot();
        r.update(s1);
        ClusterSnapshot s2 = s1.apply(new SnapshotDelta().putService(clusterIp("test", "web", List.of("10.96.0.20"), port("http", "TCP", 80))),
                T0.plusSeconds(60));
        r.update(s2);
        assertThat(r.version()).isEqualTo(2);
        String hl = "headless.test.svc.clusterset.local.";
        assertExpected(r.resolve(Name.fromConstantString("my-pet-1.clusterB." + hl), Type.A), answer("my-pet-1.clusterB." + hl + " 5 A 10.4.0.101"));
        // the SOA serial follows the snapshot
        assertExpected(r.resolve(Name.fromConstantString("nope.test.svc.clusterset.local."), Type.A),
                nxDomain(SOA.replace("1700000000", "1700000060")));

        r.update(s2.apply(new SnapshotDelta().removeImportedSlice(ServiceKey.of("test", "headless"), "headless-b")
                .putImportedSlice(imported("headless", "clusterC", "headless-c", List.of(ready("10.5.0.101", "my-pet-1")), HTTPS)), T0));
        assertExpected(r.resolve(Name.fromConstantString("my-pet-1.clusterB." + hl), Type.A), nxDomain(SOA));
        assertExpected(r.resolve(Name.fromConstantString("my-pet-1.clusterC." + hl), Type.A), answer("my-pet-1.clusterC." + hl + " 5 A 10.5.0.101"));
    }
}
