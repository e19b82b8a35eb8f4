package io.clusterdns.server.plugin.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.Wire;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.Requests;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.wire.Responses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The plugin between a client and a small zone standing for the next plugin, without sockets:
 * what the next plugin is asked and what the client gets back, rule by rule.
 *
 * <p>Conventions: the zone answers the question it is asked from {@link #ZONE} (NXDOMAIN for
 * other names, an empty NOERROR for other types of its names); a row's expectation is the
 * question the zone saw ({@code name TYPE CLASS}), then the client's rcode, question and answer
 * records ({@link Wire#text}).
 */
class RewritePluginTest {
    static final List<Record> ZONE = Stream.of(
            "web.shop.svc.cluster.local. 30 IN A 10.96.0.80",
            "ftp.service.us-west-1.consul. 0 IN A 10.10.10.10",
            "www.google.com. 300 IN CNAME www.l.google.com.",
            "www.l.google.com. 300 IN A 10.1.1.1",
            "30.30.30.10.in-addr.arpa. 60 IN PTR ftp-us-west-1.service.consul.",
            "_http._tcp.web.shop.svc.cluster.local. 30 IN SRV 0 100 80 web.shop.svc.cluster.local.",
            "web.shop.svc.cluster.local. 30 CH TXT \"chaos\"").map(RewritePluginTest::record).toList();

    static Record record(String text) {
        try {
            String[] f = text.split(" ", 5);
            return Record.fromString(Name.fromString(f[0]), Type.value(f[3]), DClass.value(f[2]), Long.parseLong(f[1]), f[4], Name.root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The zone as the next plugin: answers what it is asked; keeps the queries it got. */
    static final class Zone implements Chain {
        final List<Message> asked = new ArrayList<>();
        final List<Request> requests = new ArrayList<>();

        @Override
        public void serve(Request request, io.clusterdns.server.chain.ResponseWriter writer) {
            requests.add(request);
            asked.add(request.message());
            Record q = request.question();
            List<Record> answer = ZONE.stream().filter(r -> r.getName().equals(q.getName()) && r.getDClass() == q.getDClass()
                    && (r.getType() == q.getType() || r.getType() == Type.CNAME)).toList();
            List<Record> chain = new ArrayList<>(answer);
            // follow a CNAME as a recursive upstream would
            for (Record r : answer) {
                if (r.getType() == Type.CNAME) {
                    Name target = ((org.xbill.DNS.CNAMERecord) r).getTarget();
                    ZONE.stream().filter(z -> z.getName().equals(target) && z.getType() == q.getType()).forEach(chain::add);
                }
            }
            boolean exists = ZONE.stream().anyMatch(r -> r.getName().equals(q.getName()));
            Message m = Responses.start(request.message(), exists ? Rcode.NOERROR : Rcode.NXDOMAIN);
            chain.forEach(r -> m.addRecord(r, Section.ANSWER));
            writer.write(m);
        }
    }

    static RewriteConfig config(String lines) {
        List<Directive> ds = CorefileParser.parse(". {\n" + lines + "\n}\n", Path.of("Corefile"), Map.of()).blocks().get(0).directives();
        return ds.stream().map(RewriteSetup::parse).reduce(RewriteConfig::and).orElseThrow();
    }

    /** What the zone was asked and what the client got. */
    record Exchange(Zone zone, Requests.Capture client) {
        Message asked() {
            return zone.asked.get(0);
        }

        Message answer() {
            return client.written.get(0);
        }
    }

    static Exchange run(String lines, Request request) {
        Zone zone = new Zone();
        Requests.Capture client = new Requests.Capture();
        new RewritePlugin(config(lines)).serve(request, client, zone);
        return new Exchange(zone, client);
    }

    static String question(Record q) {
        return q.getName() + " " + Type.string(q.getType()) + " " + DClass.string(q.getDClass());
    }

    static Stream<Arguments> rows() {
        String db = "rewrite name exact db.legacy.example. web.shop.svc.cluster.local.";
        String regex = "rewrite name regex (.*)-(us-west-1)\\.example\\.org {1}.service.{2}.consul";
        return Stream.of(
                // exact: the answer comes back under the name the client asked, as typed
                Arguments.of(db, "DB.Legacy.example.", Type.A, "web.shop.svc.cluster.local. A IN",
                        "NOERROR DB.Legacy.example. A IN: DB.Legacy.example. 30 A 10.96.0.80"),
                Arguments.of(db, "web.shop.svc.cluster.local.", Type.A, "web.shop.svc.cluster.local. A IN",
                        "NOERROR web.shop.svc.cluster.local. A IN: web.shop.svc.cluster.local. 30 A 10.96.0.80"),
                // the owner comes back; the SRV target is another name and stays
                Arguments.of("rewrite name exact _http._tcp.db.legacy.example. _http._tcp.web.shop.svc.cluster.local.",
                        "_http._tcp.db.legacy.example.", Type.SRV, "_http._tcp.web.shop.svc.cluster.local. SRV IN",
                        "NOERROR _http._tcp.db.legacy.example. SRV IN: _http._tcp.db.legacy.example. 30 SRV 0 100 80 web.shop.svc.cluster.local."),
                // regex: without answer rules the answer keeps the rewritten name; the question is always the client's
                Arguments.of(regex, "ftp-us-west-1.example.org.", Type.A, "ftp.service.us-west-1.consul. A IN",
                        "NOERROR ftp-us-west-1.example.org. A IN: ftp.service.us-west-1.consul. 0 A 10.10.10.10"),
                Arguments.of(regex + " answer auto", "ftp-us-west-1.example.org.", Type.A, "ftp.service.us-west-1.consul. A IN",
                        "NOERROR ftp-us-west-1.example.org. A IN: ftp-us-west-1.example.org. 0 A 10.10.10.10"),
                Arguments.of("rewrite stop {\n " + regex.substring("rewrite ".length())
                                + "\n answer name (.*)\\.service\\.(us-west-1)\\.consul {1}-{2}.example.org\n}",
                        "ftp-us-west-1.example.org.", Type.A, "ftp.service.us-west-1.consul. A IN",
                        "NOERROR ftp-us-west-1.example.org. A IN: ftp-us-west-1.example.org. 0 A 10.10.10.10"),
                Arguments.of(regex, "ftp-eu-west-1.example.org.", Type.A, "ftp-eu-west-1.example.org. A IN", "NXDOMAIN ftp-eu-west-1.example.org. A IN:"),
                // suffix auto swaps the suffix back on every name and CNAME target
                Arguments.of("rewrite name suffix .schmoogle.com. .google.com. answer auto", "www.schmoogle.com.", Type.A, "www.google.com. A IN",
                        "NOERROR www.schmoogle.com. A IN: www.schmoogle.com. 300 CNAME www.l.schmoogle.com., www.l.schmoogle.com. 300 A 10.1.1.1"),
                Arguments.of("rewrite name substring service.us-west-1.example.org service.us-west-1.consul", "ftp.service.us-west-1.example.org.",
                        Type.A, "ftp.service.us-west-1.consul. A IN",
                        "NOERROR ftp.service.us-west-1.example.org. A IN: ftp.service.us-west-1.consul. 0 A 10.10.10.10"),
                Arguments.of("rewrite name substring service.us-west-1.example.org service.us-west-1.consul answer auto",
                        "ftp.service.us-west-1.example.org.", Type.A, "ftp.service.us-west-1.consul. A IN",
                        "NOERROR ftp.service.us-west-1.example.org. A IN: ftp.service.us-west-1.example.org. 0 A 10.10.10.10"),
                Arguments.of("rewrite name prefix legacy web answer auto", "legacy.shop.svc.cluster.local.", Type.A, "web.shop.svc.cluster.local. A IN",
                        "NOERROR legacy.shop.svc.cluster.local. A IN: legacy.shop.svc.cluster.local. 30 A 10.96.0.80"),
                // CoreDNS's prefix ends with a dot: legacy-v2 is not under it
                Arguments.of("rewrite name prefix legacy web", "legacy-v2.shop.svc.cluster.local.", Type.A, "legacy-v2.shop.svc.cluster.local. A IN",
                        "NXDOMAIN legacy-v2.shop.svc.cluster.local. A IN:"),
                // answer value: the PTR target (CoreDNS's README example)
                Arguments.of("rewrite stop {\n name suffix .arpa .arpa\n answer value (.*)\\.service\\.consul\\. {1}.coredns.rocks.\n}",
                        "30.30.30.10.in-addr.arpa.", Type.PTR, "30.30.30.10.in-addr.arpa. PTR IN",
                        "NOERROR 30.30.30.10.in-addr.arpa. PTR IN: 30.30.30.10.in-addr.arpa. 60 PTR ftp-us-west-1.coredns.rocks."),
                // type and class: the answer is what was asked for, under the client's question
                Arguments.of("rewrite type AAAA A", "web.shop.svc.cluster.local.", Type.AAAA, "web.shop.svc.cluster.local. A IN",
                        "NOERROR web.shop.svc.cluster.local. AAAA IN: web.shop.svc.cluster.local. 30 A 10.96.0.80"),
                Arguments.of("rewrite class IN CH", "web.shop.svc.cluster.local.", Type.TXT, "web.shop.svc.cluster.local. TXT CH",
                        "NOERROR web.shop.svc.cluster.local. TXT IN: web.shop.svc.cluster.local. 30 TXT chaos"),
                // ttl: a value, a range (raised to its minimum, cut to its maximum), a name that does not match
                Arguments.of("rewrite ttl suffix .svc.cluster.local. 5", "web.shop.svc.cluster.local.", Type.A, "web.shop.svc.cluster.local. A IN",
                        "NOERROR web.shop.svc.cluster.local. A IN: web.shop.svc.cluster.local. 5 A 10.96.0.80"),
                Arguments.of("rewrite ttl web.shop.svc.cluster.local. 60-120", "web.shop.svc.cluster.local.", Type.A,
                        "web.shop.svc.cluster.local. A IN", "NOERROR web.shop.svc.cluster.local. A IN: web.shop.svc.cluster.local. 60 A 10.96.0.80"),
                Arguments.of("rewrite ttl regex .*google.* 60-120", "www.google.com.", Type.A, "www.google.com. A IN",
                        "NOERROR www.google.com. A IN: www.google.com. 120 CNAME www.l.google.com., www.l.google.com. 120 A 10.1.1.1"),
                Arguments.of("rewrite ttl exact other.example. 5", "web.shop.svc.cluster.local.", Type.A, "web.shop.svc.cluster.local. A IN",
                        "NOERROR web.shop.svc.cluster.local. A IN: web.shop.svc.cluster.local. 30 A 10.96.0.80"),
                Arguments.of("rewrite rcode suffix .example. NXDOMAIN REFUSED", "nope.example.", Type.A, "nope.example. A IN",
                        "REFUSED nope.example. A IN:"),
                // continue: the next rule sees the rewritten query, and both map back
                Arguments.of("rewrite continue name exact a.example. b.example.\n" + db.replace("db.legacy.example.", "b.example."),
                        "a.example.", Type.A, "web.shop.svc.cluster.local. A IN", "NOERROR a.example. A IN: a.example. 30 A 10.96.0.80"),
                Arguments.of("rewrite continue name exact db.legacy.example. web.shop.svc.cluster.local.\n"
                                + "rewrite ttl exact web.shop.svc.cluster.local. 5",
                        "db.legacy.example.", Type.A, "web.shop.svc.cluster.local. A IN", "NOERROR db.legacy.example. A IN: db.legacy.example. 5 A 10.96.0.80"),
                // stop (the default): the first rule that matches is the last
                Arguments.of("rewrite name exact a.example. b.example.\n" + db.replace("db.legacy.example.", "b.example."),
                        "a.example.", Type.A, "b.example. A IN", "NXDOMAIN a.example. A IN:"),
                Arguments.of(db + "\nrewrite ttl exact web.shop.svc.cluster.local. 5", "db.legacy.example.", Type.A,
                        "web.shop.svc.cluster.local. A IN", "NOERROR db.legacy.example. A IN: db.legacy.example. 30 A 10.96.0.80"),
                // a continue rule that does not match does not stop the next
                Arguments.of("rewrite continue type MX A\n" + db, "db.legacy.example.", Type.A, "web.shop.svc.cluster.local. A IN",
                        "NOERROR db.legacy.example. A IN: db.legacy.example. 30 A 10.96.0.80"));
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("rows")
    void rewritesTheQueryAndGivesTheClientItsOwnQuestion(String lines, String qname, int qtype, String asked, String expected) {
        Exchange e = run(lines, Requests.of(qname, qtype));

        assertThat(e.zone().asked).hasSize(1);
        assertThat(question(e.asked().getQuestion())).isEqualTo(asked);
        Message m = e.answer();
        String got = Rcode.string(m.getRcode()) + " " + question(m.getQuestion()) + ": " + String.join(", ", Wire.texts(m, Section.ANSWER));
        assertThat(got.trim()).isEqualTo(expected);
        // case kept: the question is the client's own record
        assertThat(m.getQuestion().getName().toString()).isEqualTo(qname);
    }

    @Test
    void aQueryNoRuleMatchesGoesOnUntouched() {
        Request request = Requests.of("web.shop.svc.cluster.local.", Type.A);
        Exchange e = run("rewrite name exact db.legacy.example. web.shop.svc.cluster.local.\nrewrite type MX A", request);

        assertThat(e.zone().requests).containsExactly(request);
        assertThat(e.client().written).hasSize(1);
    }

    @Test
    void theClientsQueryIsNotChanged() {
        Request request = Requests.of("db.legacy.example.", Type.AAAA);
        run("rewrite continue name exact db.legacy.example. web.shop.svc.cluster.local.\nrewrite type AAAA A", request);

        assertThat(question(request.question())).isEqualTo("db.legacy.example. AAAA IN");
    }

    @Test
    void aNameThatIsNoDomainNameAfterTheRewriteIsServfail() {
        Exchange e = run("rewrite name regex ^([a-z]+)\\.bad\\.example\\.$ {1}..example.", Requests.of("x.bad.example.", Type.A));
        Exchange tooLong = run("rewrite name regex ^([a-z]+)\\.long\\.example\\.$ " + "{1}".repeat(9) + ".example.",
                Requests.of("abcdefgh.long.example.", Type.A));

        assertThat(e.zone().asked).isEmpty();
        assertThat(e.client().failed).containsExactly(Rcode.SERVFAIL);
        assertThat(e.client().errors.get(0)).startsWith("plugin/rewrite: invalid name after rewrite: x..example.");
        assertThat(tooLong.client().failed).containsExactly(Rcode.SERVFAIL);
    }

    @Test
    void anErrorOfTheNextPluginGetsTheRcodeRule() {
        Requests.Capture client = new Requests.Capture();
        new RewritePlugin(config("rewrite rcode suffix .example. SERVFAIL NOERROR")).serve(Requests.of("down.example.", Type.A), client,
                (request, writer) -> writer.fail(Rcode.SERVFAIL, "upstream timed out"));

        assertThat(client.failed).containsExactly(Rcode.NOERROR);
        assertThat(client.errors).containsExactly("upstream timed out");
    }

    // EDNS0: what the next plugin (forward's upstream) sees

    static Request withOpt(String qname, EDNSOption... options) {
        Request r = Requests.of(qname, Type.A);
        Message m = r.message().clone();
        m.addRecord(new OPTRecord(4000, 0, 0, 0, List.of(options)), Section.ADDITIONAL);
        return r.withMessage(m);
    }

    static String options(Message m) {
        OPTRecord opt = m.getOPT();
        if (opt == null) {
            return "no OPT";
        }
        return opt.getPayloadSize() + ": " + opt.getOptions().stream().map(RewritePluginTest::option).collect(Collectors.joining(", "));
    }

    static String option(EDNSOption o) {
        byte[] data = o.toWire();
        return o.getCode() + "=" + HexFormat.of().formatHex(data, 4, data.length);
    }

    static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }

    static EDNSOption ecs(String ip) {
        try {
            return new ClientSubnetOption(32, InetAddress.getByName(ip));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Arguments> edns0() {
        EDNSOption old = new GenericEDNSOption(0xffee, new byte[] {1});
        EDNSOption other = new GenericEDNSOption(0xfff0, new byte[] {2});
        String q = "web.shop.svc.cluster.local.";
        return Stream.of(
                // a query without OPT gets one (the server's payload size) when an option is added
                Arguments.of("rewrite edns0 local set 0xffee 0x61626364", Requests.of(q, Type.A), "1232: 65518=61626364"),
                Arguments.of("rewrite edns0 local set 0xffee abcd", withOpt(q, other, old), "4000: 65520=02, 65518=61626364"),
                Arguments.of("rewrite edns0 local append 0xffee abcd", withOpt(q, old), "4000: 65518=01"),
                Arguments.of("rewrite edns0 local append 0xffee abcd", withOpt(q, other), "4000: 65520=02, 65518=61626364"),
                Arguments.of("rewrite edns0 local replace 0xffee abcd", Requests.of(q, Type.A), "no OPT"),
                Arguments.of("rewrite edns0 local replace 0xffee abcd revert", withOpt(q, old), "4000: 65518=61626364"),
                Arguments.of("rewrite edns0 local unset 0xffee", withOpt(q, old, other, old), "4000: 65520=02"),
                Arguments.of("rewrite edns0 local set 0xffee {client_ip}", Requests.of(q, Type.A), "1232: 65518=7f000001"),
                Arguments.of("rewrite edns0 local set 0xffee {client_port}", Requests.of(q, Type.A), "1232: 65518=9c40"),
                Arguments.of("rewrite edns0 local set 0xffee {server_port}", Requests.of(q, Type.A), "1232: 65518=041d"),
                Arguments.of("rewrite edns0 local set 0xffee {protocol}", Requests.of(q, Type.A), "1232: 65518=" + hex("udp")),
                Arguments.of("rewrite edns0 local set 0xffee {qtype}", Requests.of(q, Type.A), "1232: 65518=0001"),
                // variables are read after the rules before: the rewritten name
                Arguments.of("rewrite continue name exact db.legacy.example. " + q + "\nrewrite edns0 local set 0xffee {qname}",
                        Requests.of("db.legacy.example.", Type.A), "1232: 65518=" + hex(q)),
                Arguments.of("rewrite edns0 nsid set", Requests.of(q, Type.A), "1232: 3="),
                Arguments.of("rewrite edns0 subnet set 24 56", Requests.of(q, Type.A), "1232: 8=000118007f0000"),
                Arguments.of("rewrite edns0 subnet replace 24 56",
                        withOpt(q, ecs("192.0.2.1")), "4000: 8=000118007f0000"),
                Arguments.of("rewrite edns0 subnet unset", withOpt(q, ecs("192.0.2.1")),
                        "4000: "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("edns0")
    void edns0RulesChangeTheOptionsTheNextPluginSees(String lines, Request request, String seen) {
        Exchange e = run(lines, request);

        assertThat(options(e.asked())).isEqualTo(seen);
        assertThat(e.answer().getOPT()).as("the response's OPT is the server's own, written by the encoder").isNull();
    }

    /** The rules are compared in lower case, whatever case the client used. */
    @Test
    void matchingIgnoresTheClientsCase() {
        Exchange e = run("rewrite ttl regex ^web\\. 7", Requests.of("WEB.shop.svc.cluster.local.", Type.A));

        assertThat(Wire.texts(e.answer(), Section.ANSWER)).containsExactly("web.shop.svc.cluster.local. 7 A 10.96.0.80");
    }
}
