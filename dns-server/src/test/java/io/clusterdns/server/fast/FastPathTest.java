package io.clusterdns.server.fast;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.server.chain.BlockChain;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.FrontPath;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.QueryDispatcher;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.chain.Router;
import io.clusterdns.server.listen.Listener;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.metrics.DnsMetrics;
import io.clusterdns.server.plugin.cache.CacheConfig;
import io.clusterdns.server.plugin.cache.CachePlugin;
import io.clusterdns.server.plugin.cache.CacheSetup;
import io.clusterdns.server.plugin.cache.CacheStore;
import io.clusterdns.server.plugin.kubernetes.KubernetesPlugin;
import io.clusterdns.server.plugin.loadbalance.LoadbalancePlugin;
import io.clusterdns.server.plugin.prometheus.PrometheusPlugin;
import io.clusterdns.server.Wire;
import io.clusterdns.server.wire.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The fast path answers byte for byte as the chain does: every name of a {@link GeneratedCluster}
 * with every type, with and without EDNS and DO, in three spellings, at UDP sizes that cut the
 * answers and over TCP, each sent to a server path with the fast path and to one without; and
 * what it does not recognise or may not answer goes to the chain.
 *
 * <p>Conventions: the cluster is {@link GeneratedCluster} with 3 namespaces; the chain is
 * {@code prometheus} then {@code kubernetes} (with {@code fallthrough in-addr.arpa ip6.arpa}, so
 * unknown reverse names take the chain's "no next plugin" SERVFAIL); queries use small IDs.
 */
class FastPathTest {
    static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    static final InetSocketAddress CLIENT6 = new InetSocketAddress(ipv6Loopback(), 40000);
    static final Listener LISTENER = Listener.of(ListenAddress.of("127.0.0.1:1053"));
    static final GeneratedCluster CLUSTER = new GeneratedCluster(3);
    static final int[] TYPES = {Type.A, Type.AAAA, Type.SRV, Type.PTR, Type.TXT, Type.NS, Type.SOA, Type.CNAME, Type.ANY, Type.MX,
        Type.HINFO, 0, Type.OPT, 65280, 65535, Type.AXFR, Type.IXFR};

    enum Casing { LOWER, MIXED, UPPER }

    /** How a question is asked. {@code payload} 0: no EDNS. */
    record Variant(String label, Casing casing, int payload, boolean dnssecOk, Transport transport, boolean rd, boolean cd, boolean ad) {
        Variant(String label, Casing casing, int payload, boolean dnssecOk, Transport transport, boolean rd, boolean cd) {
            this(label, casing, payload, dnssecOk, transport, rd, cd, false);
        }
    }

    static final List<Variant> VARIANTS = List.of(
            new Variant("plain", Casing.LOWER, 0, false, Transport.UDP, true, false),
            new Variant("mixed 512", Casing.MIXED, 0, false, Transport.UDP, true, false),
            new Variant("mixed edns 1232 do", Casing.MIXED, 1232, true, Transport.UDP, true, false),
            new Variant("upper edns 4096 cd", Casing.UPPER, 4096, false, Transport.UDP, true, true),
            new Variant("edns 100 (512), no rd", Casing.LOWER, 100, false, Transport.UDP, false, true),
            new Variant("edns 1400 do ad (as dig asks)", Casing.LOWER, 1400, true, Transport.UDP, true, false, true),
            new Variant("tcp mixed", Casing.MIXED, 0, false, Transport.TCP, true, false),
            new Variant("tcp edns do", Casing.LOWER, 1232, true, Transport.TCP, false, false));

    /** A listener's query path: one block behind a router, with or without the fast path; its own metrics. */
    static final class ServerPath {
        final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        final QueryDispatcher dispatcher;
        final FrontPath front;
        boolean answeredFast;
        int fastAnswers;

        ServerPath(Resolver resolver, boolean fast, Function<DnsMetrics, List<Plugin>> plugins, long budget) {
            DnsMetrics metrics = new DnsMetrics(registry);
            BlockChain block = BlockChain.of(resolver.config().zones(), plugins.apply(metrics));
            front = fast ? FastPath.of(List.of(block), budget) : FrontPath.NONE;
            FrontPath counting = (wire, transport, client, listener, sink, received) -> {
                answeredFast = front.serve(wire, transport, client, listener, sink, received);
                fastAnswers += answeredFast ? 1 : 0;
                return answeredFast;
            };
            Router router = new Router(List.of(block), counting);
            dispatcher = new QueryDispatcher(() -> router, metrics, Counter.builder("panics").register(registry));
        }

        byte[] handle(byte[] wire, Transport transport, InetSocketAddress client) {
            AtomicReference<byte[]> out = new AtomicReference<>();
            answeredFast = false;
            dispatcher.receive(wire, transport, client, LISTENER, out::set);
            return out.get();
        }

        /** The per-query series as Prometheus text, without the timings. */
        List<String> series() {
            return registry.scrape().lines()
                    .filter(l -> l.startsWith("coredns_dns_") && !l.startsWith("coredns_dns_request_duration_seconds_bucket")
                            && !l.startsWith("coredns_dns_request_duration_seconds_sum")
                            && !l.startsWith("coredns_dns_request_duration_seconds_max"))
                    .sorted().toList();
        }
    }

    static Function<DnsMetrics, List<Plugin>> kubernetesBehindPrometheus(Resolver resolver, Plugin... before) {
        return metrics -> {
            List<Plugin> plugins = new ArrayList<>(List.of(new PrometheusPlugin(metrics, "errors")));
            plugins.addAll(List.of(before));
            plugins.add(new KubernetesPlugin(resolver, new Fallthrough(List.of(Name.fromConstantString("in-addr.arpa."),
                    Name.fromConstantString("ip6.arpa.")))));
            return plugins;
        };
    }

    /**
     * {@code prometheus}, {@code cache} (as {@code cacheLines} in a {@code .} block; its series on
     * {@code cacheRegistry}), {@code kubernetes}: the cache as the server wires it when
     * {@code asServerRuns}, as CoreDNS's (holding every answer) otherwise.
     */
    static Function<DnsMetrics, List<Plugin>> kubernetesBehindCache(Resolver resolver, String cacheLines,
                                                                   PrometheusMeterRegistry cacheRegistry, boolean asServerRuns) {
        return metrics -> {
            Directive d = CorefileParser.parse(".:53 {\n" + cacheLines + "\n}\n", Path.of("/etc/coredns/Corefile"), Map.of())
                    .blocks().get(0).directives().get(0);
            CacheConfig config = CacheSetup.parse(d, resolver.config().zones());
            List<Plugin> plugins = new ArrayList<>(List.of(new PrometheusPlugin(metrics, "errors"),
                    new CachePlugin(config, new CacheStore(config), cacheRegistry, System::nanoTime)));
            plugins.addAll(kubernetesBehindPrometheus(resolver).apply(metrics).subList(1, 2));
            return asServerRuns ? FastPath.cacheLeavingClusterAnswers(plugins) : plugins;
        };
    }

    /** The sum of a cache series' samples (0 when it has none). */
    static double cacheSample(PrometheusMeterRegistry registry, String series) {
        return registry.scrape().lines().filter(l -> l.startsWith(series + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    static Resolver resolver() {
        Resolver r = new Resolver(GeneratedCluster.config());
        r.update(CLUSTER.snapshot(1));
        return r;
    }

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

    @Test
    void leavesToTheChainWhatItDoesNotRecogniseByteForByte() {
        Resolver resolver = resolver();
        ServerPath chain = new ServerPath(resolver, false, kubernetesBehindPrometheus(resolver), AnswerCache.DEFAULT_BUDGET);
        ServerPath fast = new ServerPath(resolver, true, kubernetesBehindPrometheus(resolver), AnswerCache.DEFAULT_BUDGET);
        String web = "svc-0.ns-0.svc.cluster.local.";
        Variant edns = new Variant("edns", Casing.LOWER, 1232, false, Transport.UDP, true, false);
        byte[] base = query(7, web, Type.A, VARIANTS.get(0));
        List<byte[]> odd = new ArrayList<>();
        Message cookie = Wire.parse(query(7, web, Type.A, VARIANTS.get(0)));
        cookie.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new CookieOption(new byte[8]))), Section.ADDITIONAL);
        odd.add(cookie.toWire());
        odd.add(withOpt(base, new OPTRecord(1232, 0, 1, 0)));                       // EDNS version 1: BADVERS
        odd.add(withOpt(base, new OPTRecord(1232, 1, 0, 0)));                       // extended rcode bits in a query
        odd.add(withOpt(base, new OPTRecord(1232, 0, 0, 0x4000)));                  // an unknown EDNS flag
        byte[] twoOpts = withOpt(withOpt(base, new OPTRecord(1232, 0, 0, 0)), new OPTRecord(1232, 0, 0, 0));
        odd.add(twoOpts);                                                           // FORMERR
        Message two = Wire.parse(base);
        two.addRecord(Record.newRecord(Name.fromConstantString(web), Type.AAAA, DClass.IN), Section.QUESTION);
        odd.add(two.toWire());                                                      // two questions
        for (int dclass : new int[] {DClass.CH, DClass.ANY, DClass.NONE, DClass.HS}) {
            Message m = new Message(7);
            m.addRecord(Record.newRecord(Name.fromConstantString(web), Type.A, dclass), Section.QUESTION);
            odd.add(m.toWire());
        }
        odd.add(flags(base, 2, 0x20));   // opcode NOTIFY
        odd.add(flags(base, 2, 0x04));   // AA
        odd.add(flags(base, 2, 0x02));   // TC
        odd.add(flags(base, 2, 0x80));   // QR: a response, dropped
        odd.add(flags(base, 3, 0x80));   // RA
        odd.add(flags(base, 3, 0x40));   // Z
        odd.add(flags(base, 3, 0x03));   // an rcode in a query
        odd.add(Arrays.copyOf(base, base.length + 1));                              // a trailing byte
        odd.add(Arrays.copyOf(base, base.length - 1));                              // cut short
        odd.add(Arrays.copyOf(base, 11));                                           // shorter than a header
        byte[] pointer = Arrays.copyOf(base, 12 + 2 + 4);
        pointer[12] = (byte) 0xC0;
        pointer[13] = 12;                                                           // a compression loop
        pointer[15] = 1;
        pointer[17] = 1;
        odd.add(pointer);
        byte[] answerCount = base.clone();
        answerCount[7] = 1;                                                         // ANCOUNT 1, no record
        odd.add(answerCount);
        odd.add(query(8, "example.com.", Type.A, edns));                           // no block takes it: REFUSED
        for (byte[] q : odd) {
            byte[] expected = chain.handle(q, Transport.UDP, CLIENT);
            byte[] actual = fast.handle(q, Transport.UDP, CLIENT);
            assertThat(hex(actual)).as(hex(q)).isEqualTo(hex(expected));
            assertThat(fast.answeredFast).as("fast path answered " + hex(q)).isFalse();
        }
        assertThat(fast.handle(base, Transport.UDP, CLIENT)).as("the plain query still answered").isNotNull();
        assertThat(fast.answeredFast).as("the plain query answered fast").isTrue();
    }

    @Test
    void answersFromTheNewSnapshotOnceItIsApplied() {
        Resolver resolver = resolver();
        ServerPath chain = new ServerPath(resolver, false, kubernetesBehindPrometheus(resolver), AnswerCache.DEFAULT_BUDGET);
        ServerPath fast = new ServerPath(resolver, true, kubernetesBehindPrometheus(resolver), AnswerCache.DEFAULT_BUDGET);
        byte[] a = query(1, "Svc-0.ns-0.svc.cluster.local.", Type.A, VARIANTS.get(0));
        byte[] nx = query(2, "nope.ns-0.svc.cluster.local.", Type.A, VARIANTS.get(0));

        byte[] before = fast.handle(a, Transport.UDP, CLIENT);
        byte[] nxBefore = fast.handle(nx, Transport.UDP, CLIENT);
        resolver.update(CLUSTER.snapshot(2, "10.96.7.7"));
        byte[] after = fast.handle(a, Transport.UDP, CLIENT);
        byte[] nxAfter = fast.handle(nx, Transport.UDP, CLIENT);
        byte[] chainAfter = chain.handle(a, Transport.UDP, CLIENT);
        byte[] chainNxAfter = chain.handle(nx, Transport.UDP, CLIENT);

        // a snapshot with the same version (a persisted snapshot, then the live source's first): still the new answer
        resolver.update(CLUSTER.snapshot(2, "10.96.8.8"));
        byte[] sameVersion = fast.handle(a, Transport.UDP, CLIENT);

        assertThat(fast.fastAnswers).isEqualTo(5);
        assertThat(Wire.texts(Wire.parse(sameVersion), Section.ANSWER)).containsExactly("Svc-0.ns-0.svc.cluster.local. 5 A 10.96.8.8");
        assertThat(Wire.texts(Wire.parse(before), Section.ANSWER)).containsExactly("Svc-0.ns-0.svc.cluster.local. 5 A 10.96.1.0");
        assertThat(Wire.texts(Wire.parse(after), Section.ANSWER)).containsExactly("Svc-0.ns-0.svc.cluster.local. 5 A 10.96.7.7");
        assertThat(hex(after)).isEqualTo(hex(chainAfter));
        assertThat(hex(nxAfter)).as("the SOA serial follows the snapshot").isEqualTo(hex(chainNxAfter))
                .isNotEqualTo(hex(nxBefore));
    }

    @Test
    void keepsTheAnswersItEncodesWithinItsBudget() {
        Resolver resolver = resolver();
        long budget = 4096;
        ServerPath chain = new ServerPath(resolver, false, kubernetesBehindPrometheus(resolver), budget);
        ServerPath fast = new ServerPath(resolver, true, kubernetesBehindPrometheus(resolver), budget);
        for (int i = 0; i < 500; i++) {
            byte[] q = query(i, "random-" + i + ".ns-1.svc.cluster.local.", Type.A, VARIANTS.get(0));
            assertThat(hex(fast.handle(q, Transport.UDP, CLIENT))).isEqualTo(hex(chain.handle(q, Transport.UDP, CLIENT)));
            assertThat(((FastPath) fast.front).answersHeld(Name.fromConstantString("cluster.local.")))
                    .as("answers held after %d names", i + 1).isLessThanOrEqualTo(40);
        }
        assertThat(fast.fastAnswers).isEqualTo(500);
    }

    @Test
    void leavesAnswersThatLoadbalanceShufflesToTheChain() {
        Resolver resolver = resolver();
        ServerPath fast = new ServerPath(resolver, true, kubernetesBehindPrometheus(resolver, new LoadbalancePlugin()), AnswerCache.DEFAULT_BUDGET);

        fast.handle(query(1, "svc-0.ns-0.svc.cluster.local.", Type.A, VARIANTS.get(0)), Transport.UDP, CLIENT);
        boolean singleAddress = fast.answeredFast;
        fast.handle(query(2, "wide-0.ns-0.svc.cluster.local.", Type.A, VARIANTS.get(0)), Transport.UDP, CLIENT);
        boolean manyAddresses = fast.answeredFast;
        fast.handle(query(3, "_http._tcp.svc-0.ns-0.svc.cluster.local.", Type.SRV, VARIANTS.get(0)), Transport.UDP, CLIENT);
        boolean oneAdditional = fast.answeredFast;

        assertThat(singleAddress).as("one address: nothing to shuffle").isTrue();
        assertThat(manyAddresses).as("80 addresses: shuffled by the chain").isFalse();
        assertThat(oneAdditional).isTrue();
    }

    @Test
    void leavesBlocksWithPluginsThatChangeOrWatchAnswersToTheChain() {
        Resolver resolver = resolver();
        for (String name : List.of("cache", "log", "rewrite", "acl", "rrl", "template", "hosts", "autopath", "minimal", "k8s_external")) {
            BlockChain block = BlockChain.of(resolver.config().zones(), List.of(passing(name), new KubernetesPlugin(resolver, Fallthrough.NONE)));
            assertThat(FastPath.of(List.of(block))).as(name).isSameAs(FrontPath.NONE);
        }
        BlockChain plain = BlockChain.of(resolver.config().zones(), List.of(passing("errors"), new KubernetesPlugin(resolver, Fallthrough.NONE)));
        assertThat(FastPath.of(List.of(plain))).isInstanceOf(FastPath.class);
        BlockChain forwardOnly = BlockChain.of(List.of(Name.root), List.of(passing("forward")));
        assertThat(FastPath.of(List.of(forwardOnly))).as("no kubernetes plugin").isSameAs(FrontPath.NONE);

        // a real cache: as CoreDNS's it holds cluster answers (no fast path); wired as the server does it, it leaves them alone
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<Plugin> cached = kubernetesBehindCache(resolver, "cache 30", registry, false).apply(new DnsMetrics(registry));
        assertThat(FastPath.of(List.of(BlockChain.of(resolver.config().zones(), cached)))).as("CoreDNS's cache").isSameAs(FrontPath.NONE);
        List<Plugin> wired = FastPath.cacheLeavingClusterAnswers(cached);
        assertThat(((CachePlugin) wired.get(1)).leavesClusterAnswers()).isTrue();
        assertThat(FastPath.of(List.of(BlockChain.of(resolver.config().zones(), wired)))).isInstanceOf(FastPath.class);
        List<Plugin> withHosts = new ArrayList<>(cached);
        withHosts.add(2, passing("hosts"));
        assertThat(FastPath.cacheLeavingClusterAnswers(withHosts)).as("hosts answers names the cache must hold: left as CoreDNS's")
                .isSameAs(withHosts);
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

    static byte[] query(int id, String name, int type, Variant v) {
        Message m = new Message(id);
        if (v.rd()) {
            m.getHeader().setFlag(Flags.RD);
        }
        if (v.cd()) {
            m.getHeader().setFlag(Flags.CD);
        }
        if (v.ad()) {
            m.getHeader().setFlag(Flags.AD);
        }
        m.addRecord(Record.newRecord(Name.fromConstantString(spell(name, v.casing())), type, DClass.IN), Section.QUESTION);
        if (v.payload() > 0) {
            m.addRecord(new OPTRecord(v.payload(), 0, 0, v.dnssecOk() ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        }
        return m.toWire();
    }

    static String spell(String name, Casing casing) {
        return switch (casing) {
            case LOWER -> name;
            case UPPER -> name.toUpperCase(Locale.ROOT);
            case MIXED -> {
                StringBuilder b = new StringBuilder(name);
                for (int i = 0; i < b.length(); i += 2) {
                    b.setCharAt(i, Character.toUpperCase(b.charAt(i)));
                }
                yield b.toString();
            }
        };
    }

    private static byte[] withOpt(byte[] query, OPTRecord opt) {
        Message m = Wire.parse(query);
        m.addRecord(opt, Section.ADDITIONAL);
        return m.toWire();
    }

    private static byte[] flags(byte[] query, int at, int bits) {
        byte[] q = query.clone();
        q[at] |= (byte) bits;
        return q;
    }

    private static Plugin passing(String name) {
        return new Plugin() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void serve(Request request, ResponseWriter writer, Chain next) {
                next.serve(request, writer);
            }
        };
    }

    static String hex(byte[] b) {
        return b == null ? "null" : HexFormat.of().formatHex(b);
    }

    private static InetAddress ipv6Loopback() {
        return io.clusterdns.k8s.model.IpAddresses.parse("::1");
    }
}
