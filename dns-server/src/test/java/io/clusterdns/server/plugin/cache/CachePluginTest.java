package io.clusterdns.server.plugin.cache;

import static io.clusterdns.server.plugin.cache.CacheHarness.SERVER;
import static io.clusterdns.server.plugin.cache.CacheHarness.addresses;
import static io.clusterdns.server.plugin.cache.CacheHarness.denial;
import static io.clusterdns.server.plugin.cache.CacheHarness.edns;
import static io.clusterdns.server.plugin.cache.CacheHarness.failing;
import static io.clusterdns.server.plugin.cache.CacheHarness.ttl;
import static io.clusterdns.server.plugin.cache.CacheHarness.written;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.wire.Responses;
import io.clusterdns.server.wire.Transport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The cache link between a client and a fake next plugin ({@link CacheHarness}: block {@code .},
 * backend answering A 192.0.2.1 TTL 30, fake clock): what is stored, for how long, under which key,
 * and what each client gets back.
 */
class CachePluginTest {
    static final String WEB = "web.example.org.";
    static final String[] LABELS = {"server", SERVER, "zones", ".", "view", ""};

    static String[] labels(String... more) {
        String[] out = new String[LABELS.length + more.length];
        System.arraycopy(LABELS, 0, out, 0, LABELS.length);
        System.arraycopy(more, 0, out, LABELS.length, more.length);
        return out;
    }

    @Test
    void answersAHitWithoutAskingTheNextPlugin() {
        CacheHarness h = new CacheHarness("cache");

        Message first = h.ask(h.query(WEB, Type.A));
        Message second = h.ask(h.query(WEB, Type.A));

        assertThat(h.backend.asked()).isEqualTo(1);
        assertThat(second.getSection(Section.ANSWER)).hasSize(1);
        assertThat(second.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo(CacheHarness.ADDRESS);
        assertThat(second.getHeader().getID()).isNotEqualTo(first.getHeader().getID()).isEqualTo(2);
        assertThat(second.getHeader().getFlag(Flags.AA)).as("a hit is always authoritative").isTrue();
        assertThat(second.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(h.counter("coredns.cache.requests", LABELS)).isEqualTo(2);
        assertThat(h.counter("coredns.cache.misses", LABELS)).isEqualTo(1);
        assertThat(h.counter("coredns.cache.hits", labels("type", "success"))).isEqualTo(1);
        assertThat(h.gauge("coredns.cache.entries", labels("type", "success"))).isEqualTo(1.0);
        assertThat(h.gauge("coredns.cache.entries", labels("type", "denial"))).isEqualTo(0.0);
    }

    @Test
    void countsTheTtlDownUntilTheEntryExpires() {
        CacheHarness h = new CacheHarness("cache");

        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).isEqualTo(30);
        h.advance(Duration.ofMillis(10_999));
        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).as("whole seconds elapsed").isEqualTo(20);
        h.advance(Duration.ofSeconds(18));
        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).isEqualTo(2);
        assertThat(h.backend.asked()).isEqualTo(1);

        h.advance(Duration.ofSeconds(2));
        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).as("expired: asked again").isEqualTo(30);
        assertThat(h.backend.asked()).isEqualTo(2);
    }

    @Test
    void keepttlAnswersWithTheStoredTtl() {
        CacheHarness h = new CacheHarness("cache {\nkeepttl\n}");

        h.ask(h.query(WEB, Type.A));
        h.advance(Duration.ofSeconds(20));

        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).isEqualTo(30);
        assertThat(h.backend.asked()).isEqualTo(1);
    }

    @Test
    void clampsTheTtlOfEveryRecordToMinAndMaxAlsoOnTheWayThrough() {
        CacheHarness h = new CacheHarness("cache 30");
        h.backend.answer = (request, writer) -> {
            Message m = Responses.start(request.message(), Rcode.NOERROR);
            m.addRecord(new ARecord(request.qname(), DClass.IN, 86_400, CacheHarness.address("192.0.2.1")), Section.ANSWER);
            m.addRecord(new ARecord(request.qname(), DClass.IN, 600, CacheHarness.address("192.0.2.2")), Section.ANSWER);
            writer.write(m);
        };
        Message capped = h.ask(h.query("long.example.org.", Type.A));
        h.backend.answer = addresses(2, 1);
        Message raised = h.ask(h.query("short.example.org.", Type.A));
        h.backend.answer = addresses(0, 1);
        Message zero = h.ask(h.query("zero.example.org.", Type.A));

        assertThat(capped.getSection(Section.ANSWER)).extracting(Record::getTTL).containsExactly(30L, 30L);
        assertThat(raised.getSection(Section.ANSWER)).extracting(Record::getTTL).as("up to the min TTL, 5").containsExactly(5L);
        assertThat(zero.getSection(Section.ANSWER)).extracting(Record::getTTL).as("TTL 0 is cached 5 s").containsExactly(5L);
        h.advance(Duration.ofSeconds(4));
        h.ask(h.query("zero.example.org.", Type.A));
        assertThat(h.backend.asked()).isEqualTo(3);
        h.advance(Duration.ofSeconds(1));
        h.ask(h.query("zero.example.org.", Type.A));
        assertThat(h.backend.asked()).isEqualTo(4);
    }

    @Test
    void minTtlZeroKeepsTtlZeroAnswersOutOfTheCache() {
        CacheHarness h = new CacheHarness("cache {\nsuccess 10000 3600 0\n}");
        h.backend.answer = addresses(0, 1);

        assertThat(ttl(h.ask(h.query(WEB, Type.A)))).isZero();
        h.ask(h.query(WEB, Type.A));

        assertThat(h.backend.asked()).isEqualTo(2);
    }

    @Test
    void keepsDenialsInTheirOwnCacheCheckedFirst() {
        CacheHarness h = new CacheHarness("cache {\ndenial 10000 60\n}");
        h.backend.answer = denial(Rcode.NXDOMAIN, 300);

        Message nx = h.ask(h.query("nope.example.org.", Type.A));
        Message again = h.ask(h.query("nope.example.org.", Type.A));

        assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(ttl(nx)).as("denial max TTL").isEqualTo(60);
        assertThat(again.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(again.getSection(Section.AUTHORITY).get(0).getType()).isEqualTo(Type.SOA);
        assertThat(h.backend.asked()).isEqualTo(1);
        assertThat(h.counter("coredns.cache.hits", labels("type", "denial"))).isEqualTo(1);
        assertThat(h.gauge("coredns.cache.entries", labels("type", "denial"))).isEqualTo(1.0);
        assertThat(h.gauge("coredns.cache.entries", labels("type", "success"))).isEqualTo(0.0);
    }

    @Test
    void boundsEachKindByItsOwnCapacityEvictingAtRandom() {
        CacheHarness h = new CacheHarness("cache {\nsuccess 1\ndenial 100000\n}");
        int names = 1500;
        for (int i = 0; i < names; i++) {
            h.ask(h.query("n" + i + ".example.org.", Type.A));
        }
        h.backend.answer = denial(Rcode.NXDOMAIN, 30);
        for (int i = 0; i < 300; i++) {
            h.ask(h.query("nx" + i + ".example.org.", Type.A));
        }

        double success = h.gauge("coredns.cache.entries", labels("type", "success"));
        assertThat(success).as("256 shards of at least 4").isLessThanOrEqualTo(1024).isGreaterThan(800);
        assertThat(h.counter("coredns.cache.evictions", labels("type", "success"))).isEqualTo(names - success);
        assertThat(h.gauge("coredns.cache.entries", labels("type", "denial"))).isEqualTo(300.0);
        assertThat(h.counter("coredns.cache.evictions", labels("type", "denial"))).isZero();
    }

    @Test
    void cachesAWrittenServfailForTheServfailTime() {
        CacheHarness h = new CacheHarness("cache {\nservfail 2s\n}");
        h.backend.answer = written(Rcode.SERVFAIL);

        assertThat(h.ask(h.query(WEB, Type.A)).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(h.ask(h.query(WEB, Type.A)).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(h.backend.asked()).isEqualTo(1);
        assertThat(h.gauge("coredns.cache.entries", labels("type", "denial"))).isEqualTo(1.0);

        h.advance(Duration.ofSeconds(2));
        h.backend.answer = addresses(30, 1);
        assertThat(h.ask(h.query(WEB, Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(h.backend.asked()).isEqualTo(2);
    }

    @Test
    void neverCachesServfailWithServfailZeroNorRcodesTheServerWrites() {
        CacheHarness off = new CacheHarness("cache {\nservfail 0\n}");
        off.backend.answer = written(Rcode.SERVFAIL);
        off.ask(off.query(WEB, Type.A));
        off.ask(off.query(WEB, Type.A));

        CacheHarness unwritten = new CacheHarness("cache");
        unwritten.backend.answer = failing(Rcode.SERVFAIL);
        assertThat(unwritten.ask(unwritten.query(WEB, Type.A)).getRcode()).isEqualTo(Rcode.SERVFAIL);
        unwritten.ask(unwritten.query(WEB, Type.A));

        assertThat(off.backend.asked()).isEqualTo(2);
        assertThat(unwritten.backend.asked()).isEqualTo(2);
    }

    @Test
    void neverCachesRefusedTruncatedOrMismatchedResponsesCountingTheMismatch() {
        CacheHarness h = new CacheHarness("cache");
        h.backend.answer = written(Rcode.REFUSED);
        h.ask(h.query("refused.example.org.", Type.A));
        h.ask(h.query("refused.example.org.", Type.A));
        h.backend.answer = (request, writer) -> {
            Message m = Responses.start(request.message(), Rcode.NOERROR);
            m.getHeader().setFlag(Flags.TC);
            writer.write(m);
        };
        h.ask(h.query("tc.example.org.", Type.A));
        h.ask(h.query("tc.example.org.", Type.A));
        h.backend.answer = (request, writer) -> {
            Message m = Responses.start(CacheHarness.request(h.query("other.example.org.", Type.A), Transport.UDP).message(), Rcode.NOERROR);
            m.addRecord(new ARecord(Name.fromConstantString("other.example.org."), DClass.IN, 30, CacheHarness.address("192.0.2.9")),
                    Section.ANSWER);
            writer.write(m);
        };
        h.ask(h.query("asked.example.org.", Type.A));
        h.ask(h.query("asked.example.org.", Type.A));

        assertThat(h.backend.asked()).isEqualTo(6);
        assertThat(h.counter("coredns.cache.drops", LABELS)).isEqualTo(2);
    }

    @Test
    void disabledZonesAreLookedUpAndCountedButNeverStored() {
        CacheHarness h = new CacheHarness("cache 30 {\ndisable success cluster.local\ndisable denial cluster.local\n}");

        h.ask(h.query("web.default.svc.cluster.local.", Type.A));
        h.ask(h.query("web.default.svc.cluster.local.", Type.A));
        h.backend.answer = denial(Rcode.NXDOMAIN, 30);
        h.ask(h.query("nope.default.svc.cluster.local.", Type.A));
        h.ask(h.query("nope.default.svc.cluster.local.", Type.A));
        h.ask(h.query("nope.example.org.", Type.A));
        h.ask(h.query("nope.example.org.", Type.A));

        assertThat(h.backend.asked()).isEqualTo(5);
        assertThat(h.counter("coredns.cache.requests", LABELS)).isEqualTo(6);
        assertThat(h.counter("coredns.cache.misses", LABELS)).isEqualTo(5);
    }

    @Test
    void keysOnTheDoAndCdBits() {
        CacheHarness h = new CacheHarness("cache");

        h.ask(h.query(WEB, Type.A));
        h.ask(edns(h.query(WEB, Type.A), 1232, true));
        Message cd = h.query(WEB, Type.A);
        cd.getHeader().setFlag(Flags.CD);
        h.ask(cd);
        h.ask(edns(h.query(WEB, Type.A), 1232, false));
        h.ask(edns(h.query(WEB, Type.A), 4096, true));

        assertThat(h.backend.asked()).as("plain, DO, CD; then two hits").isEqualTo(3);
    }

    @Test
    void namesInAnyCaseShareAnEntryAndEachClientGetsItsOwnSpelling() {
        CacheHarness h = new CacheHarness("cache");

        h.ask(h.query("WEB.Example.ORG.", Type.A));
        Message lower = h.ask(h.query("web.example.org.", Type.A));
        CacheHarness.Client mixedClient = h.send(h.query("wEb.eXample.org.", Type.A), Transport.UDP);
        Message mixed = mixedClient.response();

        assertThat(h.backend.asked()).isEqualTo(1);
        assertThat(lower.getQuestion().getName().toString()).isEqualTo("web.example.org.");
        assertThat(lower.getSection(Section.ANSWER).get(0).getName().toString()).isEqualTo("web.example.org.");
        assertThat(mixed.getQuestion().getName().toString()).isEqualTo("wEb.eXample.org.");
        assertThat(mixed.getSection(Section.ANSWER).get(0).getName().toString()).isEqualTo("wEb.eXample.org.");
        assertThat(mixedClient.owners()).as("in the message itself, not only on the wire").containsExactly("wEb.eXample.org.");
    }

    /**
     * SRV targets go out uncompressed, so nothing on the wire hides how the first asker spelled the
     * zone in them (the kubernetes plugin ends them in the zone as typed): a hit respells the end
     * of a name that the cached question spelled so, and leaves names that do not echo it alone.
     */
    @Test
    void aHitRespellsWhatEchoedTheFirstAskersSpelling() throws Exception {
        CacheHarness h = new CacheHarness("cache");
        h.backend.answer = (request, writer) -> {
            Name zone = new Name(request.qname(), request.qname().labels() - 3); // example.org as typed
            Message m = Responses.start(request.message(), Rcode.NOERROR);
            m.addRecord(new SRVRecord(request.qname(), DClass.IN, 30, 0, 100, 80, Name.fromConstantString("web.svc." + zone)),
                    Section.ANSWER);
            m.addRecord(new SRVRecord(request.qname(), DClass.IN, 30, 0, 100, 80, Name.fromConstantString("Elsewhere.example.net.")),
                    Section.ANSWER);
            m.addRecord(new ARecord(Name.fromConstantString("web.svc." + zone), DClass.IN, 30, CacheHarness.address("192.0.2.7")),
                    Section.ADDITIONAL);
            writer.write(m);
        };

        h.ask(h.query("_http._tcp.Web.EXAMPLE.org.", Type.SRV));
        CacheHarness.Client lower = h.send(h.query("_http._tcp.web.example.org.", Type.SRV), Transport.UDP);
        Message hit = lower.response();
        Message wire = new Message(hit.toWire());

        assertThat(h.backend.asked()).isEqualTo(1);
        assertThat(hit.getSection(Section.ANSWER)).extracting(r -> ((SRVRecord) r).getTarget().toString())
                .containsExactly("web.svc.example.org.", "Elsewhere.example.net.");
        assertThat(wire.getSection(Section.ANSWER)).extracting(r -> ((SRVRecord) r).getTarget().toString())
                .as("on the wire").containsExactly("web.svc.example.org.", "Elsewhere.example.net.");
        assertThat(hit.getSection(Section.ANSWER)).extracting(r -> r.getName().toString()).containsOnly("_http._tcp.web.example.org.");
        assertThat(hit.getSection(Section.ADDITIONAL)).extracting(r -> r.getName().toString()).containsExactly("web.svc.example.org.");
        assertThat(hit.getSection(Section.ANSWER)).extracting(Record::getTTL).allSatisfy(t -> assertThat(t).isBetween(1L, 30L));
    }

    /**
     * An upstream's SRV target is its own spelling: a lower-case target under a lower-case first
     * question is not an echo, and the next asker's spelling must not reach it (found by review:
     * {@code target.EXAMPLE.NET} from the cache where the upstream said {@code target.example.net}).
     */
    @Test
    void aHitLeavesAnUpstreamsLowerCaseTargetAlone() throws Exception {
        CacheHarness h = new CacheHarness("cache");
        h.backend.answer = (request, writer) -> {
            Message m = Responses.start(request.message(), Rcode.NOERROR);
            m.addRecord(new SRVRecord(request.qname(), DClass.IN, 30, 0, 100, 5060, Name.fromConstantString("target.example.net.")),
                    Section.ANSWER);
            writer.write(m);
        };

        h.ask(h.query("_sip._tcp.example.net.", Type.SRV));
        Message hit = h.ask(h.query("_SIP._TCP.EXAMPLE.NET.", Type.SRV));

        assertThat(h.backend.asked()).isEqualTo(1);
        assertThat(hit.getSection(Section.ANSWER)).extracting(r -> ((SRVRecord) r).getTarget().toString())
                .containsExactly("target.example.net.");
        assertThat(new Message(hit.toWire()).getSection(Section.ANSWER)).extracting(r -> ((SRVRecord) r).getTarget().toString())
                .as("on the wire").containsExactly("target.example.net.");
    }

    @Test
    void echoedCountsTheLabelsSpelledAlikeFromTheEnd() {
        Name question = Name.fromConstantString("_http._tcp.Web.EXAMPLE.org.");
        assertThat(Entry.echoed(Name.fromConstantString("web.svc.EXAMPLE.org."), question)).isEqualTo(2);
        assertThat(Entry.echoed(Name.fromConstantString("web.svc.example.org."), question))
                .as("org alike, but in lower case: no evidence of an echo").isZero();
        assertThat(Entry.echoed(Name.fromConstantString("x.example.net."), question)).isZero();
        assertThat(Entry.echoed(question, question)).as("from Web, the first with an upper-case letter").isEqualTo(3);
        assertThat(Entry.echoed(Name.fromConstantString("mongo-0.mongo-headless.default.svc.Cluster.LOCAL."),
                Name.fromConstantString("Mongo-Headless.DEFAULT.svc.Cluster.LOCAL."))).as("the zone as typed, not svc").isEqualTo(2);
        assertThat(Entry.echoed(Name.fromConstantString("target.example.net."), Name.fromConstantString("_sip._tcp.example.net.")))
                .as("a lower-case question").isZero();
        Name asked = Name.fromConstantString("_HTTP._tcp.web.example.ORG.");
        assertThat(Entry.respelled(Name.fromConstantString("web.svc.EXAMPLE.org."), 2, asked).toString()).isEqualTo("web.svc.example.ORG.");
        assertThat(Entry.respelled(question, 3, asked).toString()).isEqualTo("_http._tcp.web.example.ORG.");
        assertThat(Entry.respelled(Name.fromConstantString("x.example.net."), 0, asked).toString()).isEqualTo("x.example.net.");
    }

    @Test
    void storesTheWholeAnswerAndTruncatesPerClient() {
        CacheHarness h = new CacheHarness("cache");
        h.backend.answer = addresses(30, 100);

        Message udpMiss = h.ask(h.query("big.example.org.", Type.A), Transport.UDP);
        Message tcpHit = h.ask(h.query("big.example.org.", Type.A), Transport.TCP);
        Message udpHit = h.ask(h.query("big.example.org.", Type.A), Transport.UDP);
        Message ednsHit = h.ask(edns(h.query("big.example.org.", Type.A), 4096, false), Transport.UDP);

        assertThat(h.backend.asked()).isEqualTo(1);
        assertThat(udpMiss.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(tcpHit.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(tcpHit.getSection(Section.ANSWER)).hasSize(100);
        assertThat(udpHit.getHeader().getFlag(Flags.TC)).as("512 bytes").isTrue();
        assertThat(udpHit.toWire().length).isLessThanOrEqualTo(512);
        assertThat(ednsHit.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(ednsHit.getSection(Section.ANSWER)).hasSize(100);
    }

    @Test
    void clearsAdForClientsThatDidNotAskForIt() {
        CacheHarness h = new CacheHarness("cache");
        h.backend.answer = (request, writer) -> {
            Message m = Responses.start(request.message(), Rcode.NOERROR);
            m.getHeader().setFlag(Flags.AD);
            m.getHeader().setFlag(Flags.RA);
            m.addRecord(new ARecord(request.qname(), DClass.IN, 30, CacheHarness.address("192.0.2.1")), Section.ANSWER);
            writer.write(m);
        };
        Message ad = h.query(WEB, Type.A);
        ad.getHeader().setFlag(Flags.AD);

        Message missPlain = h.ask(h.query(WEB, Type.A));
        Message hitPlain = h.ask(h.query(WEB, Type.A));
        Message hitAd = h.ask(ad);

        assertThat(missPlain.getHeader().getFlag(Flags.AD)).isFalse();
        assertThat(hitPlain.getHeader().getFlag(Flags.AD)).isFalse();
        assertThat(hitPlain.getHeader().getFlag(Flags.RA)).as("RA as stored").isTrue();
        assertThat(hitAd.getHeader().getFlag(Flags.AD)).isTrue();
    }

    @Test
    void passesNamesOutsideItsZonesUntouched() {
        CacheHarness h = new CacheHarness("cache cluster.local");

        h.ask(h.query(WEB, Type.A));
        h.ask(h.query(WEB, Type.A));

        assertThat(h.backend.asked()).isEqualTo(2);
        assertThat(h.registry.find("coredns.cache.requests").counter()).isNull();
    }

    @Test
    void exportsCoreDnsSeriesNames() {
        CacheHarness h = new CacheHarness("cache");
        h.ask(h.query(WEB, Type.A));
        h.ask(h.query(WEB, Type.A));

        String text = h.registry.scrape();

        assertThat(text).contains("coredns_cache_requests_total{server=\"" + SERVER + "\",view=\"\",zones=\".\"} 2.0");
        assertThat(text).contains("coredns_cache_hits_total{server=\"" + SERVER + "\",type=\"success\",view=\"\",zones=\".\"} 1.0");
        assertThat(text).contains("coredns_cache_misses_total{server=\"" + SERVER + "\",view=\"\",zones=\".\"} 1.0");
        assertThat(text).contains("coredns_cache_entries{server=\"" + SERVER + "\",type=\"success\",view=\"\",zones=\".\"} 1.0");
        assertThat(text).contains("coredns_cache_entries{server=\"" + SERVER + "\",type=\"denial\",view=\"\",zones=\".\"} 0.0");
        assertThat(text).contains("# HELP coredns_cache_hits_total The count of cache hits.");
        assertThat(text).doesNotContain("coredns_cache_hits_total{server=\"" + SERVER + "\",type=\"denial\"");
    }
}
