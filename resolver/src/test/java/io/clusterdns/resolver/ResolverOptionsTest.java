package io.clusterdns.resolver;

import static io.clusterdns.resolver.ResolverRecordsTest.SOA;
import static io.clusterdns.resolver.ResolverRecordsTest.answer;
import static io.clusterdns.resolver.ResolverRecordsTest.answerWithExtra;
import static io.clusterdns.resolver.ResolverRecordsTest.assertExpected;
import static io.clusterdns.resolver.ResolverRecordsTest.noData;
import static io.clusterdns.resolver.ResolverRecordsTest.nxDomain;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** The CoreDNS kubernetes plugin options, each against {@link ExampleCluster}. */
class ResolverOptionsTest {
    static final Name CLUSTER_LOCAL = Name.fromConstantString("cluster.local.");

    static Resolver resolver(List<Name> zones, long ttl, PodMode pods, Set<String> namespaces, boolean podNames, boolean ignoreEmpty) {
        Resolver r = new Resolver(new ResolverConfig(zones, ttl, pods, namespaces, podNames, ignoreEmpty));
        r.update(ExampleCluster.snapshot());
        return r;
    }

    static Resolver withPods(PodMode mode) {
        return resolver(List.of(CLUSTER_LOCAL), 5, mode, Set.of(), false, false);
    }

    static void check(Resolver r, String name, String type, ResolverRecordsTest.Expect expect) {
        assertExpected(r.resolve(Name.fromConstantString(name), Type.value(type)), expect);
    }

    @Test
    void podsInsecureAnswersAnyWellFormedDashedIpInAnExistingNamespace() {
        Resolver r = withPods(PodMode.INSECURE);
        check(r, "10-244-9-9.default.pod.cluster.local.", "A", answer("10-244-9-9.default.pod.cluster.local. 5 A 10.244.9.9"));
        check(r, "10-244-9-9.default.pod.cluster.local.", "AAAA", noData(SOA));
        check(r, "fd00-10-244--5.default.pod.cluster.local.", "AAAA",
                answer("fd00-10-244--5.default.pod.cluster.local. 5 AAAA fd00:10:244::5"));
        check(r, "10-244-9-9.no-such-ns.pod.cluster.local.", "A", nxDomain(SOA));
        check(r, "not-an-ip.default.pod.cluster.local.", "A", nxDomain(SOA));
        check(r, "10-244-9-300.default.pod.cluster.local.", "A", nxDomain(SOA));
        // leading zeros are not an IP to CoreDNS (Go's net.ParseIP) either
        check(r, "010-244-001-020.default.pod.cluster.local.", "A", nxDomain(SOA));
        check(r, "default.pod.cluster.local.", "A", noData(SOA));
        check(r, "x.10-244-9-9.default.pod.cluster.local.", "A", nxDomain(SOA));
    }

    @Test
    void podsVerifiedAnswersOnlyPodsThatExistInThatNamespace() {
        Resolver r = withPods(PodMode.VERIFIED);
        check(r, "10-244-1-5.default.pod.cluster.local.", "A", answer("10-244-1-5.default.pod.cluster.local. 5 A 10.244.1.5"));
        check(r, "fd00-10-244--5.default.pod.cluster.local.", "AAAA",
                answer("fd00-10-244--5.default.pod.cluster.local. 5 AAAA fd00:10:244::5"));
        check(r, "10-244-9-9.default.pod.cluster.local.", "A", nxDomain(SOA));
        check(r, "10-244-1-5.prod.pod.cluster.local.", "A", nxDomain(SOA));
    }

    @Test
    void podsDisabledNeverAnswers() {
        Resolver r = withPods(PodMode.DISABLED);
        check(r, "10-244-1-5.default.pod.cluster.local.", "A", nxDomain(SOA));
        check(r, "default.pod.cluster.local.", "A", nxDomain(SOA));
    }

    @Test
    void ttlAppliesToRecordsAndSoaTtlIsCappedAt300() {
        Resolver r = resolver(List.of(CLUSTER_LOCAL), 3600, PodMode.DISABLED, Set.of(), false, false);
        String soa = "cluster.local. 300 SOA ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 3600";
        check(r, "web.default.svc.cluster.local.", "A", answer("web.default.svc.cluster.local. 3600 A 10.96.45.100"));
        check(r, "web.default.svc.cluster.local.", "AAAA", noData(soa));
        check(r, "dns-version.cluster.local.", "TXT", answer("dns-version.cluster.local. 28800 TXT \"1.1.0\""));
        Resolver zero = resolver(List.of(CLUSTER_LOCAL), 0, PodMode.DISABLED, Set.of(), false, false);
        check(zero, "_http._tcp.web.default.svc.cluster.local.", "SRV", answerWithExtra(
                List.of("_http._tcp.web.default.svc.cluster.local. 0 SRV 0 100 80 web.default.svc.cluster.local."),
                "web.default.svc.cluster.local. 0 A 10.96.45.100"));
        check(zero, "nope.default.svc.cluster.local.", "A",
                nxDomain("cluster.local. 0 SOA ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 0"));
    }

    @Test
    void namespacesFilterHidesOtherNamespacesIncludingTheirPtrRecords() {
        Resolver r = resolver(List.of(CLUSTER_LOCAL, ResolverConfig.IN_ADDR_ARPA), 5, PodMode.DISABLED, Set.of("default"), false, false);
        check(r, "web.default.svc.cluster.local.", "A", answer("web.default.svc.cluster.local. 5 A 10.96.45.100"));
        check(r, "api.prod.svc.cluster.local.", "A", nxDomain(SOA));
        check(r, "prod.svc.cluster.local.", "A", nxDomain(SOA));
        check(r, "5.1.244.10.in-addr.arpa.", "PTR", answer("5.1.244.10.in-addr.arpa. 5 PTR 10-244-1-5.web.default.svc.cluster.local."));
        check(r, "60.50.96.10.in-addr.arpa.", "PTR",
                nxDomain("in-addr.arpa. 5 SOA ns.dns.in-addr.arpa. hostmaster.in-addr.arpa. 1700000000 7200 1800 86400 5"));
    }

    @Test
    void endpointPodNamesUsesThePodNameWhenThereIsNoHostname() {
        Resolver r = resolver(List.of(CLUSTER_LOCAL), 5, PodMode.DISABLED, Set.of(), true, false);
        check(r, "web-7d4b9c8f5-x2k9p.web.default.svc.cluster.local.", "A",
                answer("web-7d4b9c8f5-x2k9p.web.default.svc.cluster.local. 5 A 10.244.1.5"));
        check(r, "10-244-1-5.web.default.svc.cluster.local.", "A", nxDomain(SOA));
        // a hostname still wins, and endpoints without a pod keep their dashed IP
        check(r, "mongo-0.mongo.default.svc.cluster.local.", "A", answer("mongo-0.mongo.default.svc.cluster.local. 5 A 10.244.1.10"));
        check(r, "10-244-2-7.web.default.svc.cluster.local.", "A", answer("10-244-2-7.web.default.svc.cluster.local. 5 A 10.244.2.7"));
    }

    @Test
    void ignoreEmptyServiceAnswersNxdomainForClusterIpServicesWithoutReadyEndpoints() {
        Resolver plain = resolver(List.of(CLUSTER_LOCAL), 5, PodMode.DISABLED, Set.of(), false, false);
        check(plain, "empty.default.svc.cluster.local.", "A", answer("empty.default.svc.cluster.local. 5 A 10.96.30.40"));
        Resolver r = resolver(List.of(CLUSTER_LOCAL), 5, PodMode.DISABLED, Set.of(), false, true);
        check(r, "empty.default.svc.cluster.local.", "A", nxDomain(SOA));
        check(r, "web.default.svc.cluster.local.", "A", answer("web.default.svc.cluster.local. 5 A 10.96.45.100"));
        check(r, "my-database.default.svc.cluster.local.", "CNAME", answer("my-database.default.svc.cluster.local. 5 CNAME db.example.com."));
        check(r, "mongo.default.svc.cluster.local.", "A", answer(
                "mongo.default.svc.cluster.local. 5 A 10.244.1.10", "mongo.default.svc.cluster.local. 5 A 10.244.2.11"));
    }

    @Test
    void everyForwardZoneServesTheClusterAndSrvTargetsFollowTheAskedZone() {
        Name other = Name.fromConstantString("example.internal.");
        Resolver r = resolver(List.of(CLUSTER_LOCAL, other), 5, PodMode.DISABLED, Set.of(), false, false);
        check(r, "web.default.svc.example.internal.", "A", answer("web.default.svc.example.internal. 5 A 10.96.45.100"));
        check(r, "_http._tcp.web.default.svc.example.internal.", "SRV", answerWithExtra(
                List.of("_http._tcp.web.default.svc.example.internal. 5 SRV 0 100 80 web.default.svc.example.internal."),
                "web.default.svc.example.internal. 5 A 10.96.45.100"));
        check(r, "nope.default.svc.example.internal.", "A", nxDomain(
                "example.internal. 5 SOA ns.dns.example.internal. hostmaster.example.internal. 1700000000 7200 1800 86400 5"));
    }

    @Test
    void namesOutsideEveryZoneAreNotOurs() {
        Resolver r = withPods(PodMode.DISABLED);
        assertThat(r.resolve(Name.fromConstantString("www.example.com."), Type.A)).isInstanceOf(Answer.NotAuthoritative.class);
        assertThat(r.resolve(Name.fromConstantString("cluster.local.example.com."), Type.A)).isInstanceOf(Answer.NotAuthoritative.class);
        // reverse zones are only ours when configured
        assertThat(r.resolve(Name.fromConstantString("100.45.96.10.in-addr.arpa."), Type.PTR)).isInstanceOf(Answer.NotAuthoritative.class);
    }

    @Test
    void beforeTheFirstSnapshotInZoneNamesAreServfailNeverNxdomain() {
        Resolver r = new Resolver(ResolverConfig.defaults());
        assertThat(r.synced()).isFalse();
        assertThat(r.resolve(Name.fromConstantString("web.default.svc.cluster.local."), Type.A)).isInstanceOf(Answer.NotSynced.class);
        assertThat(r.resolve(Name.fromConstantString("nope.cluster.local."), Type.A).rcode()).isEqualTo(org.xbill.DNS.Rcode.SERVFAIL);
        assertThat(r.resolve(Name.fromConstantString("www.example.com."), Type.A)).isInstanceOf(Answer.NotAuthoritative.class);
        r.update(ExampleCluster.snapshot());
        assertThat(r.synced()).isTrue();
        assertThat(r.resolve(Name.fromConstantString("web.default.svc.cluster.local."), Type.A)).isInstanceOf(Answer.Records.class);
    }

    @Test
    void theNameserverFallsBackToLoopbackWithoutAKubeDnsService() {
        Resolver r = new Resolver(ResolverConfig.defaults());
        r.update(Fixtures.snapshot(ExampleCluster.CREATED, List.of(), List.of(), List.of(), "default"));
        check(r, "cluster.local.", "NS", answerWithExtra(List.of("cluster.local. 5 NS ns.dns.cluster.local."),
                "ns.dns.cluster.local. 5 A 127.0.0.1"));
        check(r, "ns.dns.cluster.local.", "A", answer("ns.dns.cluster.local. 5 A 127.0.0.1"));
    }
}
