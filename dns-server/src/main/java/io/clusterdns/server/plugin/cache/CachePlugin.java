package io.clusterdns.server.plugin.cache;

import io.clusterdns.server.chain.Zones;
import io.clusterdns.server.wire.RecordTtl;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.wire.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code cache} plugin's chain link (CoreDNS's {@code handler.go}). For a name in its zones:
 * a live entry (denial cache first) is answered at once as a new response per client
 * ({@link Entry#reply}); otherwise the request goes on with a {@link StoringWriter} that keeps the
 * response on its way back. An entry about to expire and often asked for is refreshed after
 * answering ({@code prefetch}); an expired one may still answer ({@code serve_stale}).
 *
 * <p>Hits take no lock across the chain and touch no shared memory but the metrics' adders (and
 * the entry's hit count when prefetch is on). Refreshes run the rest of the chain on the same
 * thread right after the answer went out, with a {@link RefreshWriter} that sends nothing; the
 * next plugins complete them whenever they can (a forwarded query later, on another thread).
 * One refresh per entry at a time.
 *
 * <p>The entries live in a {@link CacheStore} this link only uses, so a reload can hand them on.
 */
public final class CachePlugin implements Plugin {
    private static final Logger LOG = LoggerFactory.getLogger("plugin/cache");
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final CacheConfig config;
    private final CacheStore store;
    private final CacheMetrics metrics;
    private final LongSupplier clock;
    private final Name[] zones;
    private final Name[] disabledSuccess;
    private final Name[] disabledDenial;
    private final long staleSeconds;
    private final long prefetchWindow;
    /** Questions passed on untouched and uncounted (the cluster zone's own answers); null: none. */
    private final ClusterAnswers leftAlone;

    /**
     * @param store where the entries are (a new one, or the one of the link this one replaces)
     * @param clock nanoseconds as {@link System#nanoTime()}: entry ages, prefetch windows
     */
    public CachePlugin(CacheConfig config, CacheStore store, MeterRegistry registry, LongSupplier clock) {
        this(config, store, new CacheMetrics(registry, config.zonesLabel(), store), clock, null);
    }

    private CachePlugin(CacheConfig config, CacheStore store, CacheMetrics metrics, LongSupplier clock, ClusterAnswers leftAlone) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
        this.clock = clock;
        this.leftAlone = leftAlone;
        this.zones = config.zones().toArray(Name[]::new);
        this.disabledSuccess = config.disableSuccess().toArray(Name[]::new);
        this.disabledDenial = config.disableDenial().toArray(Name[]::new);
        this.staleSeconds = config.serveStale().upTo().toSeconds();
        this.prefetchWindow = config.prefetch().window().toNanos();
    }

    /**
     * Questions the block's {@code kubernetes} plugin answers itself from its index, which the
     * cache passes on as if they were outside its zones: in a block the fast path serves, those
     * answers are the fast path's, encoded once per snapshot, and the chain must give the same
     * bytes (the plugin's TTL, nothing counted in the cache's series).
     */
    @FunctionalInterface
    public interface ClusterAnswers {
        boolean answersItself(Name qname, int qtype);
    }

    /** This link (same entries, same series) leaving {@code answers} to the plugins after it. */
    public CachePlugin leaving(ClusterAnswers answers) {
        return new CachePlugin(config, store, metrics, clock, answers);
    }

    /** True when this link leaves the cluster zone's own answers alone ({@link #leaving}). */
    public boolean leavesClusterAnswers() {
        return leftAlone != null;
    }

    @Override
    public String name() {
        return CacheConfig.NAME;
    }

    public CacheConfig config() {
        return config;
    }

    public CacheStore store() {
        return store;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        Name qname = request.qname();
        if (!Zones.holds(zones, qname) || leftAlone != null && leftAlone.answersItself(qname, request.qtype())) {
            next.serve(request, writer);
            return;
        }
        CacheMetrics.Server meters = metrics.server(request.listener().label());
        long now = clock.getAsLong();
        Entry e = lookup(request, now, meters);
        if (e == null) {
            next.serve(request, new StoringWriter(writer, this, request, meters));
            return;
        }
        long ttl = e.remaining(now);
        if (ttl <= 0) {
            serveStale(request, writer, next, e, meters);
            return;
        }
        boolean prefetch = shouldPrefetch(e, now, ttl);
        writer.write(e.reply(request, config.keepTtl() ? e.ttl : ttl));
        if (prefetch) {
            refresh(request, next, e, meters, false);
        }
    }

    /**
     * CoreDNS's {@code getIgnoreTTL}: the denial entry, else the success entry, that is live or
     * stale but still servable; counts the request and the hit or miss. A cached SERVFAIL does
     * not hide a servable positive answer (CoreDNS 1.13+).
     */
    private Entry lookup(Request request, long now, CacheMetrics.Server meters) {
        Name qname = request.qname();
        int qtype = request.qtype();
        int qclass = request.qclass();
        int flags = Entry.flags(request);
        int hash = Entry.hash(qname, qtype, qclass, flags);
        meters.requests.increment();
        Entry denial = store.denial().get(hash, qname, qtype, qclass, flags);
        Entry success = null;
        if (servable(denial, now)) {
            if (denial.rcode != Rcode.SERVFAIL) {
                meters.hits(CacheStore.Kind.DENIAL).increment();
                return denial;
            }
            success = store.success().get(hash, qname, qtype, qclass, flags);
            if (!servable(success, now)) {
                meters.hits(CacheStore.Kind.DENIAL).increment();
                return denial;
            }
        } else {
            success = store.success().get(hash, qname, qtype, qclass, flags);
        }
        if (servable(success, now)) {
            meters.hits(CacheStore.Kind.SUCCESS).increment();
            return success;
        }
        meters.misses.increment();
        return null;
    }

    private boolean servable(Entry e, long now) {
        if (e == null) {
            return false;
        }
        long ttl = e.remaining(now);
        return ttl > 0 || -ttl < staleSeconds;
    }

    /**
     * An expired entry that may still answer. {@code immediate}: answer it with TTL 0 and refresh
     * it. {@code verify}: ask the next plugins first; a {@link VerifyStaleWriter} answers with
     * what they say when it is an answer, and with the stale entry when it is not.
     */
    private void serveStale(Request request, ResponseWriter writer, Chain next, Entry e, CacheMetrics.Server meters) {
        if (config.serveStale().verify()) {
            next.serve(request, new VerifyStaleWriter(writer, this, request, meters, e));
            return;
        }
        meters.servedStale.increment();
        writer.write(staleReply(request, e));
        refresh(request, next, e, meters, true);
    }

    /** TTL 0; with {@code keepttl} the stored TTL, as CoreDNS (its fake "now" is the store time). */
    Message staleReply(Request request, Entry e) {
        return e.reply(request, config.keepTtl() ? e.ttl : 0);
    }

    /**
     * CoreDNS's {@code shouldPrefetch}: the entry has been asked for {@code AMOUNT} times, none
     * more than the window after the previous, and at most {@code PCT}% of its TTL is left
     * (computed in floating point as CoreDNS does: {@code ceil(pct / 100 * ttl)}).
     */
    private boolean shouldPrefetch(Entry e, long now, long ttl) {
        CacheConfig.Prefetch p = config.prefetch();
        if (!p.enabled()) {
            return false;
        }
        int hits = e.hit(now, prefetchWindow);
        long threshold = (long) Math.ceil((double) p.percentage() / 100 * e.ttl);
        return hits >= p.amount() && ttl <= threshold;
    }

    /**
     * Runs the rest of the chain for {@code request} again to replace {@code e}, sending nothing
     * to any client, unless a refresh of {@code e} is already running. The request is re-labelled
     * TCP, so that no next plugin (forward) truncates what is to be stored for every client.
     */
    private void refresh(Request request, Chain next, Entry e, CacheMetrics.Server meters, boolean stale) {
        if (!e.beginRefresh()) {
            return;
        }
        meters.prefetches.increment();
        Request background = new Request(request.message(), request.edns(), Transport.TCP.defaultLimit(), Transport.TCP,
                request.client(), request.listener(), request.block(), request.zone(), request.size(), request.received(), request.lookup());
        try {
            next.serve(background, new RefreshWriter(this, background, meters, e, stale));
        } catch (RuntimeException ex) {
            e.endRefresh();
            LOG.error("plugin/cache: refreshing {} {} failed: {}", request.qname(), Type.string(request.qtype()), ex.toString(), ex);
        }
    }

    /**
     * Takes a response of the next plugins on its way to the client (CoreDNS's cache
     * {@code WriteMsg}): every record gets the TTL the cache gives it (capped and floored: a 2 s
     * TTL goes out as 5, a day as an hour), AD is cleared for clients that did not ask for it,
     * and the response is stored when it may be. {@code previous} is the entry a refresh
     * replaces, null otherwise. Responses that do not match the question are counted as drops.
     * A failure here (a bug) is logged and costs the entry, never the client its answer.
     */
    void cacheResponse(Request request, Message response, CacheMetrics.Server meters, Entry previous) {
        try {
            rewriteAndStore(request, response, meters, previous);
        } catch (RuntimeException e) {
            LOG.error("plugin/cache: caching the response to {} {} failed: {}", request.qname(), Type.string(request.qtype()), e.toString(), e);
        }
    }

    private void rewriteAndStore(Request request, Message response, CacheMetrics.Server meters, Entry previous) {
        ResponseType type = ResponseType.of(response, request.dnssecOk(), Instant.now());
        long ttl;
        boolean keep;
        if (type == ResponseType.SERVER_ERROR) {
            ttl = config.servfail().toSeconds();
            keep = !config.servfail().isZero();
        } else {
            CacheConfig.Kind kind = type == ResponseType.NAME_ERROR || type == ResponseType.NO_DATA ? config.denial() : config.success();
            ttl = Math.min(Math.max(minimalTtl(response, type, kind.maxTtl()), kind.minTtl()), kind.maxTtl());
            keep = ttl > 0;
        }
        Record[][] records = withTtl(response, ttl);
        if (type.cacheable(response) && keep) {
            if (answers(request, response)) {
                put(type.kind, request, response, records, ttl, meters, previous);
            } else {
                meters.drops.increment();
            }
        }
        if (!request.dnssecOk() && !request.message().getHeader().getFlag(Flags.AD)) {
            // RFC 6840 section 5.7-5.8: AD only for clients that asked for DNSSEC or set AD themselves
            response.getHeader().unsetFlag(Flags.AD);
        }
    }

    private void put(CacheStore.Kind kind, Request request, Message response, Record[][] records, long ttl, CacheMetrics.Server meters,
                     Entry previous) {
        Name qname = request.qname();
        if (disabled(kind, qname)) {
            return;
        }
        long now = clock.getAsLong();
        Entry e = new Entry(kind, qname, request.qtype(), request.qclass(), Entry.flags(request), response, records, ttl, now);
        if (previous != null) {
            // a refresh keeps the popularity the old entry had earned (CoreDNS's Freq.Reset)
            e.inheritHits(now, previous.hits());
        }
        if (store.of(kind).put(e)) {
            meters.evictions(kind).increment();
        }
        if (previous != null && kind == CacheStore.Kind.SUCCESS) {
            store.denial().remove(e.hash, e.name, e.qtype, e.qclass, e.flags);
        }
        meters.stored();
    }

    /**
     * The records of {@code response} with {@code ttl}, OPT left out, for the entry; the same
     * records replace those of {@code response} (whose OPT stays: it may carry the extended rcode).
     */
    private static Record[][] withTtl(Message response, long ttl) {
        Record[][] out = new Record[3][];
        int[] sections = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};
        for (int i = 0; i < 3; i++) {
            List<Record> in = response.getSection(sections[i]);
            List<Record> kept = new ArrayList<>(in.size());
            OPTRecord opt = null;
            for (Record r : in) {
                if (r.getType() == Type.OPT) {
                    opt = (OPTRecord) r;
                } else {
                    kept.add(r.getTTL() == ttl ? r : RecordTtl.copy(r, ttl));
                }
            }
            response.removeAllRecords(sections[i]);
            for (Record r : kept) {
                response.addRecord(r, sections[i]);
            }
            if (opt != null) {
                response.addRecord(opt, sections[i]);
            }
            out[i] = kept.toArray(Record[]::new);
        }
        return out;
    }

    /**
     * The lowest TTL of the records (OPT aside), at most {@code maximum}; 5 s for responses
     * without records and for types other than answers and denials (CoreDNS's
     * {@code MinimalTTLWithMaximum}).
     */
    static long minimalTtl(Message m, ResponseType type, long maximum) {
        if (type != ResponseType.NO_ERROR && type != ResponseType.NAME_ERROR && type != ResponseType.NO_DATA) {
            return CacheConfig.DEFAULT_MIN_TTL;
        }
        long min = maximum;
        boolean any = false;
        for (int section = Section.ANSWER; section <= Section.ADDITIONAL; section++) {
            for (Record r : m.getSection(section)) {
                if (r.getType() != Type.OPT) {
                    any = true;
                    min = Math.min(min, r.getTTL());
                }
            }
        }
        return any ? min : CacheConfig.DEFAULT_MIN_TTL;
    }

    /** CoreDNS's {@code state.Match}: a response with one question, the request's (case aside). */
    static boolean answers(Request request, Message response) {
        Record q = response.getQuestion();
        return response.getHeader().getCount(Section.QUESTION) == 1 && response.getHeader().getFlag(Flags.QR) && q != null
                && q.getType() == request.qtype() && q.getDClass() == request.qclass() && q.getName().equals(request.qname());
    }

    /** Whether a positive ({@code success}) or negative answer for {@code qname} may not be stored. */
    boolean disabled(CacheStore.Kind kind, Name qname) {
        return Zones.holds(kind == CacheStore.Kind.SUCCESS ? disabledSuccess : disabledDenial, qname);
    }
}
