package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.resolver.Answer;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.chain.Zones;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The {@code kubernetes} plugin: answers the cluster zones from the {@link Resolver}, synchronously
 * on the event loop (the answer to every name is precomputed per snapshot). Names outside its
 * zones go on; a name that does not exist goes on too where {@code fallthrough} says so
 * (kubeadm: reverse lookups of addresses that are not the cluster's). An ExternalName's CNAME to
 * a name outside the cluster gets the target's addresses, asked of the server itself.
 */
public final class KubernetesPlugin implements Plugin {
    public static final String NAME = "kubernetes";

    private final Resolver resolver;
    private final Fallthrough fallthrough;
    /**
     * Per thread, the answer {@link #answersItself} found last: in a block whose {@code cache}
     * asks that of every cluster question, the same request then reaches {@link #serve}, which
     * takes it instead of looking the name up a second time.
     */
    private final ThreadLocal<Found> found = ThreadLocal.withInitial(Found::new);

    /** One look-up: the question (its very name object), the index it was made at, the answer. */
    private static final class Found {
        Name qname;
        int qtype;
        long index;
        Answer answer;
    }

    public KubernetesPlugin(Resolver resolver, Fallthrough fallthrough) {
        this.resolver = resolver;
        this.fallthrough = fallthrough;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        Answer answer = answer(request.qname(), request.qtype());
        Message response = KubernetesResponses.respond(answer, request, writer, next, fallthrough);
        if (response == null) {
            return;
        }
        Name target = externalTarget(answer, request.qtype());
        if (target == null) {
            writer.write(response);
        } else {
            KubernetesResponses.followTarget(request, response, target, writer);
        }
    }

    /**
     * The target of an ExternalName's CNAME that lies outside the cluster zones, for an A or AAAA
     * question: its addresses are looked up and appended, as CoreDNS does through its upstream;
     * null otherwise (the answer is complete, or the client asked for the CNAME itself).
     */
    private Name externalTarget(Answer answer, int qtype) {
        if ((qtype != Type.A && qtype != Type.AAAA) || !(answer instanceof Answer.Records records)) {
            return null;
        }
        List<Record> answers = records.answers();
        if (answers.isEmpty() || !(answers.get(answers.size() - 1) instanceof CNAMERecord cname)) {
            return null;
        }
        Name target = cname.getTarget();
        return Zones.holds(resolver.config().zones(), target) ? null : target;
    }

    @Override
    public boolean reportsReadiness() {
        return true;
    }

    @Override
    public boolean ready() {
        return resolver.synced();
    }

    public Resolver resolver() {
        return resolver;
    }

    /** For which names a miss goes on to the next plugin instead of NXDOMAIN. */
    public Fallthrough fallthrough() {
        return fallthrough;
    }

    /**
     * True when {@code answer} to a question of {@code qtype} is written as {@link KubernetesResponses#of}
     * makes it, at once and whole: not passed on, not refused, no ExternalName target to look up.
     * What the fast path may encode ahead of time.
     */
    public boolean answersAtOnce(Name qname, int qtype, Answer answer) {
        if (answer instanceof Answer.NotAuthoritative || answer instanceof Answer.NotSynced) {
            return false;
        }
        if (qtype == Type.AXFR || qtype == Type.IXFR) {
            return false;
        }
        if (answer instanceof Answer.NxDomain && fallthrough.through(qname)) {
            return false;
        }
        return externalTarget(answer, qtype) == null;
    }

    /**
     * True when this plugin writes the response to {@code qname}/{@code qtype} itself from its
     * index: what {@link #answersAtOnce} allows, and the SERVFAIL of an in-zone name before the
     * first sync. A {@code cache} in a block the fast path serves leaves these questions alone
     * (their answers are the fast path's); names passed on or looked up through the server are
     * cached as before.
     */
    public boolean answersItself(Name qname, int qtype) {
        Found f = found.get();
        long index = resolver.indexId();
        Answer answer = resolver.resolve(qname, qtype);
        f.qname = qname;
        f.qtype = qtype;
        f.index = index;
        f.answer = answer;
        return answer instanceof Answer.NotSynced || answersAtOnce(qname, qtype, answer);
    }

    /**
     * The resolver's answer to {@code qname}: the one {@link #answersItself} just found for this
     * very name object when the index is still the one it was found at (the same index answers a
     * name the same), else a look-up. The index is read before the look-up, so an answer made at
     * a newer one is never taken for the older.
     */
    private Answer answer(Name qname, int qtype) {
        Found f = found.get();
        if (f.qname == qname && f.qtype == qtype && f.index == resolver.indexId()) {
            return f.answer;
        }
        return resolver.resolve(qname, qtype);
    }
}
