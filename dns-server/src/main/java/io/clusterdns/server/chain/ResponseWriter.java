package io.clusterdns.server.chain;

import org.xbill.DNS.Message;

/**
 * Where a plugin puts the outcome of a request: exactly one call (a response, an error rcode, or
 * a deliberate silence), now (on the event loop, for
 * answers the plugin knows) or later (a forwarded query, from the event loop the reply arrives
 * on). Plugins that act on responses (cache, loadbalance, metrics, log) wrap the writer they pass
 * on ({@link WrappingWriter}); the innermost writer encodes for the client and sends.
 */
public interface ResponseWriter {

    /**
     * Sends {@code response}; the writer takes it over (it may be changed on the way: TTLs,
     * order, the client's ID and question). Returns the bytes sent, 0 when nothing was.
     */
    int write(Message response);

    /**
     * Nothing was written: the server answers with {@code rcode} alone (SERVFAIL, REFUSED, ...)
     * as CoreDNS does when a plugin returns an error rcode. {@code error} says why, for the
     * {@code errors} plugin; null when there is nothing to log. Returns the bytes sent.
     */
    int fail(int rcode, String error);

    /**
     * No response at all: the query is dropped on purpose (the {@code acl} plugin's {@code drop}).
     * The client sees nothing and retries or times out. Returns 0. A writer that sends nothing
     * itself need not do anything; writers that pass on ({@link WrappingWriter}) pass it on.
     */
    default int drop() {
        return 0;
    }
}
