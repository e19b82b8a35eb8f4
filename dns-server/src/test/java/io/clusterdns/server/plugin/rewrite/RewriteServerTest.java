package io.clusterdns.server.plugin.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.clusterdns.server.plugin.forward.Dnsmasq;
import io.clusterdns.server.plugin.forward.FakeUpstream;
import io.clusterdns.server.wire.Responses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Servers started from a Corefile with rewrite rules in front of the kubernetes plugin (on
 * manifests), of forward to a real dnsmasq, and of forward to an upstream the test plays (to see
 * the query that leaves the server), queried over UDP and TCP with dnsjava and with dig.
 *
 * <p>Conventions: a row is a query (name and type as the client types them) and what the client
 * gets: the rcode, the question exactly as sent, the answer records ({@link Wire#text}).
 */
class RewriteServerTest {
    @TempDir
    Path dir;

    DnsServer start(String corefile) {
        try {
            Path file = Files.writeString(dir.resolve("Corefile"), corefile);
            return DnsServerMain.start(new CorefileSource(file, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Row(String name, int type, String expected) {
    }

    static String seen(Message m) {
        Record q = m.getQuestion();
        return Rcode.string(m.getRcode()) + " " + q.getName() + " " + Type.string(q.getType()) + " " + DClass.string(q.getDClass()) + ": "
                + String.join(", ", Wire.texts(m, Section.ANSWER));
    }

    /** Each row over UDP, and over TCP too when {@code tcp} is given. */
    static void check(UdpClient udp, TcpClient tcp, List<Row> rows) {
        int id = 1;
        for (Row row : rows) {
            assertThat(seen(udp.exchange(Wire.query(id++, row.name(), row.type()))).trim()).as("UDP " + row).isEqualTo(row.expected());
            if (tcp != null) {
                assertThat(seen(tcp.exchange(Wire.query(id++, row.name(), row.type()))).trim()).as("TCP " + row).isEqualTo(row.expected());
            }
        }
    }

    @Test
    void inFrontOfTheKubernetesPlugin() {
        Path manifests = ApiValidManifests.write(dir.resolve("m"));
        String web = ApiValidManifests.WEB_IP;
        try (DnsServer server = start("""
                .:0 {
                    errors
                    rewrite name exact db.legacy.example. web.shop.svc.cluster.local.
                    rewrite name regex ^(.*)\\.legacy\\.example\\.$ {1}.shop.svc.cluster.local. answer auto
                    rewrite continue type MX A
                    rewrite ttl exact web.shop.svc.cluster.local. 5
                    kubernetes cluster.local {
                        manifests %s
                        ttl 30
                    }
                    cache 30
                }
                """.formatted(manifests));
             UdpClient udp = new UdpClient(server.port());
             TcpClient tcp = new TcpClient(server.port())) {
            check(udp, tcp, List.of(
                    new Row("db.legacy.example.", Type.A, "NOERROR db.legacy.example. A IN: db.legacy.example. 30 A " + web),
                    // the client's case is kept, in the question and the answer
                    new Row("Db.LEGACY.example.", Type.A, "NOERROR Db.LEGACY.example. A IN: Db.LEGACY.example. 30 A " + web),
                    new Row("db-ready.legacy.example.", Type.A, "NOERROR db-ready.legacy.example. A IN: db-ready.legacy.example. 30 A "
                            + ApiValidManifests.DB_READY_IP),
                    new Row("nope.legacy.example.", Type.A, "NXDOMAIN nope.legacy.example. A IN:"),
                    // continue: the type rule and then the ttl rule
                    new Row("web.shop.svc.cluster.local.", Type.MX, "NOERROR web.shop.svc.cluster.local. MX IN: web.shop.svc.cluster.local. 5 A " + web),
                    new Row("web.shop.svc.cluster.local.", Type.A, "NOERROR web.shop.svc.cluster.local. A IN: web.shop.svc.cluster.local. 5 A " + web)));

            // the cache (before rewrite) keeps what the client got, its question and names
            assertThat(seen(udp.exchange(Wire.query(99, "DB.legacy.example.", Type.A)))).startsWith("NOERROR DB.legacy.example. A IN: ");
            Await.until("a cache hit", () -> new Scrape(server.scrape()), sc -> !sc.samples("coredns_cache_hits_total").isEmpty());

            // a real resolver accepts the answer (dig warns and waits on a question that is not its own)
            Commands.Result dig = Commands.run(Await.DEADLINE, Privileged.requireTool("dig", "bind9-dnsutils"), "@127.0.0.1", "-p",
                    String.valueOf(server.port()), "+time=30", "+tries=1", "+noall", "+answer", "+comments", "db.legacy.example", "A");
            assertThat(dig.exitCode()).as(dig.output()).isZero();
            assertThat(dig.output()).doesNotContain("mismatch").contains("status: NOERROR")
                    .containsPattern("db\\.legacy\\.example\\.\\s+30\\s+IN\\s+A\\s+" + web.replace(".", "\\."));
        }
    }

    @Test
    void inFrontOfForwardToDnsmasq() {
        try (Dnsmasq upstream = Dnsmasq.start(dir, "127.0.0.2", """
                10.0.0.1 web.test
                10.0.0.2 app.eu.test
                """, "--cname=alias.test,web.test", "--local-ttl=60", "--local=/test/");
             DnsServer server = start("""
                     .:0 {
                         errors
                         rewrite name exact db.legacy.example. web.test.
                         rewrite name regex ^(.*)-(eu)\\.example\\.org\\.$ {1}.{2}.test. answer auto
                         rewrite name suffix .corp.example. .test. answer auto
                         rewrite ttl exact web.test. 5-30
                         forward . %s
                     }
                     """.formatted(upstream.target()));
             UdpClient udp = new UdpClient(server.port())) {
            // UDP only: forward would keep a TCP connection to dnsmasq open, which a foreground dnsmasq serves alone
            check(udp, null, List.of(
                    new Row("db.legacy.example.", Type.A, "NOERROR db.legacy.example. A IN: db.legacy.example. 60 A 10.0.0.1"),
                    new Row("app-eu.example.org.", Type.A, "NOERROR app-eu.example.org. A IN: app-eu.example.org. 60 A 10.0.0.2"),
                    // suffix auto: the owner and the CNAME target get the client's suffix back
                    new Row("alias.corp.example.", Type.A,
                            "NOERROR alias.corp.example. A IN: alias.corp.example. 60 CNAME web.corp.example., web.corp.example. 60 A 10.0.0.1"),
                    new Row("web.test.", Type.A, "NOERROR web.test. A IN: web.test. 30 A 10.0.0.1"),
                    new Row("nope-eu.example.org.", Type.A, "NXDOMAIN nope-eu.example.org. A IN:")));
        }
    }

    /** The query that leaves the server carries what the rules made of it: name, class, EDNS0 options. */
    @Test
    void theUpstreamSeesTheRewrittenQuery() {
        try (FakeUpstream upstream = new FakeUpstream("127.0.0.4");
             DnsServer server = start("""
                     .:0 {
                         rewrite continue edns0 local set 0xffee {client_ip}
                         rewrite continue edns0 subnet set 24 56
                         rewrite continue class CH IN
                         rewrite name exact db.legacy.example. web.test.
                         forward . %s
                     }
                     """.formatted(upstream.target()));
             UdpClient udp = new UdpClient(server.port())) {
            // a client without EDNS: the upstream query gets an OPT record with both options
            Message noEdns = Wire.query(7, "db.legacy.example.", Type.A);
            FakeUpstream.Query q = relay(udp, upstream, noEdns, "web.test.", new ARecord(Name.fromConstantString("web.test."), DClass.IN, 20,
                    new byte[] {10, 0, 0, 1}));
            assertThat(q.message().getQuestion().getName().toString()).isEqualTo("web.test.");
            assertThat(options(q.message())).containsExactly("65518=7f000001", "8=000118007f0000");
            assertThat(seen(lastReply)).isEqualTo("NOERROR db.legacy.example. A IN: db.legacy.example. 20 A 10.0.0.1");
            assertThat(lastReply.getOPT()).as("the client sent no OPT, it gets none").isNull();

            // a client's own options stay; the class rule asks IN for a CH question
            Message chaos = new Message(8);
            chaos.getHeader().setFlag(Flags.RD);
            chaos.addRecord(Record.newRecord(Name.fromConstantString("web.test."), Type.TXT, DClass.CH), Section.QUESTION);
            chaos.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new GenericEDNSOption(0xfff0, new byte[] {2}))), Section.ADDITIONAL);
            q = relay(udp, upstream, chaos, "web.test.", new TXTRecord(Name.fromConstantString("web.test."), DClass.IN, 20, "in"));
            assertThat(DClass.string(q.message().getQuestion().getDClass())).isEqualTo("IN");
            assertThat(options(q.message())).containsExactly("65520=02", "65518=7f000001", "8=000118007f0000");
            assertThat(seen(lastReply)).isEqualTo("NOERROR web.test. TXT CH: web.test. 20 TXT in");
        }
    }

    Message lastReply;

    /** Sends {@code query}, answers the upstream query for {@code name} with {@code answer}, keeps the client's reply. */
    FakeUpstream.Query relay(UdpClient udp, FakeUpstream upstream, Message query, String name, Record answer) {
        udp.send(query.toWire());
        FakeUpstream.Query q = upstream.next();
        while (!q.message().getQuestion().getName().toString().equals(name)) {
            q = upstream.next(); // a health check
        }
        Message reply = Responses.start(q.message(), Rcode.NOERROR);
        reply.addRecord(answer, Section.ANSWER);
        upstream.send(q.from(), reply);
        lastReply = Wire.parse(udp.receive());
        return q;
    }

    static List<String> options(Message m) {
        List<String> out = new ArrayList<>();
        for (EDNSOption o : m.getOPT().getOptions()) {
            byte[] wire = o.toWire();
            out.add(o.getCode() + "=" + HexFormat.of().formatHex(wire, 4, wire.length));
        }
        return out;
    }
}
