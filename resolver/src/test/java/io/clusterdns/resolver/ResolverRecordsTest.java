package io.clusterdns.resolver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Every record rule of the Kubernetes DNS spec (schema 1.1.0) and the CoreDNS kubernetes plugin,
 * as exact records against {@link ExampleCluster} (see its conventions block). Negative answers
 * are checked for the exact SOA in {@link #SOA} / {@link #REVERSE_SOA}.
 */
class ResolverRecordsTest {
    static final String SOA = "cluster.local. 5 SOA ns.dns.cluster.local. hostmaster.cluster.local. 1700000000 7200 1800 86400 5";
    static final String REVERSE_SOA = "in-addr.arpa. 5 SOA ns.dns.in-addr.arpa. hostmaster.in-addr.arpa. 1700000000 7200 1800 86400 5";
    static final String V6_REVERSE_SOA = "ip6.arpa. 5 SOA ns.dns.ip6.arpa. hostmaster.ip6.arpa. 1700000000 7200 1800 86400 5";

    static Resolver resolver;

    @BeforeAll
    static void build() {
        resolver = new Resolver(new ResolverConfig(
                List.of(Name.fromConstantString("cluster.local."), ResolverConfig.IN_ADDR_ARPA, ResolverConfig.IP6_ARPA),
                5, PodMode.DISABLED, Set.of(), false, false));
        resolver.update(ExampleCluster.snapshot());
    }

    /** name, type, then the expectation. */
    record Case(String name, String type, Expect expect) {
        @Override
        public String toString() {
            return name + " " + type;
        }
    }

    /** rcode, answers, additional, authority (the SOA for negative answers). */
    record Expect(int rcode, List<String> answers, List<String> additional, List<String> authority) {
    }

    static Expect answer(String... records) {
        return new Expect(Rcode.NOERROR, List.of(records), List.of(), List.of());
    }

    static Expect answerWithExtra(List<String> records, String... extra) {
        return new Expect(Rcode.NOERROR, records, List.of(extra), List.of());
    }

    static Expect noData(String soa) {
        return new Expect(Rcode.NOERROR, List.of(), List.of(), List.of(soa));
    }

    static Expect nxDomain(String soa) {
        return new Expect(Rcode.NXDOMAIN, List.of(), List.of(), List.of(soa));
    }

    static Case c(String name, String type, Expect expect) {
        return new Case(name, type, expect);
    }

    static Stream<Case> cases() {
        String web = "web.default.svc.cluster.local.";
        return Stream.of(
                // ClusterIP services: A/AAAA per family of clusterIPs
                c(web, "A", answer(web + " 5 A 10.96.45.100")),
                c(web, "AAAA", noData(SOA)),
                c("dual.default.svc.cluster.local.", "A", answer("dual.default.svc.cluster.local. 5 A 10.96.20.30")),
                c("dual.default.svc.cluster.local.", "AAAA", answer("dual.default.svc.cluster.local. 5 AAAA fd00:10:96::1e")),
                c(web, "TXT", noData(SOA)),
                c(web, "MX", noData(SOA)),
                c(web, "SOA", noData(SOA)),
                // owner names echo the question's case
                c("WEB.Default.SVC.Cluster.Local.", "A", answer("WEB.Default.SVC.Cluster.Local. 5 A 10.96.45.100")),
                // headless: ready endpoints only, deduplicated across slices; NXDOMAIN without ready ones
                c("mongo.default.svc.cluster.local.", "A", answer(
                        "mongo.default.svc.cluster.local. 5 A 10.244.1.10", "mongo.default.svc.cluster.local. 5 A 10.244.2.11")),
                c("mongo.default.svc.cluster.local.", "AAAA", noData(SOA)),
                c("nobody.default.svc.cluster.local.", "A", nxDomain(SOA)),
                c("nobody.default.svc.cluster.local.", "SRV", nxDomain(SOA)),
                c("portless.default.svc.cluster.local.", "A", answer("portless.default.svc.cluster.local. 5 A 10.244.3.3")),
                c("portless.default.svc.cluster.local.", "SRV", noData(SOA)),
                // endpoint names: hostname (StatefulSet), dashed IPv4/IPv6, also for ClusterIP services
                c("mongo-0.mongo.default.svc.cluster.local.", "A", answer("mongo-0.mongo.default.svc.cluster.local. 5 A 10.244.1.10")),
                c("mongo-2.mongo.default.svc.cluster.local.", "A", nxDomain(SOA)),
                c("172-0-0-2.plain.default.svc.cluster.local.", "A", answer("172-0-0-2.plain.default.svc.cluster.local. 5 A 172.0.0.2")),
                c("5678-abcd--1.plain.default.svc.cluster.local.", "AAAA",
                        answer("5678-abcd--1.plain.default.svc.cluster.local. 5 AAAA 5678:abcd::1")),
                c("5678-abcd--1.plain.default.svc.cluster.local.", "A", noData(SOA)),
                c("10-244-1-5.web.default.svc.cluster.local.", "A", answer("10-244-1-5.web.default.svc.cluster.local. 5 A 10.244.1.5")),
                c("10-244-2-8.web.default.svc.cluster.local.", "A", nxDomain(SOA)),
                c("x.my-database.default.svc.cluster.local.", "A", nxDomain(SOA)),
                // SRV: named ports, weight floor(100/N), targets' addresses in additional
                c("_http._tcp." + web, "SRV", answerWithExtra(List.of("_http._tcp." + web + " 5 SRV 0 100 80 " + web), web + " 5 A 10.96.45.100")),
                c("_HTTP._TCP.Web.default.svc.cluster.local.", "SRV", answerWithExtra(
                        List.of("_HTTP._TCP.Web.default.svc.cluster.local. 5 SRV 0 100 80 " + web), web + " 5 A 10.96.45.100")),
                // SRV targets and their addresses end in the zone as typed (CoreDNS keeps the question's zone)
                c("_http._tcp.web.default.svc.Cluster.LOCAL.", "SRV", answerWithExtra(
                        List.of("_http._tcp.web.default.svc.Cluster.LOCAL. 5 SRV 0 100 80 web.default.svc.Cluster.LOCAL."),
                        "web.default.svc.Cluster.LOCAL. 5 A 10.96.45.100")),
                c("_mongo._tcp.Mongo.Default.SVC.cluster.Local.", "SRV", answerWithExtra(List.of(
                                "_mongo._tcp.Mongo.Default.SVC.cluster.Local. 5 SRV 0 50 27017 mongo-0.mongo.default.svc.cluster.Local.",
                                "_mongo._tcp.Mongo.Default.SVC.cluster.Local. 5 SRV 0 50 27017 mongo-1.mongo.default.svc.cluster.Local."),
                        "mongo-0.mongo.default.svc.cluster.Local. 5 A 10.244.1.10", "mongo-1.mongo.default.svc.cluster.Local. 5 A 10.244.2.11")),
                c("_http._tcp." + web, "A", answer("_http._tcp." + web + " 5 A 10.96.45.100")),
                c("_http._udp." + web, "SRV", nxDomain(SOA)),
                c("_grpc._tcp." + web, "SRV", nxDomain(SOA)),
                c("_tcp." + web, "SRV", noData(SOA)),
                c("_udp." + web, "SRV", nxDomain(SOA)),
                c("multi.default.svc.cluster.local.", "SRV", answerWithExtra(List.of(
                                "multi.default.svc.cluster.local. 5 SRV 0 33 80 multi.default.svc.cluster.local.",
                                "multi.default.svc.cluster.local. 5 SRV 0 33 443 multi.default.svc.cluster.local.",
                                "multi.default.svc.cluster.local. 5 SRV 0 33 53 multi.default.svc.cluster.local."),
                        "multi.default.svc.cluster.local. 5 A 10.96.10.20")),
                c("_dns._udp.multi.default.svc.cluster.local.", "SRV", answerWithExtra(List.of(
                                "_dns._udp.multi.default.svc.cluster.local. 5 SRV 0 100 53 multi.default.svc.cluster.local."),
                        "multi.default.svc.cluster.local. 5 A 10.96.10.20")),
                c("_dns._tcp.multi.default.svc.cluster.local.", "SRV", nxDomain(SOA)),
                // N counts (address, port) pairs before de-duplication, as CoreDNS: one record, weight 50
                c("dual.default.svc.cluster.local.", "SRV", answerWithExtra(List.of(
                                "dual.default.svc.cluster.local. 5 SRV 0 50 80 dual.default.svc.cluster.local."),
                        "dual.default.svc.cluster.local. 5 A 10.96.20.30", "dual.default.svc.cluster.local. 5 AAAA fd00:10:96::1e")),
                c("_mongo._tcp.mongo.default.svc.cluster.local.", "SRV", answerWithExtra(List.of(
                                "_mongo._tcp.mongo.default.svc.cluster.local. 5 SRV 0 50 27017 mongo-0.mongo.default.svc.cluster.local.",
                                "_mongo._tcp.mongo.default.svc.cluster.local. 5 SRV 0 50 27017 mongo-1.mongo.default.svc.cluster.local."),
                        "mongo-0.mongo.default.svc.cluster.local. 5 A 10.244.1.10", "mongo-1.mongo.default.svc.cluster.local. 5 A 10.244.2.11")),
                c("plain.default.svc.cluster.local.", "SRV", answerWithExtra(List.of(
                                "plain.default.svc.cluster.local. 5 SRV 0 50 8080 172-0-0-2.plain.default.svc.cluster.local.",
                                "plain.default.svc.cluster.local. 5 SRV 0 50 8080 5678-abcd--1.plain.default.svc.cluster.local."),
                        "172-0-0-2.plain.default.svc.cluster.local. 5 A 172.0.0.2",
                        "5678-abcd--1.plain.default.svc.cluster.local. 5 AAAA 5678:abcd::1")),
                // ExternalName: CNAME only for CNAME; CNAME first for A, chased inside the zone; IP value: no record
                c("my-database.default.svc.cluster.local.", "CNAME", answer("my-database.default.svc.cluster.local. 5 CNAME db.example.com.")),
                c("my-database.default.svc.cluster.local.", "A", answer("my-database.default.svc.cluster.local. 5 CNAME db.example.com.")),
                c("my-database.default.svc.cluster.local.", "AAAA", answer("my-database.default.svc.cluster.local. 5 CNAME db.example.com.")),
                c("my-database.default.svc.cluster.local.", "SRV", noData(SOA)),
                c("alias.default.svc.cluster.local.", "A", answer("alias.default.svc.cluster.local. 5 CNAME " + web, web + " 5 A 10.96.45.100")),
                c("alias.default.svc.cluster.local.", "AAAA", noData(SOA)),
                c("ip-ext.default.svc.cluster.local.", "A", nxDomain(SOA)),
                c("ip-ext.default.svc.cluster.local.", "CNAME", nxDomain(SOA)),
                c(web, "CNAME", noData(SOA)),
                // PTR: cluster IPs, endpoint IPs (one per service having it), full-nibble ip6.arpa
                c("100.45.96.10.in-addr.arpa.", "PTR", answer("100.45.96.10.in-addr.arpa. 5 PTR " + web)),
                c("5.1.244.10.in-addr.arpa.", "PTR", answer(
                        "5.1.244.10.in-addr.arpa. 5 PTR 10-244-1-5.web.default.svc.cluster.local.",
                        "5.1.244.10.in-addr.arpa. 5 PTR 10-244-1-5.api.prod.svc.cluster.local.")),
                c("10.1.244.10.in-addr.arpa.", "PTR", answer("10.1.244.10.in-addr.arpa. 5 PTR mongo-0.mongo.default.svc.cluster.local.")),
                c("12.1.244.10.in-addr.arpa.", "PTR", nxDomain(REVERSE_SOA)),
                c("1.2.0.192.in-addr.arpa.", "PTR", nxDomain(REVERSE_SOA)),
                c("100.45.96.10.in-addr.arpa.", "A", noData(REVERSE_SOA)),
                c("96.10.in-addr.arpa.", "PTR", nxDomain(REVERSE_SOA)),
                c("e.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa.", "PTR",
                        answer("e.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa. 5 PTR dual.default.svc.cluster.local.")),
                c("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.7.6.5.ip6.arpa.", "PTR",
                        answer("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.7.6.5.ip6.arpa. 5 PTR 5678-abcd--1.plain.default.svc.cluster.local.")),
                c("2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.7.6.5.ip6.arpa.", "PTR", nxDomain(V6_REVERSE_SOA)),
                // zone apex, schema version, nameserver
                c("cluster.local.", "SOA", answer(SOA)),
                c("Cluster.Local.", "SOA", answer(SOA.replace("cluster.local. 5", "Cluster.Local. 5"))),
                c("cluster.local.", "NS", answerWithExtra(List.of("cluster.local. 5 NS kube-dns.kube-system.svc.cluster.local."),
                        "kube-dns.kube-system.svc.cluster.local. 5 A 10.96.0.10")),
                c("cluster.local.", "A", noData(SOA)),
                c("dns-version.cluster.local.", "TXT", answer("dns-version.cluster.local. 28800 TXT \"1.1.0\"")),
                c("dns-version.cluster.local.", "A", noData(SOA)),
                c("ns.dns.cluster.local.", "A", answer("ns.dns.cluster.local. 5 A 10.96.0.10")),
                c("ns.dns.cluster.local.", "AAAA", noData(SOA)),
                c("dns.cluster.local.", "A", noData(SOA)),
                // empty non-terminals are NODATA; unknown names NXDOMAIN
                c("svc.cluster.local.", "A", noData(SOA)),
                c("pod.cluster.local.", "A", noData(SOA)),
                c("default.svc.cluster.local.", "A", noData(SOA)),
                c("empty-ns.svc.cluster.local.", "A", noData(SOA)),
                c("no-such-ns.svc.cluster.local.", "A", nxDomain(SOA)),
                c("nope.default.svc.cluster.local.", "A", nxDomain(SOA)),
                c("web.no-such-ns.svc.cluster.local.", "A", nxDomain(SOA)),
                c("foo.cluster.local.", "A", nxDomain(SOA)),
                c("a.b.c." + web, "A", nxDomain(SOA)),
                c("x._http._tcp." + web, "A", nxDomain(SOA)),
                c("api.prod.svc.cluster.local.", "A", answer("api.prod.svc.cluster.local. 5 A 10.96.50.60")),
                // pod records are disabled by default (CoreDNS default)
                c("10-244-1-5.default.pod.cluster.local.", "A", nxDomain(SOA)),
                c("default.pod.cluster.local.", "A", nxDomain(SOA)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersExactly(Case tc) {
        Answer a = resolver.resolve(Name.fromConstantString(tc.name()), Type.value(tc.type()));
        assertExpected(a, tc.expect());
    }

    static void assertExpected(Answer a, Expect expect) {
        assertThat(a.rcode()).as("rcode").isEqualTo(expect.rcode());
        if (a instanceof Answer.Records r) {
            assertThat(Fixtures.texts(r.answers())).as("answer").containsExactlyElementsOf(expect.answers());
            assertThat(Fixtures.texts(r.additional())).as("additional").containsExactlyElementsOf(expect.additional());
            assertThat(expect.authority()).as("authority").isEmpty();
        } else if (a instanceof Answer.NoData n) {
            assertThat(expect.answers()).as("expected answers, got NODATA").isEmpty();
            assertThat(List.of(Fixtures.text(n.soa()))).as("authority").isEqualTo(expect.authority());
        } else if (a instanceof Answer.NxDomain n) {
            assertThat(List.of(Fixtures.text(n.soa()))).as("authority").isEqualTo(expect.authority());
        } else {
            throw new AssertionError("unexpected " + a);
        }
    }
}
