package io.clusterdns.server.plugin.any;

import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.wire.Responses;
import org.xbill.DNS.DClass;
import org.xbill.DNS.HINFORecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The {@code any} plugin: a query of type ANY gets one synthesized HINFO record (RFC 8482 section
 * 4.2), CoreDNS's {@code "ANY obsoleted" "See RFC 8482"} with TTL 8482, whatever the name; ANY
 * answers are amplification's favourite and no stub resolver needs them. Other types go on.
 */
public final class AnyPlugin implements Plugin {
    static final long TTL = 8482;
    static final String CPU = "ANY obsoleted";
    static final String OS = "See RFC 8482";

    @Override
    public String name() {
        return AnyConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        if (request.qtype() != Type.ANY) {
            next.serve(request, writer);
            return;
        }
        Message m = Responses.start(request.message(), Rcode.NOERROR);
        m.addRecord(new HINFORecord(request.qname(), DClass.IN, TTL, CPU, OS), Section.ANSWER);
        writer.write(m);
    }
}
