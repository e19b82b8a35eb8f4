package io.clusterdns.server.wire;

import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** What a query said about EDNS(0) (RFC 6891): nothing, one usable OPT record, or a misuse that is a FORMERR. */
public sealed interface ClientEdns {

    /** Clients that advertise less than the classic 512 bytes still get 512 (RFC 6891 section 6.2.3). */
    int MIN_UDP_PAYLOAD = 512;

    /** The query had no OPT record: no OPT in the response, 512-byte UDP limit. */
    record Absent() implements ClientEdns {
    }

    /** One OPT record. {@code version} above 0 is answered with BADVERS. */
    record Present(int udpPayloadSize, int version, boolean dnssecOk) implements ClientEdns {
    }

    /** More than one OPT, an OPT outside the additional section, or one not owned by the root: FORMERR. */
    record Malformed(String reason) implements ClientEdns {
    }

    ClientEdns ABSENT = new Absent();

    /** Finds the query's OPT record(s); one pass over the (normally tiny) non-question sections. */
    public static ClientEdns of(Message query) {
        OPTRecord opt = null;
        for (int section = Section.ANSWER; section <= Section.ADDITIONAL; section++) {
            for (Record r : query.getSection(section)) {
                if (r.getType() != Type.OPT) {
                    continue;
                }
                if (section != Section.ADDITIONAL) {
                    return new Malformed("OPT record outside the additional section");
                }
                if (opt != null) {
                    return new Malformed("more than one OPT record");
                }
                if (!r.getName().equals(Name.root)) {
                    return new Malformed("OPT record not owned by the root name");
                }
                opt = (OPTRecord) r;
            }
        }
        if (opt == null) {
            return ABSENT;
        }
        return new Present(opt.getPayloadSize(), opt.getVersion(), (opt.getFlags() & ExtendedFlags.DO) != 0);
    }

    /** True when the query had EDNS with the DO bit (RFC 3225). */
    default boolean dnssecOk() {
        return this instanceof Present p && p.dnssecOk();
    }

    /** The largest response the client accepts over {@code transport}. */
    default int responseLimit(Transport transport) {
        if (transport == Transport.UDP && this instanceof Present p) {
            return Math.max(MIN_UDP_PAYLOAD, p.udpPayloadSize());
        }
        return transport.defaultLimit();
    }
}
