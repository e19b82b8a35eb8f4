package io.clusterdns.server.plugin.autopath;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.server.DnsServer;
import io.clusterdns.server.DnsServerMain;
import io.clusterdns.server.Scrape;
import io.clusterdns.server.UdpClient;
import io.clusterdns.server.Wire;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plugin.forward.Dnsmasq;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A server started from a Corefile with {@code autopath @kubernetes}, {@code pods verified} on
 * manifests and {@code forward} to a real dnsmasq (127.0.0.2: {@code google-like.example} A
 * 192.0.2.33 only, everything else NXDOMAIN), asked over UDP and TCP from client sockets bound to
 * 127.0.0.x addresses the manifests give to pods: 127.0.0.3 is default/client, 127.0.0.4
 * shop/cart; 127.0.0.5 is no pod's.
 */
class AutopathOverSocketsTest {
    static final String CLIENT = "127.0.0.3";
    static final String SHOP = "127.0.0.4";
    static final String NOBODY = "127.0.0.5";
    static final String MANIFESTS = Pods.manifests(List.of("default", "shop"), "default/client=" + CLIENT, "shop/cart=" + SHOP) + """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: default}
            spec: {clusterIP: 10.96.45.100, ports: [{name: http, port: 80}]}
            """;

    @TempDir
    Path dir;

    record Row(String client, boolean tcp, String qname, int type, int rcode, List<String> answer) {
    }

    @Test
    void podsGetTheirSearchPathWalkedByTheServer() throws Exception {
        Dnsmasq.require();
        Path manifests = Files.createDirectories(dir.resolve("m"));
        Files.writeString(manifests.resolve("cluster.yaml"), MANIFESTS);
        String gl = "google-like.example.default.svc.cluster.local.";
        List<String> found = List.of(gl + " 0 CNAME google-like.example.", "google-like.example. 0 A 192.0.2.33");
        List<Row> rows = List.of(
                new Row(CLIENT, false, gl, Type.A, Rcode.NOERROR, found),
                new Row(CLIENT, false, gl, Type.AAAA, Rcode.NOERROR, List.of()),
                new Row(CLIENT, false, "web.default.default.svc.cluster.local.", Type.A, Rcode.NOERROR, List.of(
                        "web.default.default.svc.cluster.local. 5 CNAME web.default.svc.cluster.local.",
                        "web.default.svc.cluster.local. 5 A 10.96.45.100")),
                new Row(CLIENT, false, "nope.example.default.svc.cluster.local.", Type.A, Rcode.NXDOMAIN, List.of()),
                new Row(SHOP, false, gl, Type.A, Rcode.NXDOMAIN, List.of()),
                new Row(NOBODY, false, gl, Type.A, Rcode.NXDOMAIN, List.of()),
                new Row(SHOP, false, "google-like.example.shop.svc.cluster.local.", Type.A, Rcode.NOERROR, List.of(
                        "google-like.example.shop.svc.cluster.local. 0 CNAME google-like.example.", "google-like.example. 0 A 192.0.2.33")),
                new Row(SHOP, true, "web.default.shop.svc.cluster.local.", Type.A, Rcode.NOERROR, List.of(
                        "web.default.shop.svc.cluster.local. 5 CNAME web.default.svc.cluster.local.",
                        "web.default.svc.cluster.local. 5 A 10.96.45.100")),
                // one forwarded TCP row, the last: dnsmasq in the foreground serves one TCP connection at a time
                new Row(CLIENT, true, gl, Type.A, Rcode.NOERROR, found));
        try (Dnsmasq upstream = Dnsmasq.start(dir, "127.0.0.2", "192.0.2.33 google-like.example\n", "--local=/#/")) {
            Path corefile = Files.writeString(dir.resolve("Corefile"), """
                    .:0 {
                        autopath @kubernetes
                        kubernetes cluster.local {
                            manifests %s
                            pods verified
                        }
                        forward . %s
                    }
                    """.formatted(manifests, upstream.target()));
            try (DnsServer server = DnsServerMain.start(new CorefileSource(corefile, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 2))) {
                int id = 1;
                for (Row row : rows) {
                    Message m = ask(row.client(), server.port(), row.tcp(), Wire.query(id++, row.qname(), row.type()));
                    String what = row.client() + (row.tcp() ? " tcp " : " udp ") + row.qname() + " " + Type.string(row.type());
                    assertThat(m.getRcode()).as(what).isEqualTo(row.rcode());
                    assertThat(m.getQuestion().getName().toString()).as(what).isEqualTo(row.qname());
                    assertThat(Wire.texts(m, Section.ANSWER)).as(what).containsExactlyElementsOf(row.answer());
                }
                Scrape metrics = new Scrape(server.scrape());
                assertThat(metrics.value("coredns_autopath_success_total", Map.of("server", "dns://:" + server.port())))
                        .as("every reply that was not NXDOMAIN after a walk").isEqualTo(6);
            }
        }
    }

    /** One exchange from a socket bound to {@code client}, to the server on 127.0.0.1. */
    static Message ask(String client, int port, boolean tcp, Message query) throws Exception {
        SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
        r.setPort(port);
        r.setLocalAddress(new InetSocketAddress(IpAddresses.parse(client), 0));
        r.setTCP(tcp);
        r.setTimeout(Duration.ofMillis(UdpClient.DEADLINE_MS));
        return r.send(query);
    }
}
