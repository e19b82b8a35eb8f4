package io.clusterdns.server.plugin.autopath;

import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * One query's walk down its client's search path through the rest of the chain: the name asked,
 * then the same base name under each later element, the bare name last. The first reply that is
 * not NXDOMAIN goes to the client, with a CNAME from the name asked to the name found when they
 * differ; when every name is NXDOMAIN the client gets the reply to the name it asked (and walks
 * its search path itself). Never blocks: each name is asked when the previous one's outcome
 * arrives (at once from the kubernetes plugin, later from forward), so the steps run one after
 * another, each started by the previous step's writer.
 *
 * <p>A plugin that fails with an error (forward with no healthy upstream) ends the walk with that
 * failure, as CoreDNS returns at once; a failure without one (REFUSED) counts as not found.
 */
final class SearchWalk {
    private final Request request;
    private final ResponseWriter writer;
    private final Chain next;
    private final Name base;
    private final List<Name> path;
    private final Runnable found;
    /** The outcome for the name asked: the reply, or the rcode of a failure without error (-1: none). */
    private Message first;
    private int firstRcode = -1;

    /**
     * @param base  the name asked relative to {@code path}'s first element
     * @param found what to do when a name is found (count it)
     */
    SearchWalk(Request request, ResponseWriter writer, Chain next, Name base, List<Name> path, Runnable found) {
        this.request = request;
        this.writer = writer;
        this.next = next;
        this.base = base;
        this.path = path;
        this.found = found;
    }

    /** Asks the {@code i}-th name (the name asked itself for 0, unchanged) or, past the last, answers. */
    void step(int i) {
        if (i == path.size()) {
            finish();
            return;
        }
        if (i == 0) {
            next.serve(request, new Step(0, request.qname()));
            return;
        }
        Name name;
        try {
            name = Name.concatenate(base, path.get(i));
        } catch (NameTooLongException e) {
            step(i + 1); // no such name can exist
            return;
        }
        next.serve(request.withMessage(query(request.message(), name)), new Step(i, name));
    }

    private void finish() {
        if (first != null) {
            writer.write(first);
        } else {
            writer.fail(firstRcode, null);
        }
    }

    /** {@code query} asking {@code name} instead (same ID, flags, type, class and EDNS). */
    static Message query(Message query, Name name) {
        Message m = query.clone();
        Record q = query.getQuestion();
        m.removeAllRecords(Section.QUESTION);
        m.addRecord(Record.newRecord(name, q.getType(), q.getDClass()), Section.QUESTION);
        return m;
    }

    /**
     * The reply to {@code name} made the reply to {@code asked}: the question asked, and first in
     * the answer a CNAME from the name asked to the name found (with the TTL of the first record
     * found; none when nothing was found: a NODATA reply stays one).
     */
    static Message answer(Message reply, Record asked, Name name) {
        reply.removeAllRecords(Section.QUESTION);
        reply.addRecord(asked, Section.QUESTION);
        List<Record> answers = reply.getSection(Section.ANSWER);
        if (!answers.isEmpty() && !name.equals(asked.getName())) {
            reply.removeAllRecords(Section.ANSWER);
            reply.addRecord(new CNAMERecord(asked.getName(), asked.getDClass(), answers.get(0).getTTL(), name), Section.ANSWER);
            for (Record r : answers) {
                reply.addRecord(r, Section.ANSWER);
            }
        }
        return reply;
    }

    /** The outcome of one name. */
    private final class Step implements ResponseWriter {
        private final int index;
        private final Name name;

        Step(int index, Name name) {
            this.index = index;
            this.name = name;
        }

        @Override
        public int write(Message response) {
            if (response.getRcode() != Rcode.NXDOMAIN) {
                found.run();
                return writer.write(answer(response, request.question(), name));
            }
            if (index == 0) {
                first = response;
            }
            step(index + 1);
            return 0;
        }

        @Override
        public int fail(int rcode, String error) {
            if (error != null) {
                return writer.fail(rcode, error);
            }
            if (index == 0) {
                firstRcode = rcode;
            }
            step(index + 1);
            return 0;
        }
    }
}
