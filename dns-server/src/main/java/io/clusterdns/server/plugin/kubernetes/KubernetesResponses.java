package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.resolver.Answer;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.wire.Responses;
import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The one place where a Kubernetes zone's {@link Answer} (the cluster zone's, or the clusterset
 * zone's) becomes a response: an rcode, the AA bit and record sections, or the request handed on.
 */
public final class KubernetesResponses {
    private KubernetesResponses() {
    }

    /**
     * Answers {@code request} with {@code answer}, synchronously on the event loop (every answer is
     * precomputed per snapshot). Names outside the zones go on; a name that does not exist goes on
     * too where {@code fallthrough} says so. Zone transfers are refused: the zones are generated
     * from live state and not offered for transfer.
     */
    public static void serve(Answer answer, Fallthrough fallthrough, Request request, ResponseWriter writer, Chain next) {
        if (answer instanceof Answer.NotAuthoritative) {
            next.serve(request, writer);
            return;
        }
        int type = request.qtype();
        if (type == Type.AXFR || type == Type.IXFR) {
            writer.fail(Rcode.REFUSED, null);
            return;
        }
        if (answer instanceof Answer.NxDomain && fallthrough.through(request.qname())) {
            next.serve(request, writer);
            return;
        }
        writer.write(of(request.message(), answer));
    }

    public static Message of(Message query, Answer answer) {
        Message response = Responses.start(query, answer.rcode());
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
        // NotSynced (SERVFAIL) carries no records and is not authoritative: we do not know the answer
        return response;
    }

    private static void addAll(Message response, List<Record> records, int section) {
        for (Record r : records) {
            response.addRecord(r, section);
        }
    }
}
