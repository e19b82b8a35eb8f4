package io.clusterdns.server.fast;

import static io.clusterdns.server.fast.FastPathFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.resolver.Resolver;
import io.clusterdns.server.Wire;
import io.clusterdns.server.chain.BlockChain;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.FrontPath;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.metrics.DnsMetrics;
import io.clusterdns.server.plugin.cache.CachePlugin;
import io.clusterdns.server.plugin.kubernetes.KubernetesPlugin;
import io.clusterdns.server.plugin.loadbalance.LoadbalancePlugin;
import io.clusterdns.server.wire.Transport;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CookieOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What the fast path leaves to the chain (questions it does not recognise byte for byte, answers
 * {@code loadbalance} shuffles, blocks with plugins that change or watch answers), and how its
 * answers follow a new snapshot and stay within their budget. Fixtures: {@link FastPathFixture}.
 */
class FastPathScopeTest {
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

    /** With {@code pods verified} a pod name's answer reads the pods: a snapshot whose pods changed drops it. */
    @Test
    void dropsPodAnswersWhenThePodsChange() throws Exception {
        io.clusterdns.k8s.model.ClusterSnapshot first = CLUSTER.snapshot(1);
        java.util.function.Function<List<io.clusterdns.k8s.model.PodInfo>, io.clusterdns.k8s.model.ClusterSnapshot> withPods =
                pods -> new io.clusterdns.k8s.model.ClusterSnapshot(2, first.createdAt(), first.services().values(),
                        first.slicesByService().values().stream().flatMap(List::stream).toList(), pods, first.namespaces().values());
        Resolver resolver = new Resolver(new io.clusterdns.resolver.ResolverConfig(GeneratedCluster.config().zones(), 5,
                io.clusterdns.resolver.PodMode.VERIFIED, java.util.Set.of(), false, false));
        resolver.update(withPods.apply(List.of()));
        ServerPath chain = new ServerPath(resolver, false, kubernetesBehindPrometheus(resolver), AnswerCache.DEFAULT_BUDGET);
        ServerPath fast = new ServerPath(resolver, true, kubernetesBehindPrometheus(resolver), AnswerCache.DEFAULT_BUDGET);
        byte[] q = query(1, "10-244-9-9.ns-0.pod.cluster.local.", Type.A, VARIANTS.get(0));

        byte[] none = fast.handle(q, Transport.UDP, CLIENT);
        assertThat(fast.answeredFast).isTrue();
        resolver.update(withPods.apply(List.of(new io.clusterdns.k8s.model.PodInfo("ns-0", "web-0",
                List.of(java.net.InetAddress.getByName("10.244.9.9")), null, null, "node-1", null, "Running", true, false, List.of()))));
        byte[] one = fast.handle(q, Transport.UDP, CLIENT);

        assertThat(Wire.parse(none).getRcode()).isEqualTo(org.xbill.DNS.Rcode.NXDOMAIN);
        assertThat(Wire.texts(Wire.parse(one), Section.ANSWER)).containsExactly("10-244-9-9.ns-0.pod.cluster.local. 5 A 10.244.9.9");
        assertThat(hex(one)).isEqualTo(hex(chain.handle(q, Transport.UDP, CLIENT)));
    }

    /**
     * A snapshot that moves ns-0/svc-0 and adds ns-1/new drops their answers (the NXDOMAIN of the
     * name that now exists, the PTR names of the addresses moved) and keeps the others: ns-1/svc-1,
     * a NODATA, an NXDOMAIN elsewhere, answered from the cache with the new SOA serial.
     */
    @Test
    void keepsTheAnswersOfWhatASnapshotDidNotChange() {
        Resolver resolver = resolver();
        ServerPath chain = new ServerPath(resolver, false, kubernetesBehindPrometheus(resolver), AnswerCache.DEFAULT_BUDGET);
        ServerPath fast = new ServerPath(resolver, true, kubernetesBehindPrometheus(resolver), AnswerCache.DEFAULT_BUDGET);
        AnswerCache cache = ((FastPath) fast.front).cache(Name.fromConstantString("cluster.local."));
        List<String> kept = List.of("svc-1.ns-1.svc.cluster.local. A", "svc-1.ns-1.svc.cluster.local. AAAA",
                "nope.ns-2.svc.cluster.local. A", "_http._tcp.sts-1.ns-1.svc.cluster.local. SRV", "1.1.96.10.in-addr.arpa. PTR");
        List<String> dropped = List.of("svc-0.ns-0.svc.cluster.local. A", "new.ns-1.svc.cluster.local. A",
                "0.1.96.10.in-addr.arpa. PTR", "7.7.96.10.in-addr.arpa. PTR");
        List<String> all = new ArrayList<>(kept);
        all.addAll(dropped);
        for (String q : all) {
            ask(chain, fast, q);
        }
        long encoded = cache.encoded.sum();

        List<io.clusterdns.k8s.model.ServiceInfo> added = List.of(GeneratedCluster.clusterIp("ns-1", "new", List.of("10.96.9.9"),
                GeneratedCluster.port("http", io.clusterdns.k8s.model.Protocol.TCP, 80)));
        resolver.update(CLUSTER.snapshot(2, "10.96.7.7").apply(new io.clusterdns.k8s.model.SnapshotDelta().putService(added.get(0)),
                java.time.Instant.ofEpochSecond(1_800_000_000L)));
        for (String q : kept) {
            long before = cache.encoded.sum();
            ask(chain, fast, q);
            assertThat(cache.encoded.sum()).as("%s kept", q).isEqualTo(before);
        }
        for (String q : dropped) {
            long before = cache.encoded.sum();
            ask(chain, fast, q);
            assertThat(cache.encoded.sum()).as("%s made again", q).isEqualTo(before + 1);
        }
        assertThat(cache.encoded.sum()).isEqualTo(encoded + dropped.size());
        assertThat(Wire.texts(Wire.parse(ask(chain, fast, "new.ns-1.svc.cluster.local. A")), Section.ANSWER))
                .containsExactly("new.ns-1.svc.cluster.local. 5 A 10.96.9.9");
        assertThat(fast.answeredFast).isTrue();
        ask(chain, fast, "nope.ns-2.svc.cluster.local. A");
        assertThat(fast.answeredFast).as("a kept NXDOMAIN, its serial the new one's").isTrue();
    }

    /** Asks "NAME TYPE" of both paths: the same bytes (an unknown reverse name is passed on: the chain answers it on both). */
    private static byte[] ask(ServerPath chain, ServerPath fast, String question) {
        String[] q = question.split(" ");
        byte[] wire = query(9, q[0], Type.value(q[1]), VARIANTS.get(0));
        byte[] expected = chain.handle(wire, Transport.UDP, CLIENT);
        byte[] actual = fast.handle(wire, Transport.UDP, CLIENT);
        assertThat(hex(actual)).as(question).isEqualTo(hex(expected));
        return actual;
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
}
