package io.clusterdns.server.plugin.cache;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What kind of response a message is, as CoreDNS's {@code response.Typify} says, which decides
 * whether and where the cache keeps it and for how long (and whether {@code minimal} may trim it).
 */
public enum ResponseType {
    /** NOERROR with answers, or any other NOERROR that is none of the below. */
    NO_ERROR(CacheStore.Kind.SUCCESS),
    /** NXDOMAIN with an SOA in authority. */
    NAME_ERROR(CacheStore.Kind.DENIAL),
    /** SERVFAIL or NOTIMP: kept in the denial cache for {@code servfail}. */
    SERVER_ERROR(CacheStore.Kind.DENIAL),
    /** NOERROR, no answer (or one that does not reach the question), SOA in authority. */
    NO_DATA(CacheStore.Kind.DENIAL),
    /** NOERROR, no answer, NS and no SOA in authority. */
    DELEGATION(CacheStore.Kind.SUCCESS),
    /** NOTIFY, AXFR, IXFR: never cached. */
    META(null),
    /** Dynamic update: never cached. */
    UPDATE(null),
    /** Everything else (REFUSED, FORMERR, NXDOMAIN without SOA, expired signatures): never cached. */
    OTHER_ERROR(null);

    /** Where it is cached; null when never. */
    final CacheStore.Kind kind;

    ResponseType(CacheStore.Kind kind) {
        this.kind = kind;
    }

    /**
     * CoreDNS 1.12's {@code Typify}, plus what later versions fixed: a NOERROR whose CNAME chain
     * never reaches the asked type is NODATA when it has an SOA to time it.
     *
     * @param dnssecOk the query asked for DNSSEC: then a signature outside its validity makes it {@link #OTHER_ERROR}
     */
    public static ResponseType of(Message m, boolean dnssecOk, Instant now) {
        int opcode = m.getHeader().getOpcode();
        if (opcode == Opcode.UPDATE) {
            return UPDATE;
        }
        if (opcode == Opcode.NOTIFY) {
            return META;
        }
        Record q = m.getQuestion();
        if (q != null && (q.getType() == Type.AXFR || q.getType() == Type.IXFR)) {
            return META;
        }
        boolean signed = dnssecOk || (m.getOPT() != null && (m.getOPT().getFlags() & org.xbill.DNS.ExtendedFlags.DO) != 0);
        if (signed && expiredSignature(m, now)) {
            return OTHER_ERROR;
        }
        int rcode = m.getRcode();
        boolean soa = hasSoa(m);
        if (!m.getSection(Section.ANSWER).isEmpty() && rcode == Rcode.NOERROR) {
            return soa && !answersQuestion(m) ? NO_DATA : NO_ERROR;
        }
        int ns = 0;
        for (Record r : m.getSection(Section.AUTHORITY)) {
            if (r.getType() == Type.NS) {
                ns++;
            }
        }
        if (soa && rcode == Rcode.NOERROR) {
            return NO_DATA;
        }
        if (soa && rcode == Rcode.NXDOMAIN) {
            return NAME_ERROR;
        }
        if (rcode == Rcode.SERVFAIL || rcode == Rcode.NOTIMP) {
            return SERVER_ERROR;
        }
        if (ns > 0 && rcode == Rcode.NOERROR) {
            return DELEGATION;
        }
        return rcode == Rcode.NOERROR ? NO_ERROR : OTHER_ERROR;
    }

    /**
     * Whether the cache may store {@code m} of this type (CoreDNS's {@code key}): not truncated
     * (the next client may take more), not an error it does not cache, and not a NOERROR without
     * SOA whose answer does not answer (a forwarder's incomplete CNAME chain: RFC 2308 section 5
     * says not to cache a NODATA that cannot be timed).
     */
    boolean cacheable(Message m) {
        if (kind == null || m.getHeader().getFlag(Flags.TC)) {
            return false;
        }
        return this != NO_ERROR || hasSoa(m) || m.getSection(Section.ANSWER).isEmpty() || answersQuestion(m);
    }

    static boolean hasSoa(Message m) {
        for (Record r : m.getSection(Section.AUTHORITY)) {
            if (r.getType() == Type.SOA) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a NOERROR answer section answers its question: for types other than CNAME and
     * ANY, a record of the type at the end of the CNAME chain from the question name (RFC 1034
     * section 3.6.2). A chain that forks or loops answers nothing.
     */
    static boolean answersQuestion(Message m) {
        Record q = m.getQuestion();
        List<Record> answer = m.getSection(Section.ANSWER);
        if (q == null || answer.isEmpty()) {
            return false;
        }
        int qclass = q.getDClass();
        if (q.getType() == Type.ANY) {
            for (Record r : answer) {
                if (classMatches(r, qclass) && r.getName().equals(q.getName())) {
                    return true;
                }
            }
            return false;
        }
        if (q.getType() == Type.CNAME) {
            Name target = cnameTarget(answer, q.getName(), qclass);
            return target != null && target != FORK;
        }
        Name end = chainEnd(answer, q.getName(), qclass);
        if (end == null) {
            return false;
        }
        for (Record r : answer) {
            if (r.getType() == q.getType() && classMatches(r, qclass) && r.getName().equals(end)) {
                return true;
            }
        }
        return false;
    }

    /** Marks an owner with two different CNAME targets (RFC 2181 section 10.1 allows one). */
    private static final Name FORK = Name.fromConstantString("fork.invalid.");

    /** The last name of the CNAME chain from {@code name}; null when it forks or loops. */
    private static Name chainEnd(List<Record> answer, Name name, int qclass) {
        List<Name> seen = new ArrayList<>();
        while (true) {
            if (seen.contains(name)) {
                return null;
            }
            seen.add(name);
            Name target = cnameTarget(answer, name, qclass);
            if (target == FORK) {
                return null;
            }
            if (target == null) {
                return name;
            }
            name = target;
        }
    }

    /** The target of {@code owner}'s CNAME; null when it has none, {@link #FORK} when it has two. */
    private static Name cnameTarget(List<Record> answer, Name owner, int qclass) {
        Name target = null;
        for (Record r : answer) {
            if (r instanceof CNAMERecord c && classMatches(r, qclass) && r.getName().equals(owner)) {
                if (target != null && !target.equals(c.getTarget())) {
                    return FORK;
                }
                target = c.getTarget();
            }
        }
        return target;
    }

    private static boolean classMatches(Record r, int qclass) {
        return qclass == DClass.ANY || r.getDClass() == qclass;
    }

    private static boolean expiredSignature(Message m, Instant now) {
        for (int section = Section.ANSWER; section <= Section.ADDITIONAL; section++) {
            for (Record r : m.getSection(section)) {
                if (r instanceof RRSIGRecord sig && (now.isBefore(sig.getTimeSigned()) || now.isAfter(sig.getExpire()))) {
                    return true;
                }
            }
        }
        return false;
    }
}
