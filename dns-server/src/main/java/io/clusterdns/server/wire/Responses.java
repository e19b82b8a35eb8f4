package io.clusterdns.server.wire;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;

/**
 * Response messages: the skeleton every plugin starts from, and the one encoder every response
 * passes on its way to the client, which makes it this client's answer whatever plugin produced
 * it (the query's ID, its question exactly as typed, EDNS only to EDNS clients, truncated with TC
 * to the client's size).
 */
public final class Responses {
    /**
     * The UDP payload size we advertise: the DNS Flag Day 2020 value, small enough to avoid IP
     * fragmentation on any path with an MTU of 1280 or more.
     */
    public static final int ADVERTISED_UDP_PAYLOAD = 1232;

    /** The sections that hold records, in message order (the question is apart). */
    private static final int[] RECORD_SECTIONS = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};

    private Responses() {
    }

    /**
     * A response to {@code query} without records: its ID, opcode and question, QR, RD and CD
     * echoed (RD so stub resolvers accept it; CD per RFC 6840 section 5.9), and {@code rcode}.
     */
    public static Message start(Message query, int rcode) {
        Header q = query.getHeader();
        Message response = new Message(q.getID());
        Header h = response.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode(q.getOpcode());
        if (q.getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        if (q.getFlag(Flags.CD)) {
            h.setFlag(Flags.CD);
        }
        h.setRcode(rcode & 0xF);
        response.addRecord(query.getQuestion(), Section.QUESTION);
        return response;
    }

    /**
     * An error response that echoes the question; {@code rcode} may be an extended rcode such as
     * BADVERS (16), whose upper bits travel in the OPT record {@link #encode} adds.
     */
    public static Message error(Message query, ClientEdns edns, int rcode) {
        Message response = start(query, rcode);
        if (rcode > 0xF) {
            response.addRecord(new OPTRecord(ADVERTISED_UDP_PAYLOAD, rcode >>> 4, 0, 0), Section.ADDITIONAL);
        }
        return response;
    }

    /**
     * The bytes sent to the client for {@code response} (which this call takes over and changes):
     * the query's ID and question, an OPT record (version 0, our payload size, DO echoed, the
     * response's extended rcode, the Extended DNS Errors of RFC 8914 the response's own OPT carried,
     * such as acl's Blocked or template's {@code ederror}) exactly when the query had one (RFC 6891), at most
     * {@code limit} bytes with TC set when records had to go.
     */
    public static byte[] encode(Message response, Message query, ClientEdns edns, int limit) {
        int rcode = response.getRcode();
        Header h = response.getHeader();
        h.setID(query.getHeader().getID());
        h.setRcode(rcode & 0xF);
        response.removeAllRecords(Section.QUESTION);
        response.addRecord(query.getQuestion(), Section.QUESTION);
        OPTRecord opt = response.getOPT();
        List<EDNSOption> errors = List.of();
        if (opt != null) {
            errors = opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR);
            response.removeRecord(opt, Section.ADDITIONAL);
        }
        if (edns instanceof ClientEdns.Present p) {
            int flags = p.dnssecOk() ? ExtendedFlags.DO : 0;
            response.addRecord(new OPTRecord(ADVERTISED_UDP_PAYLOAD, rcode >>> 4, 0, flags, errors), Section.ADDITIONAL);
        }
        referableSrvTargets(response);
        byte[] whole = response.toWire();
        return whole.length <= limit ? whole : truncate(response, limit);
    }

    /** Each SRV record of {@code response} as a {@link ReferableSrvRecord}, in its place. */
    private static void referableSrvTargets(Message response) {
        for (int section : RECORD_SECTIONS) {
            List<Record> records = response.getSection(section);
            boolean any = false;
            for (Record r : records) {
                if (r instanceof SRVRecord && !(r instanceof ReferableSrvRecord)) {
                    any = true;
                    break;
                }
            }
            if (any) {
                List<Record> in = new ArrayList<>(records);
                response.removeAllRecords(section);
                for (Record r : in) {
                    response.addRecord(r instanceof SRVRecord srv && !(r instanceof ReferableSrvRecord) ? new ReferableSrvRecord(srv) : r,
                            section);
                }
            }
        }
    }

    /**
     * {@code response} cut to {@code limit} bytes as CoreDNS cuts it (miekg/dns {@code Truncate}):
     * the records of the answer, then authority, then additional section are kept in order while
     * they fit, one by one (so a large RRset keeps the addresses that fit: stub resolvers that do
     * not retry over TCP, such as musl's before 1.2.4, still get some); the first section that
     * does not fit whole ends it; TC is set when any record had to go; the question and the OPT
     * record always stay.
     */
    static byte[] truncate(Message response, int limit) {
        OPTRecord opt = response.getOPT();
        List<List<Record>> all = new ArrayList<>();
        for (int section : RECORD_SECTIONS) {
            List<Record> records = new ArrayList<>(response.getSection(section));
            records.remove(opt);
            all.add(records);
        }
        List<List<Record>> kept = new ArrayList<>(List.of(List.of(), List.of(), List.of()));
        boolean cut = false;
        for (int s = 0; s < all.size() && !cut; s++) {
            List<Record> records = all.get(s);
            // the longest prefix that fits: the size only grows with each record kept
            int fits = 0;
            int tooMany = records.size() + 1;
            while (tooMany - fits > 1) {
                int mid = (fits + tooMany) >>> 1;
                kept.set(s, records.subList(0, mid));
                if (build(response, kept, opt, false).toWire().length <= limit) {
                    fits = mid;
                } else {
                    tooMany = mid;
                }
            }
            kept.set(s, records.subList(0, fits));
            cut = fits < records.size();
        }
        return build(response, kept, opt, cut).toWire();
    }

    private static Message build(Message response, List<List<Record>> kept, OPTRecord opt, boolean truncated) {
        // a copy keeps the header (ID, opcode, flags, rcode) and the question; the sections are refilled
        Message out = response.clone();
        for (int i = 0; i < RECORD_SECTIONS.length; i++) {
            out.removeAllRecords(RECORD_SECTIONS[i]);
            for (Record r : kept.get(i)) {
                out.addRecord(r, RECORD_SECTIONS[i]);
            }
        }
        if (opt != null) {
            out.addRecord(opt, Section.ADDITIONAL);
        }
        if (truncated) {
            out.getHeader().setFlag(Flags.TC);
        }
        return out;
    }
}
