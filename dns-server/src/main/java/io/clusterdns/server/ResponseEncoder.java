package io.clusterdns.server;

import io.clusterdns.resolver.Answer;
import java.util.List;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Builds response bytes for a parsed query. {@link #answer} is the one place where the
 * resolver's {@link Answer} becomes an rcode, the AA bit and the record sections.
 */
final class ResponseEncoder {
    /**
     * The UDP payload size we advertise: the DNS Flag Day 2020 value, small enough to avoid IP
     * fragmentation on any path with an MTU of 1280 or more.
     */
    static final int ADVERTISED_UDP_PAYLOAD = 1232;

    private ResponseEncoder() {
    }

    /** The response to an in-class question the resolver has answered, truncated (TC=1) to {@code limit} bytes. */
    static byte[] answer(Message query, ClientEdns edns, Answer answer, int limit) {
        Message response = start(query, edns, answer.rcode());
        if (answer instanceof Answer.Records records) {
            response.getHeader().setFlag(Flags.AA);
            addAll(response, records.answers(), Section.ANSWER);
            addAll(response, records.additional(), Section.ADDITIONAL);
        } else if (answer instanceof Answer.NoData noData) {
            response.getHeader().setFlag(Flags.AA);
            response.addRecord(noData.soa(), Section.AUTHORITY);
        } else if (answer instanceof Answer.NxDomain nxDomain) {
            response.getHeader().setFlag(Flags.AA);
            response.addRecord(nxDomain.soa(), Section.AUTHORITY);
        }
        // NotAuthoritative (REFUSED until a forwarder exists) and NotSynced (SERVFAIL) carry no
        // records and are not authoritative: we do not know the answer.
        return response.toWire(limit);
    }

    /**
     * An error response that echoes the question: {@code rcode} may be an extended rcode such as
     * BADVERS (16), whose upper bits travel in the OPT record.
     */
    static byte[] error(Message query, ClientEdns edns, int rcode, int limit) {
        return start(query, edns, rcode).toWire(limit);
    }

    private static Message start(Message query, ClientEdns edns, int rcode) {
        Header q = query.getHeader();
        Message response = new Message(q.getID());
        Header h = response.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode(q.getOpcode());
        // RD is echoed so stub resolvers accept the answer; CD per RFC 6840 section 5.9. RA stays
        // clear: this server does not recurse (yet).
        if (q.getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        if (q.getFlag(Flags.CD)) {
            h.setFlag(Flags.CD);
        }
        h.setRcode(rcode & 0xF);
        response.addRecord(query.getQuestion(), Section.QUESTION);
        if (edns instanceof ClientEdns.Present p) {
            // RFC 6891: answer EDNS only to EDNS, with version 0, and echo DO (RFC 3225).
            int flags = p.dnssecOk() ? ExtendedFlags.DO : 0;
            response.addRecord(new OPTRecord(ADVERTISED_UDP_PAYLOAD, rcode >>> 4, 0, flags), Section.ADDITIONAL);
        }
        return response;
    }

    private static void addAll(Message response, List<Record> records, int section) {
        for (Record r : records) {
            response.addRecord(r, section);
        }
    }
}
