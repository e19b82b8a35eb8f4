package io.clusterdns.server.plugin.cache;

import io.clusterdns.server.wire.RecordTtl;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.wire.Responses;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;

/**
 * One cached response (CoreDNS's {@code item}): its key (question name in any case, type, class,
 * the query's DO and CD bits), the header bits and records to answer with, and how long it lives.
 * Immutable but for two things the hit path updates: the hit frequency (prefetch) and whether a
 * refresh of it is running. The records are never changed; every hit copies them with the TTL
 * left ({@link #reply}), so one entry serves any number of clients at once.
 */
final class Entry {
    /** Key bit: the query had EDNS with DO. */
    static final int DO = 1;
    /** Key bit: the query had CD. */
    static final int CD = 2;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final AtomicIntegerFieldUpdater<Entry> REFRESHING =
            AtomicIntegerFieldUpdater.newUpdater(Entry.class, "refreshing");

    final int hash;
    /** Which cache holds it. */
    final CacheStore.Kind kind;
    final Name name;
    final int qtype;
    final int qclass;
    final int flags;
    final int rcode;
    private final boolean authenticData;
    private final boolean recursionAvailable;
    private final Record[] answer;
    private final Record[] authority;
    private final Record[] additional;
    /**
     * Per record of {@link #answer}, {@link #authority} and {@link #additional} in that order: how
     * many labels at the end of its owner (then, for SRV, of its target) are spelled exactly as the
     * cached question spells its last labels ({@link #echoed}); 0 for none.
     */
    private final int[] ownerEchoes;
    private final int[] targetEchoes;
    /** Seconds it lives from {@link #stored} (CoreDNS's {@code origTTL}); every record carries it. */
    final long ttl;
    /** When it was stored, on the cache's nanosecond clock. */
    final long stored;

    /** Hits in the current prefetch window and the time of the last one; guarded by {@code this}. */
    private int hits;
    private long lastHit;
    private volatile int refreshing;

    /** @param records answer, authority and additional, without OPT, each record already with {@code ttl} */
    Entry(CacheStore.Kind kind, Name name, int qtype, int qclass, int flags, Message response, Record[][] records, long ttl,
          long stored) {
        this.hash = hash(name, qtype, qclass, flags);
        this.kind = kind;
        this.name = name;
        this.qtype = qtype;
        this.qclass = qclass;
        this.flags = flags;
        Header h = response.getHeader();
        this.rcode = h.getRcode();
        this.authenticData = h.getFlag(Flags.AD);
        this.recursionAvailable = h.getFlag(Flags.RA);
        this.answer = records[0];
        this.authority = records[1];
        this.additional = records[2];
        int n = answer.length + authority.length + additional.length;
        this.ownerEchoes = new int[n];
        this.targetEchoes = new int[n];
        int i = 0;
        for (Record[] section : records) {
            for (Record r : section) {
                ownerEchoes[i] = echoed(r.getName(), name);
                targetEchoes[i] = r instanceof SRVRecord srv ? echoed(srv.getTarget(), name) : 0;
                i++;
            }
        }
        this.ttl = ttl;
        this.stored = stored;
    }

    /**
     * The hash of a key: dnsjava's case-insensitive hash of the name (cheap but weak, h*9+c),
     * mixed with the rest and spread by MurmurHash3's finalizer, whose top byte picks the shard
     * and low bits the slot. Collisions only cost a probe: lookups compare the whole key.
     */
    static int hash(Name name, int qtype, int qclass, int flags) {
        int h = name.hashCode();
        h = 31 * (31 * (31 * h + qtype) + qclass) + flags;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** The key bits of {@code request}: DO and CD. */
    static int flags(Request request) {
        return (request.dnssecOk() ? DO : 0) | (request.message().getHeader().getFlag(Flags.CD) ? CD : 0);
    }

    /** Same key: the name compared case-insensitively (dnsjava's {@link Name#equals}). */
    boolean matches(Name qname, int qtype, int qclass, int flags) {
        return this.qtype == qtype && this.qclass == qclass && this.flags == flags && name.equals(qname);
    }

    /** Seconds left at {@code now}: CoreDNS's {@code origTTL - int(elapsed.Seconds())}; 0 or less once expired. */
    long remaining(long now) {
        return ttl - (now - stored) / NANOS_PER_SECOND;
    }

    /**
     * A new response to {@code request} from this entry (CoreDNS's {@code toMsg}): its header
     * with AA always set (some stub resolvers drop non-authoritative answers), RA and the rcode
     * as stored, AD only when the client can use it (it sent DO or AD), and every record copied
     * with {@code ttl}. Names take the client's spelling where they echo the question that was
     * cached: an owner equal to it, and the end of an owner or SRV target spelled exactly as that
     * question spelled its own end, from an upper-case letter on ({@link #echoed}; the kubernetes
     * plugin's SRV targets and their addresses end in the zone as typed). So a hit looks like the answer the client would have got from the next
     * plugin, not like the first asker's: SRV targets are written without compression, so nothing
     * on the wire would hide that spelling (the other names point back at the question).
     */
    Message reply(Request request, long ttl) {
        Message m = Responses.start(request.message(), rcode);
        Header h = m.getHeader();
        h.setFlag(Flags.AA);
        if (authenticData && (request.dnssecOk() || request.message().getHeader().getFlag(Flags.AD))) {
            h.setFlag(Flags.AD);
        }
        if (recursionAvailable) {
            h.setFlag(Flags.RA);
        }
        Name qname = request.qname();
        add(m, Section.ANSWER, answer, 0, qname, ttl);
        add(m, Section.AUTHORITY, authority, answer.length, qname, ttl);
        add(m, Section.ADDITIONAL, additional, answer.length + authority.length, qname, ttl);
        return m;
    }

    private void add(Message m, int section, Record[] records, int first, Name qname, long ttl) {
        for (int i = 0; i < records.length; i++) {
            Record r = records[i];
            Name owner = r.getName().equals(name) ? qname : respelled(r.getName(), ownerEchoes[first + i], qname);
            int target = targetEchoes[first + i];
            if (target > 0) {
                SRVRecord srv = (SRVRecord) r;
                m.addRecord(new SRVRecord(owner, srv.getDClass(), ttl, srv.getPriority(), srv.getWeight(), srv.getPort(),
                        respelled(srv.getTarget(), target, qname)), section);
            } else {
                m.addRecord(RecordTtl.copy(r, owner, ttl), section);
            }
        }
    }

    /**
     * How many labels at the end of {@code n} (the root aside) echo the asker's spelling of the
     * last labels of {@code question}: spelled exactly alike, case included, and counted from the
     * first of them (the leftmost) with an upper-case letter. A lower-case run is no evidence of an
     * echo: an upstream's lower-case SRV target under a lower-case question
     * ({@code target.example.net} for {@code _sip._tcp.example.net}) would otherwise take the next
     * asker's spelling, and the kubernetes plugin's targets end in lower-case service and
     * namespace labels before the zone as typed. 0 when no such run.
     */
    static int echoed(Name n, Name question) {
        int a = n.labels() - 2;
        int b = question.labels() - 2;
        int same = 0;
        while (a >= 0 && b >= 0 && n.getLabelString(a).equals(question.getLabelString(b))) {
            same++;
            a--;
            b--;
        }
        while (same > 0 && !hasUpperCase(question.getLabelString(question.labels() - 1 - same))) {
            same--;
        }
        return same;
    }

    private static boolean hasUpperCase(String label) {
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return true;
            }
        }
        return false;
    }

    /** {@code n} with its last {@code echoed} labels (the root aside) spelled as {@code qname} spells its own. */
    static Name respelled(Name n, int echoed, Name qname) {
        if (echoed == 0) {
            return n;
        }
        Name end = new Name(qname, qname.labels() - 1 - echoed);
        if (echoed == n.labels() - 1) {
            return end;
        }
        try {
            return Name.concatenate(n.relativize(new Name(n, n.labels() - 1 - echoed)), end);
        } catch (NameTooLongException e) {
            throw new IllegalStateException("the same labels make a name of the same length: " + n, e);
        }
    }

    /**
     * Counts a hit for prefetch (CoreDNS's {@code freq.Update}): a hit more than {@code window}
     * after the previous one starts the count again at 1. Returns the count.
     */
    synchronized int hit(long now, long window) {
        if (hits == 0 || now - lastHit > window) {
            hits = 1;
        } else {
            hits++;
        }
        lastHit = now;
        return hits;
    }

    /** Takes over the hit count of the entry this one refreshed, so a popular name stays prefetched. */
    synchronized void inheritHits(long now, int count) {
        lastHit = now;
        hits = count;
    }

    synchronized int hits() {
        return hits;
    }

    /** True for the one caller that may refresh this entry now; it calls {@link #endRefresh} when done. */
    boolean beginRefresh() {
        return REFRESHING.compareAndSet(this, 0, 1);
    }

    void endRefresh() {
        refreshing = 0;
    }
}
