package io.clusterdns.server.fast;

import io.clusterdns.resolver.Answer;
import io.clusterdns.resolver.Dependencies;
import io.clusterdns.resolver.Dependency;
import io.clusterdns.resolver.IndexChange;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.server.chain.BlockChain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.plugin.cache.CachePlugin;
import io.clusterdns.server.plugin.kubernetes.KubernetesPlugin;
import io.clusterdns.server.plugin.kubernetes.KubernetesResponses;
import io.clusterdns.server.plugin.prometheus.PrometheusPlugin;
import io.clusterdns.server.wire.ClientEdns;
import io.clusterdns.server.wire.Responses;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The fast path of one server block whose chain answers the cluster zone without changing what
 * the {@code kubernetes} plugin wrote: its encoded answers, how they are made (the chain's own
 * code: the resolver, {@link KubernetesResponses#of}, {@link Responses#encode}) and counted (the
 * block's {@code prometheus} series).
 *
 * <p>Which plugins leave the answer alone: those that only watch errors ({@code errors}), count
 * ({@code prometheus}: fed here), serve elsewhere ({@code health}, {@code ready}, {@code reload},
 * {@code bind}, {@code timeouts}), see only other classes ({@code chaos}), or come after
 * {@code kubernetes} and only get what it passes on ({@code multicluster}, {@code loop},
 * {@code forward}); {@code loadbalance} leaves answers with fewer than two addresses (and MX) per
 * section alone, and {@code any} only changes ANY questions: those take the chain. {@code cache}
 * qualifies once it leaves the {@code kubernetes} plugin's own answers alone
 * ({@link #cacheLeavingClusterAnswers}: then only forwarded and other answers go through it, on
 * the chain as on the fast path). Any other plugin ({@code log}; {@code rewrite}; {@code acl};
 * {@code rrl}; {@code template}; {@code hosts}; ...) puts the whole block on the chain.
 */
final class FastBlock {
    static final Set<String> LEAVE_ANSWERS = Set.of("kubernetes", "prometheus", "errors", "health", "ready", "reload", "bind",
            "timeouts", "chaos", "multicluster", "loop", "forward", "loadbalance", "any");

    private static final Dependency[] NO_PARTS = new Dependency[0];
    private static final int RD = 0x01;
    private static final int CD = 0x10;

    private final KubernetesPlugin kubernetes;
    private final Resolver resolver;
    private final PrometheusPlugin prometheus;
    private final boolean loadbalance;
    private final boolean anyPlugin;
    /** The kubernetes plugin's zones in wire form, lower-case. */
    private final byte[][] zones;
    private final AnswerCache cache;

    private FastBlock(KubernetesPlugin kubernetes, PrometheusPlugin prometheus, boolean loadbalance, boolean anyPlugin, long budget) {
        this.kubernetes = kubernetes;
        this.resolver = kubernetes.resolver();
        this.prometheus = prometheus;
        this.loadbalance = loadbalance;
        this.anyPlugin = anyPlugin;
        List<Name> z = resolver.config().zones();
        this.zones = new byte[z.size()][];
        for (int i = 0; i < zones.length; i++) {
            zones[i] = z.get(i).toWireCanonical();
        }
        this.cache = new AnswerCache(budget);
    }

    /** The fast path of {@code block}; null when a plugin of it may change or watch the answers. */
    static FastBlock of(BlockChain block, long budget) {
        KubernetesPlugin kubernetes = null;
        PrometheusPlugin prometheus = null;
        for (Plugin p : block.plugins()) {
            if (p instanceof CachePlugin c) {
                if (!c.leavesClusterAnswers()) {
                    return null; // its hits would carry counted-down TTLs and count in its series
                }
            } else if (!LEAVE_ANSWERS.contains(p.name())) {
                return null;
            } else if (p instanceof KubernetesPlugin k) {
                kubernetes = k;
            } else if (p instanceof PrometheusPlugin m) {
                prometheus = m;
            }
        }
        if (kubernetes == null) {
            return null;
        }
        return new FastBlock(kubernetes, prometheus, block.plugin("loadbalance") != null, block.plugin("any") != null, budget);
    }

    /**
     * {@code plugins} (one block's chain) with its {@code cache} replaced by one that leaves the
     * {@code kubernetes} plugin's own answers alone, when the block's other plugins qualify for the
     * fast path; {@code plugins} itself otherwise (the cache then holds every answer, as CoreDNS's).
     * Decided from the block alone, not from whether the fast path is switched on, so that the chain
     * answers the same with and without it.
     */
    static List<Plugin> cacheLeavingClusterAnswers(List<Plugin> plugins) {
        KubernetesPlugin kubernetes = null;
        int cache = -1;
        for (int i = 0; i < plugins.size(); i++) {
            Plugin p = plugins.get(i);
            if (p instanceof CachePlugin) {
                cache = i;
            } else if (!LEAVE_ANSWERS.contains(p.name())) {
                return plugins;
            } else if (p instanceof KubernetesPlugin k) {
                kubernetes = k;
            }
        }
        if (kubernetes == null || cache < 0) {
            return plugins;
        }
        List<Plugin> out = new ArrayList<>(plugins);
        out.set(cache, ((CachePlugin) plugins.get(cache)).leaving(kubernetes::answersItself));
        return out;
    }

    PrometheusPlugin prometheus() {
        return prometheus;
    }

    AnswerCache cache() {
        return cache;
    }

    /** How the fast path found an answer it served (its series count them). */
    enum Found {
        /** Encoded by an earlier query and still the chain's answer. */
        HELD,
        /** Encoded by this query: the first for its question (or the first since the answers started over). */
        MADE,
        /** Encoded again by this query: a snapshot changed a part of the index the held one was read from. */
        MADE_AGAIN
    }

    /**
     * True when the response the chain would send to {@code query} (received as {@code wire}) is
     * set in {@code query} (its template, what to patch, its rcode and how it was found: see
     * {@link FastQuery#answer}); false when the chain must answer it: not the cluster zone's, not
     * synced, not answered at once.
     */
    boolean answer(FastQuery query, byte[] wire) {
        if (!inZone(query.nameBytes(), query.nameLength()) || anyPlugin && query.qtype() == Type.ANY) {
            return false;
        }
        IndexChange now = resolver.change();
        AnswerCache.State s = now == null ? null : cache.at(now, resolver);
        if (s == null) {
            return false;
        }
        long index = s.index();
        // the query itself is the probe: no key is made for an answer already held
        EncodedAnswer answer = s.generation().answers.get(query.key(), query.keyLength(), query.hash());
        AnswerKey key = null;
        if (answer != null && cache.fresh(answer, s)) {
            cache.hits.increment();
            query.found = Found.HELD;
        } else {
            if (answer != null) {
                cache.stale.increment();
            }
            query.found = answer == null ? Found.MADE : Found.MADE_AGAIN;
            key = query.answerKey();
            answer = encode(key, false, Integer.MAX_VALUE, index);
            if (answer == null) {
                return false;
            }
            cache.encoded.increment();
            query.evicted = cache.put(s.generation(), answer);
        }
        if (answer.takesChain()) {
            return false;
        }
        if (query.mixedCase() && !caseFree(answer, key != null ? key : (key = query.answerKey()), index)) {
            return false;
        }
        byte[] template = answer.whole();
        int[] serials = answer.serials();
        if (template.length > query.limit()) {
            EncodedAnswer.Cut cut = cut(answer, key != null ? key : query.answerKey(), query.limit(), index);
            if (cut == null) {
                return false;
            }
            template = cut.bytes();
            serials = cut.serials();
        }
        query.answer(template, serials, now.serial(), answer.rcode(), wire);
        return true;
    }

    /**
     * The template copied to {@code out} at {@code start} made this client's: its ID, RD and CD, and
     * its question as typed; the index's SOA serial written at {@code serials}.
     */
    static void patch(ByteBuf out, int start, byte[] template, byte[] wire, int nameLength, int[] serials, long serial) {
        for (int at : serials) {
            out.setInt(start + at, (int) serial);
        }
        out.setByte(start, wire[0]);
        out.setByte(start + 1, wire[1]);
        out.setByte(start + 2, template[2] | (wire[2] & RD));
        out.setByte(start + 3, template[3] | (wire[3] & CD));
        out.setBytes(start + FastQuery.HEADER, wire, FastQuery.HEADER, nameLength);
    }

    private boolean inZone(byte[] name, int length) {
        for (byte[] zone : zones) {
            if (FastPath.endsWith(name, length, zone)) {
                return true;
            }
        }
        return false;
    }

    /** The response truncated for {@code limit}, made and kept on first use; null when it cannot be kept. */
    private EncodedAnswer.Cut cut(EncodedAnswer answer, AnswerKey key, int limit, long index) {
        EncodedAnswer.Cut cut = answer.cut(limit);
        if (cut != null) {
            return cut;
        }
        EncodedAnswer made = encode(key, false, limit, index);
        if (made == null || made.takesChain()) {
            return null;
        }
        return answer.keepCut(limit, made.whole()); // made at this index, from the same parts: the answer is fresh
    }

    /**
     * Whether a client's capitals show only in the question and where the answer points back at it:
     * the answer encoded for the name in capitals is compared with the lower-case one outside the
     * question (dnsjava compresses case-insensitively, so both have the same layout).
     */
    private boolean caseFree(EncodedAnswer answer, AnswerKey key, long index) {
        Boolean known = answer.caseFree();
        if (known != null) {
            return known;
        }
        EncodedAnswer upper = encode(key, true, Integer.MAX_VALUE, index);
        if (upper == null || upper.takesChain()) {
            return false;
        }
        // the answer may have been made at an earlier index: its serials aside, the same bytes
        byte[] a = answer.whole().clone();
        byte[] b = upper.whole().clone();
        SoaSerials.write(a, answer.serials(), 0);
        SoaSerials.write(b, upper.serials(), 0);
        int questionEnd = FastQuery.HEADER + key.name().length;
        boolean free = a.length == b.length
                && java.util.Arrays.equals(a, 0, FastQuery.HEADER, b, 0, FastQuery.HEADER)
                && java.util.Arrays.equals(a, questionEnd, a.length, b, questionEnd, b.length);
        answer.caseFree(free);
        return free;
    }

    /**
     * What the chain sends for {@code key} (ID 0, RD and CD clear) at {@code limit} bytes, made with
     * the chain's own code from the resolver, noting the parts of the index it read; a
     * {@link EncodedAnswer#chain} mark when the chain answers it otherwise; null when the resolver
     * moved past index {@code index} meanwhile. Runs once per question and change of what it
     * reads: dnsjava is fine here.
     */
    private EncodedAnswer encode(AnswerKey key, boolean upperCase, int limit, long index) {
        Name name = name(key.name(), upperCase);
        if (name == null) {
            return EncodedAnswer.chain(key, index, NO_PARTS);
        }
        Dependencies read = new Dependencies();
        Answer answer = resolver.resolve(name, key.qtype(), read);
        if (read.indexId() != index) {
            return null;
        }
        Dependency[] parts = read.read().toArray(Dependency[]::new);
        if (!kubernetes.answersAtOnce(name, key.qtype(), answer) || loadbalance && shuffles(answer)) {
            return EncodedAnswer.chain(key, index, parts);
        }
        Message query = new Message(0);
        query.addRecord(Record.newRecord(name, key.qtype(), DClass.IN), Section.QUESTION);
        ClientEdns edns = key.edns() == AnswerKey.NO_EDNS ? ClientEdns.ABSENT
                : new ClientEdns.Present(ClientEdns.MIN_UDP_PAYLOAD, 0, key.edns() == AnswerKey.EDNS_DO);
        byte[] bytes = Responses.encode(KubernetesResponses.of(query, answer), query, edns, limit);
        if (bytes.length > io.clusterdns.server.wire.Transport.TCP.defaultLimit()) {
            return EncodedAnswer.chain(key, index, parts); // even TCP gets it cut: rare enough to leave to the chain
        }
        return new EncodedAnswer(key, bytes, answer.rcode(), index, parts);
    }

    /** True when {@code loadbalance} would reorder the answer: two or more addresses (or MX) in a section. */
    static boolean shuffles(Answer answer) {
        if (!(answer instanceof Answer.Records records)) {
            return false;
        }
        return shuffles(records.answers()) || shuffles(records.additional());
    }

    private static boolean shuffles(List<Record> section) {
        int addresses = 0;
        int mx = 0;
        for (Record r : section) {
            int t = r.getType();
            if (t == Type.A || t == Type.AAAA) {
                addresses++;
            } else if (t == Type.MX) {
                mx++;
            }
        }
        return addresses >= 2 || mx >= 2;
    }

    private static Name name(byte[] wire, boolean upperCase) {
        byte[] bytes = wire;
        if (upperCase) {
            // label lengths are at most 63, below every letter: only letters change
            bytes = wire.clone();
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] >= 'a' && bytes[i] <= 'z') {
                    bytes[i] -= 'a' - 'A';
                }
            }
        }
        try {
            return new Name(new DNSInput(bytes));
        } catch (IOException e) {
            return null;
        }
    }
}
