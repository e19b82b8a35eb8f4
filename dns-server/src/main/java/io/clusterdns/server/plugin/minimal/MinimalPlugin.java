package io.clusterdns.server.plugin.minimal;

import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.chain.WrappingWriter;
import io.clusterdns.server.plugin.cache.ResponseType;
import java.time.Instant;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * The {@code minimal} plugin: a positive answer from the plugins after it (CoreDNS's
 * {@code NoError} type: NOERROR with records) leaves without its authority and additional
 * sections (the SRV targets' addresses, the NS records of the zone), which makes it smaller.
 * NXDOMAIN, NODATA, delegations (their NS records are the answer), errors and transfers pass
 * unchanged. The OPT record is the server's business and stays as the client's EDNS asks.
 */
public final class MinimalPlugin implements Plugin {

    @Override
    public String name() {
        return MinimalConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        next.serve(request, new WrappingWriter(writer) {
            @Override
            public int write(Message response) {
                if (ResponseType.of(response, request.dnssecOk(), Instant.now()) == ResponseType.NO_ERROR) {
                    response.removeAllRecords(Section.AUTHORITY);
                    response.removeAllRecords(Section.ADDITIONAL);
                }
                return super.write(response);
            }
        });
    }
}
