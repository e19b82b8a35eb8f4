package io.clusterdns.resolver;

import static io.clusterdns.resolver.Fixtures.epPort;
import static io.clusterdns.resolver.Fixtures.ip;
import static io.clusterdns.resolver.Fixtures.port;
import static io.clusterdns.resolver.Fixtures.ready;
import static io.clusterdns.resolver.Fixtures.slice;
import static io.clusterdns.resolver.ResolverRecordsTest.answer;
import static io.clusterdns.resolver.ResolverRecordsTest.answerWithExtra;
import static io.clusterdns.resolver.ResolverRecordsTest.noData;
import static io.clusterdns.resolver.ResolverRecordsTest.nxDomain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.LoadBalancerIngress;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.SnapshotDelta;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The external zone (CoreDNS's {@code k8s_external}) as exact records, against this cluster:
 *
 * <pre>
 * external zones   example.org, in-addr.arpa; TTL 5; SOA serial 1700000000; this server is 10.244.0.2
 * kube-system/kube-dns      10.96.0.10 dns 53/UDP; ready 10.244.0.2
 * kube-system/dns-external  LoadBalancer 10.96.0.53 dns 53/UDP, ingress 203.0.113.53; ready 10.244.0.2
 * shop/lb        LoadBalancer http 80/TCP, https 443/TCP; ingress 203.0.113.10 and 2001:db8::10
 * shop/ext       ClusterIP http 8080/TCP; externalIPs 192.0.2.20, 192.0.2.21
 * shop/both      externalIPs 192.0.2.30, ingress 192.0.2.30 and 203.0.113.30
 * shop/elb       LoadBalancer http 80/TCP; ingress hostname abc.elb.example.net
 * shop/internal  ClusterIP only
 * shop/portless  externalIPs 192.0.2.40, no ports
 * shop/db        headless pg 5432/TCP; ready db-0 10.244.1.10, (no hostname) 10.244.1.11
 * shop/hx        headless http 80/TCP with externalIPs 192.0.2.50; ready 10.244.1.50
 * </pre>
 */
class ExternalResolverTest {
    static final Name EXAMPLE = Name.fromConstantString("example.org.");
    static final String SOA = "example.org. 5 SOA ns1.dns.example.org. hostmaster.dns.example.org. 1700000000 7200 1800 86400 5";
    static final String REVERSE_SOA = "in-addr.arpa. 5 SOA ns1.dns.in-addr.arpa. hostmaster.dns.in-addr.arpa. 1700000000 7200 1800 86400 5";
    static final InetAddress SERVER = ip("10.244.0.2");

    static ServiceInfo exposed(String ns, String name, boolean headless, List<String> externalIps, List<LoadBalancerIngress> ingress,
                               ServicePort... ports) {
        ServiceType type = ingress.isEmpty() ? ServiceType.CLUSTER_IP : ServiceType.LOAD_BALANCER;
        List<InetAddress> clusterIps = headless ? List.of() : List.of(ip("10.96.9." + Math.abs(name.hashCode() % 250)));
        return new ServiceInfo(ServiceKey.of(ns, name), type, clusterIps, headless, List.of(IpFamily.IPV4), List.of(ports), null,
                externalIps.stream().map(Fixtures::ip).toList(), ingress, null, null, null, null, 0, false, Map.of("app", name), null);
    }

    static LoadBalancerIngress lb(String ip) {
        return new LoadBalancerIngress(ip(ip), null, null);
    }

    static ClusterSnapshot cluster() {
        ServicePort http = port("http", "TCP", 80);
        List<ServiceInfo> services = List.of(
                Fixtures.clusterIp("kube-system", "kube-dns", List.of("10.96.0.10"), port("dns", "UDP", 53)),
                exposed("kube-system", "dns-external", false, List.of(), List.of(lb("203.0.113.53")), port("dns", "UDP", 53)),
                exposed("shop", "lb", false, List.of(), List.of(lb("203.0.113.10"), lb("2001:db8::10")), http, port("https", "TCP", 443)),
                exposed("shop", "ext", false, List.of("192.0.2.20", "192.0.2.21"), List.of(), port("http", "TCP", 8080)),
                exposed("shop", "both", false, List.of("192.0.2.30"), List.of(lb("192.0.2.30"), lb("203.0.113.30")), http),
                exposed("shop", "elb", false, List.of(), List.of(new LoadBalancerIngress(null, "abc.elb.example.net", null)), http),
                exposed("shop", "internal", false, List.of(), List.of(), http),
                exposed("shop", "portless", false, List.of("192.0.2.40"), List.of()),
                exposed("shop", "db", true, List.of(), List.of(), port("pg", "TCP", 5432)),
                exposed("shop", "hx", true, List.of("192.0.2.50"), List.of(), http));
        return Fixtures.snapshot(Instant.ofEpochSecond(1_700_000_000L), services, List.of(
                slice("kube-system", "kube-dns", "kube-dns-1", List.of(ready("10.244.0.2", null)), epPort("dns", "UDP", 53)),
                slice("kube-system", "dns-external", "dns-external-1", List.of(ready("10.244.0.2", null)), epPort("dns", "UDP", 53)),
                slice("shop", "db", "db-1", List.of(ready("10.244.1.10", "db-0"), ready("10.244.1.11", null)), epPort("pg", "TCP", 5432)),
                slice("shop", "hx", "hx-1", List.of(ready("10.244.1.50", null)), epPort("http", "TCP", 80))),
                List.of(), "default", "kube-system", "shop");
    }

    static ExternalResolver resolver(boolean headless, long ttl, List<InetAddress> server) {
        Resolver cluster = new Resolver(ResolverConfig.defaults());
        cluster.update(cluster());
        return new ExternalResolver(cluster, new ExternalConfig(List.of(EXAMPLE, ResolverConfig.IN_ADDR_ARPA), "dns", ttl, headless, server));
    }

    static ResolverRecordsTest.Case c(String name, String type, ResolverRecordsTest.Expect expect) {
        return new ResolverRecordsTest.Case(name, type, expect);
    }

    static Stream<ResolverRecordsTest.Case> withoutHeadless() {
        String lb = "lb.shop.example.org.";
        String ns1 = "ns1.dns.example.org.";
        return Stream.of(
                // the apex, and the nameserver's address: the external IP of the Service this server is an endpoint of
                c("example.org.", "SOA", answer(SOA)),
                c("Example.ORG.", "SOA", answer(SOA.replace("example.org. 5", "Example.ORG. 5"))),
                c("example.org.", "NS", answerWithExtra(List.of("example.org. 5 NS " + ns1), ns1 + " 5 A 203.0.113.53")),
                c("example.org.", "A", noData(SOA)),
                c("dns.example.org.", "A", noData(SOA)),
                c(ns1, "A", answer(ns1 + " 5 A 203.0.113.53")),
                c(ns1, "AAAA", noData(SOA)),
                c("ns2.dns.example.org.", "A", nxDomain(SOA)),
                c("x.ns1.dns.example.org.", "A", nxDomain(SOA)),
                // namespaces are empty non-terminals; what is not a namespace does not exist
                c("shop.example.org.", "A", noData(SOA)),
                c("nope.example.org.", "A", nxDomain(SOA)),
                // load balancer ingress IPs, both families
                c(lb, "A", answer(lb + " 5 A 203.0.113.10")),
                c(lb, "AAAA", answer(lb + " 5 AAAA 2001:db8::10")),
                c("LB.Shop.example.org.", "A", answer("LB.Shop.example.org. 5 A 203.0.113.10")),
                c(lb, "TXT", noData(SOA)),
                c(lb, "SRV", answerWithExtra(List.of(lb + " 5 SRV 0 25 80 " + lb, lb + " 5 SRV 0 25 443 " + lb),
                        lb + " 5 A 203.0.113.10", lb + " 5 AAAA 2001:db8::10")),
                c("_https._tcp." + lb, "SRV", answerWithExtra(List.of("_https._tcp." + lb + " 5 SRV 0 50 443 " + lb),
                        lb + " 5 A 203.0.113.10", lb + " 5 AAAA 2001:db8::10")),
                c("_https._tcp." + lb, "A", answer("_https._tcp." + lb + " 5 A 203.0.113.10")),
                c("_https._udp." + lb, "SRV", nxDomain(SOA)),
                c("https._tcp." + lb, "SRV", nxDomain(SOA)),
                c("_tcp." + lb, "SRV", noData(SOA)),
                c("_udp." + lb, "SRV", nxDomain(SOA)),
                c("a._https._tcp." + lb, "SRV", nxDomain(SOA)),
                // spec.externalIPs; then ingress IPs, each address once
                c("ext.shop.example.org.", "A", answer("ext.shop.example.org. 5 A 192.0.2.20", "ext.shop.example.org. 5 A 192.0.2.21")),
                c("ext.shop.example.org.", "AAAA", noData(SOA)),
                c("both.shop.example.org.", "A", answer("both.shop.example.org. 5 A 192.0.2.30", "both.shop.example.org. 5 A 203.0.113.30")),
                // a load balancer known by hostname: CNAME, and SRV to that name without addresses
                c("elb.shop.example.org.", "A", answer("elb.shop.example.org. 5 CNAME abc.elb.example.net.")),
                c("elb.shop.example.org.", "AAAA", answer("elb.shop.example.org. 5 CNAME abc.elb.example.net.")),
                c("elb.shop.example.org.", "CNAME", answer("elb.shop.example.org. 5 CNAME abc.elb.example.net.")),
                c("elb.shop.example.org.", "SRV", answer("elb.shop.example.org. 5 SRV 0 100 80 abc.elb.example.net.")),
                c("ext.shop.example.org.", "CNAME", noData(SOA)),
                // no external address: no name
                c("internal.shop.example.org.", "A", nxDomain(SOA)),
                c("gone.shop.example.org.", "A", nxDomain(SOA)),
                c("portless.shop.example.org.", "A", answer("portless.shop.example.org. 5 A 192.0.2.40")),
                c("portless.shop.example.org.", "SRV", noData(SOA)),
                // headless services and endpoint names only with the headless option
                c("db.shop.example.org.", "A", nxDomain(SOA)),
                c("db-0.db.shop.example.org.", "A", nxDomain(SOA)),
                c("x.ext.shop.example.org.", "A", nxDomain(SOA)),
                c("hx.shop.example.org.", "A", answer("hx.shop.example.org. 5 A 192.0.2.50")),
                // PTR for external IPs in a reverse external zone
                c("10.113.0.203.in-addr.arpa.", "PTR", answer("10.113.0.203.in-addr.arpa. 5 PTR " + lb)),
                c("30.2.0.192.in-addr.arpa.", "PTR", answer("30.2.0.192.in-addr.arpa. 5 PTR both.shop.example.org.")),
                c("30.2.0.192.in-addr.arpa.", "A", noData(REVERSE_SOA)),
                c("99.2.0.192.in-addr.arpa.", "PTR", nxDomain(REVERSE_SOA)),
                c("10.0.96.10.in-addr.arpa.", "PTR", nxDomain(REVERSE_SOA)),
                c("a.b.c.d.e.example.org.", "A", nxDomain(SOA)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withoutHeadless")
    void answersExternalAddresses(ResolverRecordsTest.Case tc) {
        Answer a = resolver(false, 5, List.of(SERVER)).resolve(Name.fromConstantString(tc.name()), Type.value(tc.type()));
        ResolverRecordsTest.assertExpected(a, tc.expect());
    }

    static Stream<ResolverRecordsTest.Case> withHeadless() {
        String db = "db.shop.example.org.";
        return Stream.of(
                c(db, "A", answer(db + " 5 A 10.244.1.10", db + " 5 A 10.244.1.11")),
                c(db, "SRV", answerWithExtra(List.of(db + " 5 SRV 0 50 5432 db-0." + db, db + " 5 SRV 0 50 5432 10-244-1-11." + db),
                        "db-0." + db + " 5 A 10.244.1.10", "10-244-1-11." + db + " 5 A 10.244.1.11")),
                c("_pg._tcp." + db, "SRV", answerWithExtra(
                        List.of("_pg._tcp." + db + " 5 SRV 0 50 5432 db-0." + db, "_pg._tcp." + db + " 5 SRV 0 50 5432 10-244-1-11." + db),
                        "db-0." + db + " 5 A 10.244.1.10", "10-244-1-11." + db + " 5 A 10.244.1.11")),
                c("db-0." + db, "A", answer("db-0." + db + " 5 A 10.244.1.10")),
                c("db-0." + db, "SRV", answerWithExtra(List.of("db-0." + db + " 5 SRV 0 100 5432 db-0." + db),
                        "db-0." + db + " 5 A 10.244.1.10")),
                c("10-244-1-11." + db, "A", answer("10-244-1-11." + db + " 5 A 10.244.1.11")),
                c("db-9." + db, "A", nxDomain(SOA)),
                // external IPs win over endpoints; services with external IPs have no endpoint names
                c("hx.shop.example.org.", "A", answer("hx.shop.example.org. 5 A 192.0.2.50")),
                c("10-244-1-50.hx.shop.example.org.", "A", nxDomain(SOA)),
                c("lb.shop.example.org.", "A", answer("lb.shop.example.org. 5 A 203.0.113.10")),
                c("internal.shop.example.org.", "A", nxDomain(SOA)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withHeadless")
    void answersHeadlessEndpointsWithTheOption(ResolverRecordsTest.Case tc) {
        Answer a = resolver(true, 5, List.of(SERVER)).resolve(Name.fromConstantString(tc.name()), Type.value(tc.type()));
        ResolverRecordsTest.assertExpected(a, tc.expect());
    }

    @Test
    void aServerThatIsNoServicesEndpointNamesItsOwnAddresses() {
        Name ns1 = Name.fromConstantString("ns1.dns.example.org.");
        ExternalResolver outside = resolver(false, 5, List.of(ip("192.168.5.5"), ip("2001:db8:5::5")));
        ResolverRecordsTest.assertExpected(outside.resolve(ns1, Type.A), answer("ns1.dns.example.org. 5 A 192.168.5.5"));
        ResolverRecordsTest.assertExpected(outside.resolve(EXAMPLE, Type.NS), answerWithExtra(List.of("example.org. 5 NS ns1.dns.example.org."),
                "ns1.dns.example.org. 5 A 192.168.5.5", "ns1.dns.example.org. 5 AAAA 2001:db8:5::5"));
        ResolverRecordsTest.assertExpected(resolver(false, 5, List.of()).resolve(ns1, Type.A), noData(SOA));
    }

    @Test
    void theTtlIsEveryRecordsAndTheSoaMinimum() {
        ExternalResolver r = resolver(false, 60, List.of(SERVER));
        String soa = "example.org. 60 SOA ns1.dns.example.org. hostmaster.dns.example.org. 1700000000 7200 1800 86400 60";
        ResolverRecordsTest.assertExpected(r.resolve(Name.fromConstantString("ext.shop.example.org."), Type.A),
                answer("ext.shop.example.org. 60 A 192.0.2.20", "ext.shop.example.org. 60 A 192.0.2.21"));
        ResolverRecordsTest.assertExpected(r.resolve(Name.fromConstantString("internal.shop.example.org."), Type.A), nxDomain(soa));
        ResolverRecordsTest.assertExpected(r.resolve(EXAMPLE, Type.SOA), answer(soa));
    }

    @Test
    void anotherApexLabelMovesTheNameserver() {
        Resolver cluster = new Resolver(ResolverConfig.defaults());
        cluster.update(cluster());
        ExternalResolver r = new ExternalResolver(cluster, new ExternalConfig(List.of(EXAMPLE), "ext", 5, false, List.of(SERVER)));
        ResolverRecordsTest.assertExpected(r.resolve(EXAMPLE, Type.SOA),
                answer("example.org. 5 SOA ns1.ext.example.org. hostmaster.ext.example.org. 1700000000 7200 1800 86400 5"));
        ResolverRecordsTest.assertExpected(r.resolve(Name.fromConstantString("ns1.ext.example.org."), Type.A),
                answer("ns1.ext.example.org. 5 A 203.0.113.53"));
    }

    @Test
    void beforeTheFirstSnapshotZoneNamesAreNotSynced() {
        ExternalResolver r = new ExternalResolver(new Resolver(ResolverConfig.defaults()),
                new ExternalConfig(List.of(EXAMPLE), "dns", 5, false, List.of()));
        assertThat(r.resolve(Name.fromConstantString("lb.shop.example.org."), Type.A)).isEqualTo(new Answer.NotSynced(0));
        assertThat(r.resolve(Name.fromConstantString("example.com."), Type.A)).isSameAs(Answer.NOT_AUTHORITATIVE);
        assertThat(r.synced()).isFalse();
    }

    @Test
    void outsideItsZonesItIsNotAuthoritative() {
        assertThat(resolver(false, 5, List.of(SERVER)).resolve(Name.fromConstantString("web.default.svc.cluster.local."), Type.A))
                .isSameAs(Answer.NOT_AUTHORITATIVE);
    }

    @Test
    void anIncrementalSnapshotMovesTheReverseRecords() {
        Resolver cluster = new Resolver(ResolverConfig.defaults());
        ClusterSnapshot first = cluster();
        cluster.update(first);
        ExternalResolver r = new ExternalResolver(cluster, new ExternalConfig(List.of(EXAMPLE, ResolverConfig.IN_ADDR_ARPA), "dns", 5,
                false, List.of(SERVER)));
        ServiceInfo moved = exposed("shop", "lb", false, List.of(), List.of(lb("203.0.113.11")), port("http", "TCP", 80));
        cluster.update(first.apply(new SnapshotDelta().putService(moved), Instant.ofEpochSecond(1_700_000_100L)));

        String soa = REVERSE_SOA.replace("1700000000", "1700000100");
        ResolverRecordsTest.assertExpected(r.resolve(Name.fromConstantString("10.113.0.203.in-addr.arpa."), Type.PTR), nxDomain(soa));
        ResolverRecordsTest.assertExpected(r.resolve(Name.fromConstantString("11.113.0.203.in-addr.arpa."), Type.PTR),
                answer("11.113.0.203.in-addr.arpa. 5 PTR lb.shop.example.org."));
        ResolverRecordsTest.assertExpected(r.resolve(Name.fromConstantString("lb.shop.example.org."), Type.A),
                answer("lb.shop.example.org. 5 A 203.0.113.11"));
    }

    @Test
    void refusesABadConfiguration() {
        assertThatThrownBy(() -> new ExternalConfig(List.of(EXAMPLE), "a.b", 5, false, List.of()))
                .hasMessage("apex must be one DNS label, got \"a.b\"");
        assertThatThrownBy(() -> new ExternalConfig(List.of(EXAMPLE), "dns", 3601, false, List.of()))
                .hasMessage("ttl must be 0..3600 seconds, got 3601");
        assertThatThrownBy(() -> new ExternalConfig(List.of(), "dns", 5, false, List.of())).hasMessage("at least one zone is required");
        assertThat(ExternalConfig.isLabel("x-1")).isTrue();
        assertThat(ExternalConfig.isLabel("-x")).isFalse();
    }
}
