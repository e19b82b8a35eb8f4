package io.clusterdns.server.listen;

import io.clusterdns.server.wire.Transport;
import java.net.InetSocketAddress;

/**
 * What the listeners hand every received message to, on the event loop that received it: it must
 * not block. The response, if any, goes to {@code sink}, now or later (a forwarded query).
 */
@FunctionalInterface
public interface QueryReceiver {
    /**
     * @param wire      the message (without TCP's length prefix)
     * @param transport how it arrived
     * @param client    the sender
     * @param local     the listener's address (what {@code server} labels and the loop plugin see)
     */
    void receive(byte[] wire, Transport transport, InetSocketAddress client, Listener local, ReplySink sink);
}
