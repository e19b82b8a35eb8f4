package io.clusterdns.server.plugin.rewrite;

import io.clusterdns.server.chain.Request;
import io.clusterdns.server.wire.Responses;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * One query on its way through the rules: the question as the rules have made it so far, the EDNS
 * options once an edns0 rule touched them, and the response rules of the rules that matched. The
 * client's query is never changed: {@link #message} is a copy when anything differs. Lives for one
 * {@code serve} call, on one thread.
 */
final class Rewriting {
    private final Request request;
    private final List<ResponseRule> responseRules = new ArrayList<>();
    /** The question's name as text: the client's (case kept) until a name rule rewrites it. */
    private String name;
    private String lower;
    private Name qname;
    private int type;
    private int dclass;
    /** The query's EDNS options as edns0 rules edit them; null until one asks. */
    private List<EDNSOption> options;
    private boolean questionChanged;
    private boolean optionsChanged;

    Rewriting(Request request) {
        this.request = request;
        this.qname = request.qname();
        this.name = qname.toString();
        this.lower = name.toLowerCase(Locale.ROOT);
        this.type = request.qtype();
        this.dclass = request.qclass();
    }

    Request request() {
        return request;
    }

    /** The question's name as the rules have made it so far. */
    String name() {
        return name;
    }

    /** {@link #name} in lower case: what rules match. */
    String lowerName() {
        return lower;
    }

    int type() {
        return type;
    }

    int dclass() {
        return dclass;
    }

    /** The question's name becomes {@code text} (absolute); {@link InvalidName} when that is no domain name. */
    void rename(String text) {
        qname = InvalidName.parse(text);
        name = text;
        lower = text.toLowerCase(Locale.ROOT);
        questionChanged = true;
    }

    void retype(int to) {
        type = to;
        questionChanged = true;
    }

    void reclass(int to) {
        dclass = to;
        questionChanged = true;
    }

    /** The query's EDNS options as the rules have left them so far, for an edns0 rule to edit (then {@link #optionsEdited}). */
    List<EDNSOption> options() {
        if (options == null) {
            OPTRecord opt = request.message().getOPT();
            options = opt == null ? new ArrayList<>() : new ArrayList<>(opt.getOptions());
        }
        return options;
    }

    void optionsEdited() {
        optionsChanged = true;
    }

    void respond(List<ResponseRule> rules) {
        responseRules.addAll(rules);
    }

    List<ResponseRule> responseRules() {
        return responseRules;
    }

    /**
     * The query the next plugins get: the client's own when no rule changed it, else a copy with the
     * rewritten question and, when an edns0 rule changed them, an OPT record with the new options
     * (a new OPT for a client that sent none, advertising the size the server itself advertises).
     */
    Message message() {
        Message original = request.message();
        if (!questionChanged && !optionsChanged) {
            return original;
        }
        Message m = original.clone();
        if (questionChanged) {
            m.removeAllRecords(Section.QUESTION);
            m.addRecord(Record.newRecord(qname, type, dclass), Section.QUESTION);
        }
        if (optionsChanged) {
            OPTRecord old = original.getOPT();
            if (old != null) {
                m.removeRecord(old, Section.ADDITIONAL);
            }
            m.addRecord(old == null ? new OPTRecord(Responses.ADVERTISED_UDP_PAYLOAD, 0, 0, 0, options)
                    : new OPTRecord(old.getPayloadSize(), old.getExtendedRcode(), old.getVersion(), old.getFlags(), options),
                    Section.ADDITIONAL);
        }
        return m;
    }
}
