package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.resolver.Answer;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.chain.ServerLookup;
import io.clusterdns.server.wire.Responses;
import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The one place where a Kubernetes zone's {@link Answer} (the cluster zone's, the clusterset
 * zone's, k8s_external's) becomes a response: an rcode, the AA bit and record sections, or the
 * request handed on.
 */
public final class KubernetesResponses {
    private KubernetesResponses() {
    }

    /**
     * What a plugin answering from the resolver does with {@code answer}: a name outside its zones
     * goes on to {@code next}, and so does NXDOMAIN where {@code fallthrough} says; zone transfers
     * are REFUSED (the zone is generated from live state, not offered for transfer). Returns the
     * response for the caller to write, or null when the request was dealt with here.
     */
    public static Message respond(Answer answer, Request request, ResponseWriter writer, Chain next, Fallthrough fallthrough) {
        if (answer instanceof Answer.NotAuthoritative) {
            next.serve(request, writer);
            return null;
        }
        if (request.qtype() == Type.AXFR || request.qtype() == Type.IXFR) {
            writer.fail(Rcode.REFUSED, null);
            return null;
        }
        if (answer instanceof Answer.NxDomain && fallthrough.through(request.qname())) {
            next.serve(request, writer);
            return null;
        }
        return of(request.message(), answer);
    }

    /**
     * Answers {@code request} with {@code answer} as {@link #respond} decides, synchronously on the
     * event loop (every answer is precomputed per snapshot).
     */
    public static void serve(Answer answer, Fallthrough fallthrough, Request request, ResponseWriter writer, Chain next) {
        Message response = respond(answer, request, writer, next, fallthrough);
        if (response != null) {
            writer.write(response);
        }
    }

    /**
     * Writes {@code response} (a CNAME to {@code target} last in its answer) once {@code target}'s
     * records of the question's type were asked of the server itself (the block holding the name:
     * its cache, its forward) and appended after the CNAME, as CoreDNS adds them through its
     * upstream. When the lookup finds nothing the CNAME goes alone: a resolver can still follow it;
     * so it goes at once when the lookup could only fail ({@link ServerLookup#mayAnswer}: no block
     * holds the target). The response is written on whatever thread completes the lookup.
     */
    public static void followTarget(Request request, Message response, Name target, ResponseWriter writer) {
        if (!request.lookup().mayAnswer(target)) {
            writer.write(response);
            return;
        }
        request.lookup().resolve(request, target, request.qtype(), reply -> {
            if (reply.getRcode() == Rcode.NOERROR) {
                for (Record r : reply.getSection(Section.ANSWER)) {
                    response.addRecord(r, Section.ANSWER);
                }
            }
            writer.write(response);
        });
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
