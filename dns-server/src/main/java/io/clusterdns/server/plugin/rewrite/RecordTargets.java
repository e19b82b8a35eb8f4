package io.clusterdns.server.plugin.rewrite;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NAPTRRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;

/**
 * The domain name in a record's data that {@code answer value} rewrites, for the types CoreDNS
 * lists: CNAME, DNAME, NS and PTR targets, the MX exchange, the SRV target, the NAPTR replacement
 * and the SOA's primary server.
 */
final class RecordTargets {
    private RecordTargets() {
    }

    /** The name in {@code r}'s data; null for other types. */
    static Name of(Record r) {
        if (r instanceof CNAMERecord c) {
            return c.getTarget();
        }
        if (r instanceof DNAMERecord d) {
            return d.getTarget();
        }
        if (r instanceof NSRecord n) {
            return n.getTarget();
        }
        if (r instanceof PTRRecord p) {
            return p.getTarget();
        }
        if (r instanceof MXRecord m) {
            return m.getTarget();
        }
        if (r instanceof SRVRecord s) {
            return s.getTarget();
        }
        if (r instanceof NAPTRRecord n) {
            return n.getReplacement();
        }
        if (r instanceof SOARecord s) {
            return s.getHost();
        }
        return null;
    }

    /** A copy of {@code r} (one of the types {@link #of} knows) with {@code target} as the name in its data. */
    static Record with(Record r, Name target) {
        Name owner = r.getName();
        int dclass = r.getDClass();
        long ttl = r.getTTL();
        if (r instanceof CNAMERecord) {
            return new CNAMERecord(owner, dclass, ttl, target);
        }
        if (r instanceof DNAMERecord) {
            return new DNAMERecord(owner, dclass, ttl, target);
        }
        if (r instanceof NSRecord) {
            return new NSRecord(owner, dclass, ttl, target);
        }
        if (r instanceof PTRRecord) {
            return new PTRRecord(owner, dclass, ttl, target);
        }
        if (r instanceof MXRecord m) {
            return new MXRecord(owner, dclass, ttl, m.getPriority(), target);
        }
        if (r instanceof SRVRecord s) {
            return new SRVRecord(owner, dclass, ttl, s.getPriority(), s.getWeight(), s.getPort(), target);
        }
        if (r instanceof NAPTRRecord n) {
            return new NAPTRRecord(owner, dclass, ttl, n.getOrder(), n.getPreference(), n.getFlags(), n.getService(), n.getRegexp(),
                    target);
        }
        if (r instanceof SOARecord s) {
            return new SOARecord(owner, dclass, ttl, target, s.getAdmin(), s.getSerial(), s.getRefresh(), s.getRetry(), s.getExpire(),
                    s.getMinimum());
        }
        throw new IllegalArgumentException("no name in the data of " + r);
    }
}
