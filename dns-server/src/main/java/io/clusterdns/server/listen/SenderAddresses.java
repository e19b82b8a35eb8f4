package io.clusterdns.server.listen;

import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The UDP senders of one listener socket as addresses ({@link ListenerVerticle#client}),
 * remembered by their text: Vert.x hands every datagram's sender over as text, and parsing it
 * back cost 170 to 290 ns a query, 2 % of a cluster answer; a look-up here costs about 20. Owned by
 * one event loop (no locking). Bounded: when {@link #MAX} senders are known the memory starts
 * over, which a cluster's churn of pod addresses needs and costs one parse per sender.
 */
final class SenderAddresses {
    static final int MAX = 1024;

    private final Map<String, InetAddress> known = new HashMap<>();

    /** {@code sender} as {@link ListenerVerticle#client} makes it. */
    InetSocketAddress of(SocketAddress sender) {
        String host = sender.host();
        if (host == null) {
            return ListenerVerticle.client(sender);
        }
        InetAddress ip = known.get(host);
        if (ip == null) {
            ip = ListenerVerticle.client(sender).getAddress();
            if (known.size() >= MAX) {
                known.clear();
            }
            known.put(host, ip);
        }
        return new InetSocketAddress(ip, sender.port());
    }

    /** How many senders are remembered (tests). */
    int size() {
        return known.size();
    }
}
