package io.clusterdns.server.chain;

import io.clusterdns.server.listen.ReplySink;
import io.clusterdns.server.wire.Responses;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;

/**
 * The innermost writer of every request: makes the response this client's (its ID and question,
 * EDNS only for EDNS, TC at its size; {@link Responses#encode}) and sends it, or sends nothing
 * for a drop. The first outcome wins; a second one (a plugin bug) is dropped and logged.
 */
final class ClientWriter implements ResponseWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ClientWriter.class);

    private final Request request;
    private final ReplySink sink;
    private final AtomicBoolean done = new AtomicBoolean();

    ClientWriter(Request request, ReplySink sink) {
        this.request = request;
        this.sink = sink;
    }

    @Override
    public int write(Message response) {
        if (!done.compareAndSet(false, true)) {
            LOG.debug("second response to {} {} dropped", request.qname(), request.id());
            return 0;
        }
        byte[] bytes = Responses.encode(response, request.message(), request.edns(), request.limit());
        sink.send(bytes);
        return bytes.length;
    }

    @Override
    public int fail(int rcode, String error) {
        return write(Responses.error(request.message(), request.edns(), rcode));
    }

    @Override
    public int drop() {
        // an outcome all the same: a later write (a plugin bug) must not answer a dropped query
        if (!done.compareAndSet(false, true)) {
            LOG.debug("drop of {} {} after its response ignored", request.qname(), request.id());
        }
        return 0;
    }
}
