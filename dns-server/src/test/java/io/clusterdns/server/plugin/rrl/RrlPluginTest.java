package io.clusterdns.server.plugin.rrl;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.Requests;
import io.clusterdns.server.wire.Responses;
import io.clusterdns.server.wire.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code rrl} link, one request at a time without sockets, on a clock the test moves: which
 * requests and responses pass, are dropped or slip, per client prefix and token, and what is
 * counted. Lines are read by {@link RrlSetupTest#parse} (a {@code cluster.local} block). The next
 * plugin answers as the kubernetes plugin does: names starting with {@code nx} NXDOMAIN with the
 * zone's SOA, {@code empty} NODATA, {@code broken} SERVFAIL, any other an address.
 */
class RrlPluginTest {
    static final String WEB = "web.shop.svc.cluster.local.";
    static final Name ZONE = Name.fromConstantString("cluster.local.");
    static final long MS = 1_000_000L;

    final AtomicLong now = new AtomicLong(1_000_000 * MS);
    final MeterRegistry registry = new SimpleMeterRegistry();
    final RrlMetrics metrics = new RrlMetrics(registry, null);
    final List<String> passed = new ArrayList<>();

    RrlPlugin plugin(String lines) {
        RrlConfig config = RrlSetupTest.parse(lines);
        return new RrlPlugin(config, metrics.table(config), metrics, now::get);
    }

    static Request from(String client, Transport transport, String name, int type) {
        Request r = Requests.of(name, type);
        return new Request(r.message(), r.edns(), r.limit(), transport, new InetSocketAddress(IpAddresses.parse(client), 53000),
                r.listener(), r.block(), ZONE, r.size(), r.received());
    }

    /** The kubernetes plugin, roughly. */
    final Chain next = (request, writer) -> {
        passed.add(request.qname().toString());
        String first = request.qname().getLabelString(0);
        Message m = Responses.start(request.message(), first.startsWith("nx") ? Rcode.NXDOMAIN : Rcode.NOERROR);
        m.getHeader().setFlag(Flags.AA);
        if (first.equals("broken")) {
            writer.fail(Rcode.SERVFAIL, "upstream broken");
            return;
        }
        if (first.startsWith("nx") || first.equals("empty")) {
            m.addRecord(new SOARecord(ZONE, DClass.IN, 5, Name.fromConstantString("ns.dns.cluster.local."),
                    Name.fromConstantString("hostmaster.cluster.local."), 1, 7200, 1800, 86400, 5), Section.AUTHORITY);
        } else {
            m.addRecord(new ARecord(request.qname(), DClass.IN, 5, IpAddresses.parse("10.96.0.10")), Section.ANSWER);
        }
        writer.write(m);
    };

    /** What the client got: "answer", "slip" (TC=1, no records), "dropped", or the rcode's name. */
    String ask(RrlPlugin rrl, String client, String name) {
        return ask(rrl, client, Transport.UDP, name);
    }

    String ask(RrlPlugin rrl, String client, Transport transport, String name) {
        Requests.Capture out = new Requests.Capture();
        rrl.serve(from(client, transport, name, Type.A), out, next);
        if (out.dropped == 1) {
            assertThat(out.written).isEmpty();
            return "dropped";
        }
        if (!out.failed.isEmpty()) {
            return Rcode.string(out.failed.get(0));
        }
        assertThat(out.written).hasSize(1);
        Message m = out.written.get(0);
        if (m.getHeader().getFlag(Flags.TC)) {
            assertThat(m.getSection(Section.ANSWER)).isEmpty();
            assertThat(m.getSection(Section.AUTHORITY)).isEmpty();
            assertThat(m.getQuestion().getName().toString()).isEqualTo(name);
            return "slip " + Rcode.string(m.getRcode());
        }
        return m.getSection(Section.ANSWER).isEmpty() ? Rcode.string(m.getRcode()) : "answer";
    }

    List<String> ask(RrlPlugin rrl, String client, String name, int times) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            out.add(ask(rrl, client, name));
        }
        return out;
    }

    double counter(String name, String... tags) {
        return Search.in(registry).name(name).tags(tags).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void requestsOverTheRateOfAClientPrefixAreDroppedBeforeTheRestOfTheChain() {
        RrlPlugin rrl = plugin("rrl {\n requests-per-second 10\n}");
        // a new client has a second's allowance; 10.0.0.1 and 10.0.0.2 are one /24
        assertThat(ask(rrl, "10.0.0.1", WEB, 6)).containsOnly("answer");
        assertThat(ask(rrl, "10.0.0.2", WEB, 4)).containsOnly("answer");
        assertThat(ask(rrl, "10.0.0.1", WEB)).isEqualTo("dropped");
        assertThat(passed).hasSize(10);
        // other prefixes, and TCP, are not touched
        assertThat(ask(rrl, "10.0.1.1", WEB, 10)).containsOnly("answer");
        assertThat(ask(rrl, "10.0.0.1", Transport.TCP, WEB)).isEqualTo("answer");
        // the dropped request was counted too: 100 ms pay for it, the next 100 ms for one more
        now.addAndGet(100 * MS);
        assertThat(ask(rrl, "10.0.0.1", WEB)).isEqualTo("dropped");
        now.addAndGet(200 * MS);
        assertThat(ask(rrl, "10.0.0.1", WEB)).isEqualTo("answer");
        assertThat(ask(rrl, "10.0.0.1", WEB)).isEqualTo("dropped");
        assertThat(counter("coredns.rrl.requests.exceeded")).isEqualTo(3);
        assertThat(counter("clusterdns.rrl.limited", "kind", "request", "action", "dropped")).isEqualTo(3);
    }

    @Test
    void aClientThatStaysOverItsRateGetsNothingUntilItSlowsDownForTheWindow() {
        RrlPlugin rrl = plugin("rrl {\n requests-per-second 10\n window 2\n}");
        List<String> got = new ArrayList<>();
        for (int ms = 0; ms < 3000; ms += 10) {
            got.add(ask(rrl, "10.0.0.1", WEB));
            now.addAndGet(10 * MS);
        }
        // the first second's allowance (and what the first 100 ms add to it), then nothing: at 100/s the debt
        // never comes back above zero
        assertThat(got.subList(0, 10)).containsOnly("answer");
        assertThat(got.stream().filter("answer"::equals).count()).isBetween(10L, 12L);
        assertThat(got.subList(20, got.size())).containsOnly("dropped");
        // its debt is at most the window: 2 s and one interval later it is served again
        now.addAndGet(2100 * MS);
        assertThat(ask(rrl, "10.0.0.1", WEB)).isEqualTo("answer");
    }

    @Test
    void identicalResponsesOverTheirRateAreDroppedAndEverySecondOneSlips() {
        RrlPlugin rrl = plugin("rrl {\n responses-per-second 2\n slip-ratio 2\n}");
        assertThat(ask(rrl, "10.0.0.1", WEB, 6)).containsExactly("answer", "answer", "dropped", "slip NOERROR", "dropped", "slip NOERROR");
        // the chain answered every one: response limiting costs the answer, not the request
        assertThat(passed).hasSize(6);
        // another name, another token
        assertThat(ask(rrl, "10.0.0.1", "api.shop.svc.cluster.local.", 2)).containsOnly("answer");
        assertThat(counter("coredns.rrl.responses.exceeded")).isEqualTo(4);
        assertThat(counter("clusterdns.rrl.limited", "kind", "response", "action", "slipped")).isEqualTo(2);
        assertThat(counter("clusterdns.rrl.limited", "kind", "response", "action", "dropped")).isEqualTo(2);
    }

    @Test
    void slipRatioOneSlipsEveryDroppedResponseAndZeroNone() {
        assertThat(ask(plugin("rrl {\n responses-per-second 1\n slip-ratio 1\n}"), "10.0.0.1", WEB, 3))
                .containsExactly("answer", "slip NOERROR", "slip NOERROR");
        assertThat(ask(plugin("rrl {\n responses-per-second 1\n}"), "10.0.0.1", WEB, 3)).containsExactly("answer", "dropped", "dropped");
    }

    @Test
    void anNxdomainStormOfDifferentNamesIsOneAccountPerClientAndZone() {
        RrlPlugin rrl = plugin("rrl {\n nxdomains-per-second 5\n slip-ratio 5\n}");
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            got.add(ask(rrl, "10.0.0.1", "nx" + i + ".example.com.shop.svc.cluster.local."));
        }
        assertThat(got.subList(0, 5)).containsOnly("NXDOMAIN");
        assertThat(got.subList(5, 100)).containsOnly("dropped", "slip NXDOMAIN");
        assertThat(got.stream().filter(g -> g.startsWith("slip")).count()).isEqualTo(19);
        // another client's NXDOMAINs, and this client's answers (responses-per-second 0: no limit), pass
        assertThat(ask(rrl, "10.0.9.1", "nx1.shop.svc.cluster.local.")).isEqualTo("NXDOMAIN");
        assertThat(ask(rrl, "10.0.0.1", WEB, 20)).containsOnly("answer");
        // 100 names, two accounts
        assertThat(registry.get("clusterdns.rrl.table.entries").gauge().value()).isEqualTo(2);
    }

    @Test
    void nodataIsCountedByNameAndErrorsAllTogether() {
        RrlPlugin rrl = plugin("rrl {\n responses-per-second 100\n nodata-per-second 1\n errors-per-second 1\n slip-ratio 1\n}");
        assertThat(ask(rrl, "10.0.0.1", "empty.shop.svc.cluster.local.", 2)).containsExactly("NOERROR", "slip NOERROR");
        assertThat(ask(rrl, "10.0.0.1", "empty.other.svc.cluster.local.")).isEqualTo("NOERROR");
        // errors of any name share an account: the second SERVFAIL slips, with its rcode
        assertThat(ask(rrl, "10.0.0.1", "broken.a.svc.cluster.local.")).isEqualTo("SERVFAIL");
        assertThat(ask(rrl, "10.0.0.1", "broken.b.svc.cluster.local.")).isEqualTo("slip SERVFAIL");
        assertThat(counter("clusterdns.rrl.limited", "kind", "error", "action", "slipped")).isEqualTo(1);
        assertThat(counter("clusterdns.rrl.limited", "kind", "nodata", "action", "slipped")).isEqualTo(1);
    }

    @Test
    void reportOnlyCountsAndDropsNothing() {
        RrlPlugin rrl = plugin("rrl {\n requests-per-second 1\n responses-per-second 1\n report-only\n}");
        assertThat(ask(rrl, "10.0.0.1", WEB, 5)).containsOnly("answer");
        assertThat(counter("clusterdns.rrl.limited", "kind", "request", "action", "reported")).isEqualTo(4);
        assertThat(counter("clusterdns.rrl.limited", "kind", "response", "action", "reported")).isEqualTo(4);
        assertThat(counter("clusterdns.rrl.limited", "action", "dropped")).isZero();
    }

    @Test
    void namesOutsideTheLinesZonesAreNotLimited() {
        RrlPlugin rrl = plugin("rrl svc.cluster.local {\n requests-per-second 1\n}");
        assertThat(ask(rrl, "10.0.0.1", "a.b.pod.cluster.local.", 5)).containsOnly("answer");
        assertThat(ask(rrl, "10.0.0.1", WEB, 2)).containsExactly("answer", "dropped");
    }

    @Test
    void ipv6ClientsShareTheAccountOfTheirSlash56() {
        RrlPlugin rrl = plugin("rrl {\n requests-per-second 1\n}");
        assertThat(ask(rrl, "fd00:1:2:3ff::1", WEB)).isEqualTo("answer");
        assertThat(ask(rrl, "fd00:1:2:300::2", WEB)).isEqualTo("dropped");
        assertThat(ask(rrl, "fd00:1:2:400::1", WEB)).isEqualTo("answer");
    }

    @Test
    void theTableKeepsAtMostMaxTableSizeAccountsForgettingTheLeastRecentlyUsed() {
        RrlPlugin rrl = plugin("rrl {\n requests-per-second 1\n max-table-size 64\n}");
        for (int i = 0; i < 2000; i++) {
            ask(rrl, "10." + (i >> 8) + "." + (i & 0xFF) + ".1", WEB);
        }
        assertThat(registry.get("clusterdns.rrl.table.entries").gauge().value()).isLessThanOrEqualTo(64);
        assertThat(counter("clusterdns.rrl.table.evictions")).isGreaterThanOrEqualTo(2000 - 64);
        // a client asking all the time stays in the table, and limited, while others come and go
        assertThat(ask(rrl, "192.168.0.1", WEB)).isEqualTo("answer");
        for (int i = 0; i < 2000; i++) {
            ask(rrl, "10." + (i >> 8) + "." + (i & 0xFF) + ".1", WEB);
            if (i % 8 == 0) {
                assertThat(ask(rrl, "192.168.0.1", WEB)).isEqualTo("dropped");
            }
        }
    }

    @Test
    void theTopClientsGaugeHoldsTheTenPrefixesLimitedMostInThePeriod() {
        RrlPlugin rrl = plugin("rrl {\n requests-per-second 1\n}");
        for (int c = 1; c <= 15; c++) {
            ask(rrl, "10.0." + c + ".1", WEB, 1 + c);
        }
        metrics.publishTopClients();
        var rows = Search.in(registry).name("clusterdns.rrl.top.clients").gauges();
        assertThat(rows).hasSize(10);
        assertThat(registry.get("clusterdns.rrl.top.clients").tag("rank", "1").gauge().getId().getTag("client"))
                .isEqualTo("10.0.15.0/24");
        assertThat(registry.get("clusterdns.rrl.top.clients").tag("rank", "1").gauge().value()).isEqualTo(15);
        assertThat(registry.get("clusterdns.rrl.top.clients").tag("rank", "10").gauge().getId().getTag("client"))
                .isEqualTo("10.0.6.0/24");
        // a period without limiting empties it
        metrics.publishTopClients();
        assertThat(Search.in(registry).name("clusterdns.rrl.top.clients").gauges()).isEmpty();
    }
}
