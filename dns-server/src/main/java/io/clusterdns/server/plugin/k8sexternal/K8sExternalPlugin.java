package io.clusterdns.server.plugin.k8sexternal;

import io.clusterdns.server.chain.Zones;
import io.clusterdns.resolver.Answer;
import io.clusterdns.resolver.ExternalResolver;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.plugin.kubernetes.KubernetesResponses;
import java.net.InetAddress;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The {@code k8s_external} plugin: answers its zones from the {@link ExternalResolver} (the block's
 * kubernetes index; synchronous on the event loop), passes every other name on, and a name that
 * does not exist too where {@code fallthrough} says so. A service known only by its load
 * balancer's hostname answers A/AAAA with the CNAME followed by the hostname's own addresses,
 * looked up through the block's chain ({@link KubernetesResponses#followTarget}).
 */
public final class K8sExternalPlugin implements Plugin {
    private final ExternalResolver resolver;
    private final Fallthrough fallthrough;

    public K8sExternalPlugin(ExternalResolver resolver, Fallthrough fallthrough) {
        this.resolver = resolver;
        this.fallthrough = fallthrough;
    }

    /**
     * The link of {@code config} answering from {@code cluster} (the block's kubernetes index), on a
     * server bound to {@code bind}: its own addresses are looked up now, off the query path.
     */
    public static K8sExternalPlugin of(K8sExternalConfig config, Resolver cluster, List<InetAddress> bind) {
        return new K8sExternalPlugin(new ExternalResolver(cluster, config.resolverConfig(ServerAddresses.of(bind))), config.fallthrough());
    }

    @Override
    public String name() {
        return K8sExternalConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        Answer answer = resolver.resolve(request.qname(), request.qtype());
        Message response = KubernetesResponses.respond(answer, request, writer, next, fallthrough);
        if (response == null) {
            return;
        }
        Name hostname = hostnameToFollow(answer, request.qtype());
        if (hostname == null) {
            writer.write(response);
        } else {
            KubernetesResponses.followTarget(request, response, hostname, writer);
        }
    }

    /**
     * The load balancer hostname an A/AAAA answer is a CNAME to, when its addresses are to be
     * added; null otherwise. A hostname inside our own zones is not followed: that lookup would
     * come back here.
     */
    private Name hostnameToFollow(Answer answer, int type) {
        if ((type != Type.A && type != Type.AAAA) || !(answer instanceof Answer.Records records)) {
            return null;
        }
        List<Record> answers = records.answers();
        if (answers.size() != 1 || !(answers.get(0) instanceof CNAMERecord cname)) {
            return null;
        }
        Name target = cname.getTarget();
        return Zones.holds(resolver.config().zones(), target) ? null : target;
    }
}
