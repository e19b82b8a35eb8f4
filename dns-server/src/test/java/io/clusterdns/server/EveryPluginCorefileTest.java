package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.PluginOrder;
import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plugin.forward.Dnsmasq;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * One server block with every plugin clusterdns has, as an operator's Corefile grows from
 * kubeadm's: it starts, and each plugin does its part in the same chain (one row or more per
 * plugin; each plugin's own tables are in its package). The upstream is a real dnsmasq; clients
 * are sockets bound to 127.0.0.x addresses, 127.0.0.3 being a pod of namespace {@code shop}.
 */
class EveryPluginCorefileTest {
    static final String POD = "127.0.0.3";
    static final String OTHER = "127.0.0.4";
    static final String BLOCKED = "127.0.0.9";
    static final String MANIFESTS = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {clusterIP: 10.96.0.20, externalIPs: [192.0.2.50], ports: [{name: http, port: 80}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: shop}
            spec: {type: ExternalName, externalName: google-like.example}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: client, namespace: shop, creationTimestamp: "2025-01-15T10:00:00Z"}
            spec: {nodeName: node-1, containers: [{name: c, image: busybox}]}
            status: {phase: Running, podIP: %1$s, podIPs: [{ip: %1$s}]}
            ---
            apiVersion: multicluster.x-k8s.io/v1alpha1
            kind: ServiceImport
            metadata: {name: web, namespace: shop}
            spec: {type: ClusterSetIP, ips: [10.42.0.1], ports: [{name: http, protocol: TCP, port: 80}]}
            """.formatted(POD);

    @TempDir
    Path dir;

    /** One question from {@code client}, and what the answer section must be (record texts, in order). */
    record Row(String plugin, String client, String qname, int type, int dclass, int rcode, List<String> answer) {
        Row(String plugin, String qname, int type, int rcode, String... answer) {
            this(plugin, OTHER, qname, type, DClass.IN, rcode, List.of(answer));
        }
    }

    @Test
    void aCorefileWithEveryPluginStartsAndEachPluginAnswersItsPart() throws Exception {
        Dnsmasq.require();
        Path manifests = Files.createDirectories(dir.resolve("m"));
        Files.writeString(manifests.resolve("cluster.yaml"), MANIFESTS);
        String gl = "google-like.example.shop.svc.cluster.local.";
        // answers from plugins after the cache leave it with TTLs in its range (cache 30: at most 30 s; forwarded TTL 0
        // from dnsmasq: its minimum, 5 s), as CoreDNS
        List<Row> rows = List.of(
                new Row("kubernetes", "web.shop.svc.cluster.local.", Type.A, Rcode.NOERROR, "web.shop.svc.cluster.local. 5 A 10.96.0.20"),
                new Row("kubernetes", "nope.shop.svc.cluster.local.", Type.A, Rcode.NXDOMAIN),
                new Row("kubernetes (ExternalName: the target's addresses asked of the server itself)", "db.shop.svc.cluster.local.",
                        Type.A, Rcode.NOERROR, "db.shop.svc.cluster.local. 5 CNAME google-like.example.", "google-like.example. 5 A 192.0.2.33"),
                new Row("forward", "google-like.example.", Type.A, Rcode.NOERROR, "google-like.example. 5 A 192.0.2.33"),
                new Row("local", "localhost.", Type.A, Rcode.NOERROR, "localhost. 604800 A 127.0.0.1"),
                new Row("hosts", "printer.lan.", Type.A, Rcode.NOERROR, "printer.lan. 30 A 192.0.2.7"),
                // over rrl's rate for printer.lan: slipped (TC=1), which the resolver retries over TCP, never limited
                new Row("rrl", "printer.lan.", Type.A, Rcode.NOERROR, "printer.lan. 30 A 192.0.2.7"),
                new Row("rewrite", "db.legacy.example.", Type.A, Rcode.NOERROR, "db.legacy.example. 5 A 10.96.0.20"),
                new Row("template", "ip-10-7.junk.example.", Type.A, Rcode.NOERROR, "ip-10-7.junk.example. 30 A 10.0.10.7"),
                new Row("k8s_external", "web.shop.example.com.", Type.A, Rcode.NOERROR, "web.shop.example.com. 5 A 192.0.2.50"),
                new Row("multicluster", "web.shop.svc.clusterset.local.", Type.A, Rcode.NOERROR,
                        "web.shop.svc.clusterset.local. 5 A 10.42.0.1"),
                new Row("any", "web.shop.svc.cluster.local.", Type.ANY, Rcode.NOERROR,
                        "web.shop.svc.cluster.local. 8482 HINFO \"ANY obsoleted\" \"See RFC 8482\""),
                new Row("chaos", OTHER, "version.bind.", Type.TXT, DClass.CH, Rcode.NOERROR, List.of("version.bind. 0 TXT clusterdns-test")),
                new Row("acl", BLOCKED, "web.shop.svc.cluster.local.", Type.A, DClass.IN, Rcode.REFUSED, List.of()),
                new Row("autopath", POD, gl, Type.A, DClass.IN, Rcode.NOERROR, List.of(gl + " 5 CNAME google-like.example.",
                        "google-like.example. 5 A 192.0.2.33")),
                new Row("autopath (not a pod)", OTHER, gl, Type.A, DClass.IN, Rcode.NXDOMAIN, List.of()));
        try (Dnsmasq upstream = Dnsmasq.start(dir, "127.0.0.2", "192.0.2.33 google-like.example\n", "--local=/#/")) {
            Path corefile = Files.writeString(dir.resolve("Corefile"), """
                    .:0 {
                        bind 127.0.0.1
                        timeouts {
                            idle 30s
                        }
                        errors
                        log
                        health 127.0.0.1:0
                        ready 127.0.0.1:0
                        prometheus 127.0.0.1:0
                        local
                        rrl printer.lan {
                            responses-per-second 0.01
                            slip-ratio 1
                        }
                        acl {
                            block net %3$s
                        }
                        any
                        chaos clusterdns-test ops@example.org
                        loadbalance
                        cache 30 {
                            disable success cluster.local
                            disable denial cluster.local
                        }
                        rewrite name exact db.legacy.example. web.shop.svc.cluster.local.
                        autopath @kubernetes
                        minimal
                        template IN A junk.example {
                            match "^ip-(?P<a>[0-9]+)-(?P<b>[0-9]+)[.]junk[.]example[.]$"
                            answer "{{ .Name }} 60 IN A 10.0.{{ .Group.a }}.{{ .Group.b }}"
                        }
                        hosts {
                            192.0.2.7 printer.lan
                            fallthrough
                        }
                        k8s_external example.com
                        kubernetes cluster.local in-addr.arpa ip6.arpa {
                            manifests %1$s
                            pods verified
                            fallthrough in-addr.arpa ip6.arpa
                        }
                        multicluster clusterset.local
                        loop
                        forward . %2$s
                        reload
                    }
                    """.formatted(manifests, upstream.target(), BLOCKED));
            try (DnsServer server = DnsServerMain.start(new CorefileSource(corefile, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 1))) {
                Scrape s = new Scrape(server.scrape());
                for (String plugin : PluginOrder.ORDER) {
                    if (Set.of("reload", "bind", "timeouts", "ready", "health").contains(plugin)) {
                        continue; // they configure the server, not its chain: CoreDNS does not list them either
                    }
                    assertThat(s.value("coredns_plugin_enabled", Map.of("server", "dns://127.0.0.1:" + server.port(), "zone", ".",
                            "view", "", "name", plugin))).as(plugin + " is in the chain").isEqualTo(1);
                }
                int id = 1;
                for (Row row : rows) {
                    Message query = Message.newQuery(Record.newRecord(Name.fromString(row.qname()), row.type(), row.dclass()));
                    query.getHeader().setID(id++);
                    Message m = ask(row.client(), server.port(), query);
                    String what = row.plugin() + ": " + row.client() + " " + row.qname() + " " + Type.string(row.type());
                    assertThat(Rcode.string(m.getRcode())).as(what).isEqualTo(Rcode.string(row.rcode()));
                    assertThat(Wire.texts(m, Section.ANSWER)).as(what).containsExactlyElementsOf(row.answer());
                    // minimal: no authority or additional records on answers with records
                    if (!row.answer().isEmpty()) {
                        assertThat(m.getSection(Section.AUTHORITY)).as(what + " (minimal)").isEmpty();
                    }
                }
                Scrape after = new Scrape(server.scrape());
                assertThat(after.value("coredns_autopath_success_total", Map.of("server", "dns://127.0.0.1:" + server.port())))
                        .isEqualTo(1);
                assertThat(after.value("coredns_acl_blocked_requests_total", Map.of("server", "dns://127.0.0.1:" + server.port(),
                        "zone", ".", "view", ""))).isEqualTo(1);
                assertThat(after.value("clusterdns_rrl_limited_total", Map.of("kind", "response", "action", "slipped"))).isEqualTo(1);
            }
        }
    }

    /** One UDP exchange from a socket bound to {@code client}, to the server on 127.0.0.1. */
    static Message ask(String client, int port, Message query) throws Exception {
        SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
        r.setPort(port);
        r.setLocalAddress(new InetSocketAddress(IpAddresses.parse(client), 0));
        r.setTimeout(Duration.ofMillis(UdpClient.DEADLINE_MS));
        return r.send(query);
    }
}
