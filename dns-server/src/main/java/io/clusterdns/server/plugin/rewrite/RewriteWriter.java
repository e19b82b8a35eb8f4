package io.clusterdns.server.plugin.rewrite;

import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.chain.WrappingWriter;
import io.clusterdns.server.wire.Responses;
import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The way back of a rewritten query: the response carries the question the client asked (its
 * name as typed, its type and class), whatever rule matched, so the plugins before this one (cache,
 * log) and the client see their own question; then the response rules of the matched rules apply,
 * the last matched rule's first (CoreDNS reverts in reverse order), to every record but the OPT,
 * and to the rcode once.
 */
final class RewriteWriter extends WrappingWriter {
    private static final int[] SECTIONS = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};

    private final Record question;
    private final List<ResponseRule> rules;

    RewriteWriter(ResponseWriter next, Record question, List<ResponseRule> rules) {
        super(next);
        this.question = question;
        this.rules = List.copyOf(rules);
    }

    @Override
    public int write(Message response) {
        response.removeAllRecords(Section.QUESTION);
        response.addRecord(question, Section.QUESTION);
        if (!rules.isEmpty()) {
            try {
                for (int section : SECTIONS) {
                    rewrite(response, section);
                }
            } catch (InvalidName e) {
                return next.fail(Rcode.SERVFAIL, "plugin/rewrite: invalid name after answer rewrite: " + e.getMessage());
            }
            setRcode(response, rcode(response.getRcode()));
        }
        return next.write(response);
    }

    /** Nothing was written: the error response is what the rcode rules make of it (CoreDNS writes it through its reverter). */
    @Override
    public int fail(int rcode, String error) {
        return next.fail(rcode(rcode), error);
    }

    private int rcode(int rcode) {
        for (int i = rules.size() - 1; i >= 0; i--) {
            rcode = rules.get(i).rcode(rcode);
        }
        return rcode;
    }

    private void rewrite(Message response, int section) {
        List<Record> records = response.getSection(section);
        if (records.isEmpty()) {
            return;
        }
        response.removeAllRecords(section);
        for (Record r : records) {
            if (r.getType() != Type.OPT) {
                for (int i = rules.size() - 1; i >= 0; i--) {
                    r = rules.get(i).apply(r);
                }
            }
            response.addRecord(r, section);
        }
    }

    /** An rcode above 15 keeps its upper bits in the OPT record, which the server's encoder reads. */
    private static void setRcode(Message response, int rcode) {
        if (rcode == response.getRcode()) {
            return;
        }
        response.getHeader().setRcode(rcode & 0xF);
        OPTRecord opt = response.getOPT();
        if (opt == null && rcode <= 0xF) {
            return;
        }
        if (opt != null) {
            response.removeRecord(opt, Section.ADDITIONAL);
        }
        response.addRecord(opt == null ? new OPTRecord(Responses.ADVERTISED_UDP_PAYLOAD, rcode >>> 4, 0, 0)
                : new OPTRecord(opt.getPayloadSize(), rcode >>> 4, opt.getVersion(), opt.getFlags(), opt.getOptions()), Section.ADDITIONAL);
    }
}
