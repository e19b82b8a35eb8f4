package io.clusterdns.server.wire;

import org.xbill.DNS.Compression;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Name;
import org.xbill.DNS.SRVRecord;

/**
 * An SRV record written as CoreDNS writes it (miekg/dns): its target uncompressed, as RFC 2782
 * asks, but entered in the message's compression table, so that the additional A and AAAA records
 * of that target that follow are a two-byte pointer to it. dnsjava leaves the target out of the
 * table, and each such owner cost its first label more (8 bytes for {@code mongo-0}): a 5-replica headless service's SRV answer was
 * 506 bytes and truncated for a client without EDNS where CoreDNS's 490 fit in 512.
 */
final class ReferableSrvRecord extends SRVRecord {
    /** The largest message offset a compression pointer can hold. */
    private static final int MAX_POINTER = 0x3FFF;

    ReferableSrvRecord(SRVRecord srv) {
        super(srv.getName(), srv.getDClass(), srv.getTTL(), srv.getPriority(), srv.getWeight(), srv.getPort(), srv.getTarget());
    }

    @Override
    protected void rrToWire(DNSOutput out, Compression c, boolean canonical) {
        if (c == null || canonical) {
            super.rrToWire(out, c, canonical);
            return;
        }
        out.writeU16(getPriority());
        out.writeU16(getWeight());
        out.writeU16(getPort());
        Name target = getTarget();
        int labels = target.labels();
        for (int i = 0; i < labels - 1; i++) {
            // each suffix not in the table yet, at the offset where it starts (as Name.toWire enters them)
            Name suffix = i == 0 ? target : new Name(target, i);
            if (out.current() <= MAX_POINTER && c.get(suffix) < 0) {
                c.add(out.current(), suffix);
            }
            out.writeByteArray(target.getLabel(i));
        }
        out.writeU8(0);
    }
}
