package io.clusterdns.server.plugin.k8sexternal;

import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The addresses of a load balancer's hostname after the CNAME to it, as CoreDNS's
 * {@code k8s_external} adds them through its {@code upstream}: the hostname is asked of the
 * server itself ({@link io.clusterdns.server.chain.ServerLookup}: the block holding the name, its
 * cache and forward), and the answer records of a NOERROR reply follow the CNAME. Without one (an
 * error, nothing found) the CNAME goes alone: a resolver can still follow it. The client's
 * response is written once the lookup completes, on whatever thread completes it.
 */
final class HostnameLookup {
    private HostnameLookup() {
    }

    static void append(Request request, Message response, Name hostname, ResponseWriter writer) {
        request.lookup().resolve(request, hostname, request.qtype(), reply -> {
            if (reply.getRcode() == Rcode.NOERROR) {
                for (Record r : reply.getSection(Section.ANSWER)) {
                    response.addRecord(r, Section.ANSWER);
                }
            }
            writer.write(response);
        });
    }
}
