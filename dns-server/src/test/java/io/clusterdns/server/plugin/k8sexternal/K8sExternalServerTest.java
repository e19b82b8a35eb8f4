package io.clusterdns.server.plugin.k8sexternal;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.DnsServer;
import io.clusterdns.server.DnsServerMain;
import io.clusterdns.server.UdpClient;
import io.clusterdns.server.Wire;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plugin.forward.Dnsmasq;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code k8s_external} over real sockets: a server started from a Corefile whose kubernetes plugin
 * serves the manifests below, and a dnsmasq upstream behind forward for what falls through and for
 * the load balancer hostname. This server's own Service is found as CoreDNS finds it: the
 * manifests give a pod this machine's IPv4 address, selected by a LoadBalancer Service whose
 * ingress IP becomes the nameserver's address.
 *
 * <pre>
 * Corefile       kubernetes cluster.local; k8s_external example.org other.example { headless; ttl 30; fallthrough other.example }
 * kube-system/dns-external  LoadBalancer, ingress 203.0.113.53; selects coredns-0 (this machine's address)
 * shop/lb        LoadBalancer http 80, https 443; ingress 203.0.113.10 and 2001:db8::10
 * shop/ext       ClusterIP http 8080; externalIPs 198.51.100.20
 * shop/elb       LoadBalancer http 80; ingress hostname abc.elb.example.net (dnsmasq: 198.51.100.7)
 * shop/db        headless pg 5432; pod db-0 (hostname db-0, subdomain db) 10.244.1.10
 * shop/internal  ClusterIP only
 * dnsmasq        abc.elb.example.net 198.51.100.7, nope.shop.other.example 198.51.100.99, TTL 60
 * </pre>
 */
class K8sExternalServerTest {
    static final String MANIFESTS = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: kube-system}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: dns-external, namespace: kube-system}
            spec:
              type: LoadBalancer
              selector: {k8s-app: kube-dns}
              ports: [{name: dns, port: 53, protocol: UDP}]
            status: {loadBalancer: {ingress: [{ip: 203.0.113.53}]}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: coredns-0, namespace: kube-system, labels: {k8s-app: kube-dns}}
            spec: {nodeName: n, containers: [{name: coredns, image: coredns}]}
            status: {phase: Running, conditions: [{type: Ready, status: "True"}], podIP: %s}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: lb, namespace: shop}
            spec:
              type: LoadBalancer
              selector: {app: lb}
              ports: [{name: http, port: 80}, {name: https, port: 443}]
            status: {loadBalancer: {ingress: [{ip: 203.0.113.10}, {ip: "2001:db8::10"}]}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: ext, namespace: shop}
            spec:
              selector: {app: ext}
              externalIPs: [198.51.100.20]
              ports: [{name: http, port: 8080}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: elb, namespace: shop}
            spec:
              type: LoadBalancer
              selector: {app: elb}
              ports: [{name: http, port: 80}]
            status: {loadBalancer: {ingress: [{hostname: abc.elb.example.net}]}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: shop}
            spec: {clusterIP: None, selector: {app: db}, ports: [{name: pg, port: 5432}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: db-0, namespace: shop, labels: {app: db}}
            spec: {hostname: db-0, subdomain: db, nodeName: n, containers: [{name: pg, image: postgres}]}
            status: {phase: Running, conditions: [{type: Ready, status: "True"}], podIP: 10.244.1.10}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: internal, namespace: shop}
            spec: {selector: {app: internal}, ports: [{name: http, port: 80}]}
            """;

    @TempDir
    static Path dir;
    static Optional<InetAddress> machine;
    static Dnsmasq upstream;
    static DnsServer server;
    static UdpClient client;
    static String serial;

    @BeforeAll
    static void start() throws Exception {
        machine = machineAddress();
        Path manifests = Files.createDirectories(dir.resolve("m"));
        Files.writeString(manifests.resolve("cluster.yaml"),
                MANIFESTS.formatted(machine.map(InetAddress::getHostAddress).orElse("10.244.0.2")));
        upstream = Dnsmasq.start(dir, "127.0.0.1", "198.51.100.7 abc.elb.example.net\n198.51.100.99 nope.shop.other.example\n",
                "--local-ttl=60");
        Path corefile = Files.writeString(dir.resolve("Corefile"), """
                .:0 {
                    kubernetes cluster.local {
                        manifests %s
                    }
                    k8s_external example.org other.example {
                        headless
                        ttl 30
                        fallthrough other.example
                    }
                    forward . %s
                }
                """.formatted(manifests, upstream.target()));
        server = DnsServerMain.start(new CorefileSource(corefile, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 2));
        client = new UdpClient(server.port());
        Message soa = client.exchange(Wire.query(1, "example.org.", Type.SOA));
        long time = ((SOARecord) soa.getSection(Section.ANSWER).get(0)).getSerial();
        // the serial is the time of the snapshot: the manifests were loaded just now
        assertThat(time).isBetween(System.currentTimeMillis() / 1000 - 600, System.currentTimeMillis() / 1000 + 1);
        serial = Long.toString(time);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** The first IPv4 address of this machine that is neither loopback nor link-local, as the server finds its own. */
    static Optional<InetAddress> machineAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp()) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** A question, the expected rcode and sections; {@code ownAddress}: the case needs this machine to have an address. */
    record Case(String name, int type, int rcode, List<String> answer, List<String> authority, List<String> additional,
                boolean ownAddress) {
        @Override
        public String toString() {
            return name + " " + Type.string(type);
        }
    }

    static Case answer(String name, int type, String... answer) {
        return new Case(name, type, Rcode.NOERROR, List.of(answer), List.of(), List.of(), false);
    }

    static Case negative(String name, int type, int rcode) {
        return new Case(name, type, rcode, List.of(), List.of(soa()), List.of(), false);
    }

    static String soa() {
        return "example.org. 30 SOA ns1.dns.example.org. hostmaster.dns.example.org. {serial} 7200 1800 86400 30";
    }

    static Stream<Case> cases() {
        String lb = "lb.shop.example.org.";
        String ns1 = "ns1.dns.example.org.";
        return Stream.of(
                answer("example.org.", Type.SOA, soa()),
                new Case("example.org.", Type.NS, Rcode.NOERROR, List.of("example.org. 30 NS " + ns1), List.of(),
                        List.of(ns1 + " 30 A 203.0.113.53"), true),
                new Case(ns1, Type.A, Rcode.NOERROR, List.of(ns1 + " 30 A 203.0.113.53"), List.of(), List.of(), true),
                negative("example.org.", Type.A, Rcode.NOERROR),
                answer(lb, Type.A, lb + " 30 A 203.0.113.10"),
                answer(lb, Type.AAAA, lb + " 30 AAAA 2001:db8::10"),
                new Case("_https._tcp." + lb, Type.SRV, Rcode.NOERROR, List.of("_https._tcp." + lb + " 30 SRV 0 50 443 " + lb), List.of(),
                        List.of(lb + " 30 A 203.0.113.10", lb + " 30 AAAA 2001:db8::10"), false),
                answer("ext.shop.example.org.", Type.A, "ext.shop.example.org. 30 A 198.51.100.20"),
                negative("ext.shop.example.org.", Type.AAAA, Rcode.NOERROR),
                answer("elb.shop.example.org.", Type.A, "elb.shop.example.org. 30 CNAME abc.elb.example.net.",
                        "abc.elb.example.net. 60 A 198.51.100.7"),
                answer("db.shop.example.org.", Type.A, "db.shop.example.org. 30 A 10.244.1.10"),
                answer("db-0.db.shop.example.org.", Type.A, "db-0.db.shop.example.org. 30 A 10.244.1.10"),
                negative("internal.shop.example.org.", Type.A, Rcode.NXDOMAIN),
                negative("nope.shop.example.org.", Type.A, Rcode.NXDOMAIN),
                // fallthrough other.example: a name k8s_external does not have there goes on to forward
                answer("lb.shop.other.example.", Type.A, "lb.shop.other.example. 30 A 203.0.113.10"),
                answer("nope.shop.other.example.", Type.A, "nope.shop.other.example. 60 A 198.51.100.99"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersOverUdp(Case c) {
        Assumptions.assumeTrue(!c.ownAddress() || machine.isPresent(), "this machine has no address but loopback and link-local ones");
        Message m = client.exchange(Wire.query(7, c.name(), c.type()));
        assertThat(m.getRcode()).as("rcode").isEqualTo(c.rcode());
        assertThat(Wire.texts(m, Section.ANSWER)).as("answer").containsExactlyElementsOf(withSerial(c.answer()));
        assertThat(Wire.texts(m, Section.AUTHORITY)).as("authority").containsExactlyElementsOf(withSerial(c.authority()));
        assertThat(Wire.texts(m, Section.ADDITIONAL)).as("additional").containsExactlyElementsOf(c.additional());
    }

    private static List<String> withSerial(List<String> records) {
        return records.stream().map(r -> r.replace("{serial}", serial)).toList();
    }
}
