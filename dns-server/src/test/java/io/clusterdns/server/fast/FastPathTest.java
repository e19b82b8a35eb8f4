package io.clusterdns.server.fast;

import static io.clusterdns.server.fast.FastPathFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.resolver.Resolver;
import io.clusterdns.server.Wire;
import io.clusterdns.server.wire.Transport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The fast path answers byte for byte as the chain does: every name of a {@link GeneratedCluster}
 * with every type, with and without EDNS and DO, in three spellings, at UDP sizes that cut the
 * answers and over TCP, each sent to a server path with the fast path and to one without (also
 * behind {@code cache}). Fixtures: {@link FastPathFixture}.
 */
class FastPathTest {
    @Test
    void answersEveryQuestionOfTheGeneratedClusterByteForByteAsTheChain() {
        Resolver resolver = resolver();
        ServerPath chain = new ServerPath(resolver, false, kubernetesBehindPrometheus(resolver), AnswerCache.DEFAULT_BUDGET);
        ServerPath fast = new ServerPath(resolver, true, kubernetesBehindPrometheus(resolver), AnswerCache.DEFAULT_BUDGET);
        assertAnswersEveryQuestionAsTheChain(chain, fast);
    }

    /**
     * Behind {@code cache 30}, wired as the server wires it (the cache leaves the kubernetes
     * plugin's own answers alone): the fast path answers every question as the chain's first,
     * uncached answer, in both rounds, since no cluster answer is ever held; what the kubernetes
     * plugin passes on (unknown reverse names) goes through the cache on both paths alike.
     */
    @Test
    void answersEveryQuestionBehindCacheAsTheChainsFirstUncachedAnswer() {
        Resolver resolver = resolver();
        PrometheusMeterRegistry chainCache = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PrometheusMeterRegistry fastCache = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServerPath chain = new ServerPath(resolver, false, kubernetesBehindCache(resolver, "cache 30", chainCache, true),
                AnswerCache.DEFAULT_BUDGET);
        ServerPath fast = new ServerPath(resolver, true, kubernetesBehindCache(resolver, "cache 30", fastCache, true),
                AnswerCache.DEFAULT_BUDGET);
        assertThat(fast.front).as("a block with cache 30 has a fast path").isInstanceOf(FastPath.class);

        assertAnswersEveryQuestionAsTheChain(chain, fast);

        double lookups = cacheSample(chainCache, "coredns_cache_requests_total");
        assertThat(lookups).as("names passed on go through the cache").isPositive();
        assertThat(cacheSample(fastCache, "coredns_cache_requests_total")).as("the same questions reach the cache").isEqualTo(lookups);
        assertThat(cacheSample(fastCache, "coredns_cache_misses_total")).isEqualTo(lookups);
        assertThat(cacheSample(fastCache, "coredns_cache_hits_total")).as("no cluster answer is held: no hit in two rounds").isZero();
        assertThat(cacheSample(chainCache, "coredns_cache_hits_total")).isZero();
    }

    /**
     * Against CoreDNS's cache (kubeadm's {@code disable} lines widened to the reverse zones, so
     * that every one of its answers is a first, uncached one that went through it): the fast path
     * behind {@code cache 30} answers every question with the same bytes, but for the one record
     * whose TTL is outside the cache's range (dns-version's TXT, 28800: CoreDNS caps it at 30).
     */
    @Test
    void answersAsCorednsFirstUncachedAnswerButForTtlsOutsideTheCachesRange() {
        Resolver resolver = resolver();
        String everyMiss = "cache 30 {\n disable success cluster.local in-addr.arpa ip6.arpa\n"
                + " disable denial cluster.local in-addr.arpa ip6.arpa\n}";
        ServerPath coredns = new ServerPath(resolver, false,
                kubernetesBehindCache(resolver, everyMiss, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false),
                AnswerCache.DEFAULT_BUDGET);
        ServerPath fast = new ServerPath(resolver, true,
                kubernetesBehindCache(resolver, "cache 30", new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), true),
                AnswerCache.DEFAULT_BUDGET);
        java.util.Set<String> differ = new java.util.TreeSet<>();
        int id = 0;
        for (String name : CLUSTER.names()) {
            for (int type : TYPES) {
                for (Variant v : VARIANTS) {
                    byte[] q = query(++id & 0xFFFF, name, type, v);
                    if (!hex(coredns.handle(q, v.transport(), CLIENT)).equals(hex(fast.handle(q, v.transport(), CLIENT)))) {
                        differ.add(name + " " + Type.string(type));
                    }
                }
            }
        }
        assertThat(fast.fastAnswers).isPositive();
        assertThat(differ).containsExactly("dns-version.cluster.local. TXT");
    }

    /**
     * Where it differs from CoreDNS, on purpose: CoreDNS's cache caps and floors the TTL of a
     * cluster answer it passes on (dns-version's 28800 goes out as 30) and answers the second
     * query from its entry, counting both; behind the cache as the server wires it the answer keeps
     * the kubernetes plugin's TTL, comes from the fast path, and the cache's series do not move.
     */
    @Test
    void clusterAnswersKeepTheKubernetesTtlAndStayOutOfTheCachesSeries() {
        Resolver resolver = resolver();
        PrometheusMeterRegistry corednsCache = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PrometheusMeterRegistry ourCache = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ServerPath coredns = new ServerPath(resolver, false, kubernetesBehindCache(resolver, "cache 30", corednsCache, false),
                AnswerCache.DEFAULT_BUDGET);
        ServerPath ours = new ServerPath(resolver, true, kubernetesBehindCache(resolver, "cache 30", ourCache, true),
                AnswerCache.DEFAULT_BUDGET);
        List<String> corednsAnswers = new ArrayList<>();
        List<String> ourAnswers = new ArrayList<>();
        for (int id = 1; id <= 2; id++) {
            byte[] q = query(id, "dns-version.cluster.local.", Type.TXT, VARIANTS.get(0));
            corednsAnswers.addAll(Wire.texts(Wire.parse(coredns.handle(q, Transport.UDP, CLIENT)), Section.ANSWER));
            ourAnswers.addAll(Wire.texts(Wire.parse(ours.handle(q, Transport.UDP, CLIENT)), Section.ANSWER));
            assertThat(ours.answeredFast).as("query %d answered by the fast path", id).isTrue();
        }

        assertThat(corednsAnswers).allMatch(a -> a.startsWith("dns-version.cluster.local. 30 TXT"), "TTL 30");
        assertThat(ourAnswers).allMatch(a -> a.startsWith("dns-version.cluster.local. 28800 TXT"), "TTL 28800").hasSize(2);
        assertThat(cacheSample(corednsCache, "coredns_cache_requests_total")).isEqualTo(2);
        assertThat(cacheSample(corednsCache, "coredns_cache_hits_total")).isEqualTo(1);
        assertThat(cacheSample(ourCache, "coredns_cache_requests_total")).isZero();
    }

    private static void assertAnswersEveryQuestionAsTheChain(ServerPath chain, ServerPath fast) {
        Coverage seen = new Coverage();
        int id = 0;
        for (int round = 0; round < 2; round++) { // the second round is answered from what the first encoded
            for (String name : CLUSTER.names()) {
                for (int type : TYPES) {
                    for (Variant v : VARIANTS) {
                        byte[] q = query(++id & 0xFFFF, name, type, v);
                        InetSocketAddress client = id % 3 == 0 ? CLIENT6 : CLIENT;
                        byte[] expected = chain.handle(q, v.transport(), client);
                        byte[] actual = fast.handle(q, v.transport(), client);
                        assertThat(hex(actual)).as("%s %s %s", name, Type.string(type), v.label()).isEqualTo(hex(expected));
                        if (fast.answeredFast) {
                            seen.add(actual, v);
                        }
                    }
                }
            }
        }
        int queries = 2 * CLUSTER.names().size() * TYPES.length * VARIANTS.size();
        assertThat(fast.fastAnswers).as("answered by the fast path, of %d", queries).isGreaterThan(queries / 2);
        seen.assertSawEveryKind();
        assertThat(fast.series()).as("the prometheus series").containsExactlyElementsOf(chain.series());
    }
    /** What the fast path answered, by kind: the test fails when it answered none of one. */
    static final class Coverage {
        boolean truncated;
        boolean mixedCase;
        boolean nxDomain;
        boolean noData;
        boolean srvWithAdditional;
        boolean dnssecOk;
        boolean tcp;
        boolean cname;

        void add(byte[] response, Variant v) {
            Message m = Wire.parse(response);
            truncated |= m.getHeader().getFlag(Flags.TC);
            mixedCase |= v.casing() != Casing.LOWER;
            nxDomain |= m.getRcode() == Rcode.NXDOMAIN;
            noData |= m.getRcode() == Rcode.NOERROR && m.getSection(Section.ANSWER).isEmpty();
            srvWithAdditional |= m.getQuestion().getType() == Type.SRV && m.getHeader().getCount(Section.ADDITIONAL) > 1;
            dnssecOk |= m.getOPT() != null && (m.getOPT().getFlags() & ExtendedFlags.DO) != 0;
            tcp |= v.transport() == Transport.TCP;
            cname |= m.getSection(Section.ANSWER).stream().anyMatch(r -> r.getType() == Type.CNAME);
        }

        void assertSawEveryKind() {
            assertThat(List.of(truncated, mixedCase, nxDomain, noData, srvWithAdditional, dnssecOk, tcp, cname))
                    .as("truncated, mixed case, NXDOMAIN, NODATA, SRV with additional, DO, TCP, CNAME").containsOnly(true);
        }
    }
}
