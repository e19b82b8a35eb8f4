package io.clusterdns.server.listen;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * The UDP senders of one listener socket as the rest of the server sees clients: an IPv4 sender
 * as the transport read it (no copy), an IPv6 one without the scope the epoll transport attaches
 * ({@code 0:0:0:0:0:0:0:1%0}) and IPv4-mapped IPv6 as IPv4, as CoreDNS counts it. The IPv6
 * conversions are remembered, so a client costs one conversion, not one per query. Owned by one
 * event loop (no locking). Bounded: when {@link #MAX} senders are known the memory starts over,
 * which a cluster's churn of pod addresses needs and costs one conversion per sender.
 */
final class SenderAddresses {
    static final int MAX = 1024;

    /** Keyed by the address bytes ({@link Inet6Address#equals} ignores the scope). */
    private final Map<InetAddress, InetAddress> known = new HashMap<>();

    /** {@code sender} as a client address. */
    InetSocketAddress of(InetSocketAddress sender) {
        InetAddress address = sender.getAddress();
        if (address == null || address instanceof Inet4Address) {
            return sender;
        }
        InetAddress plain = known.get(address);
        if (plain == null) {
            plain = plain(address);
            if (known.size() >= MAX) {
                known.clear();
            }
            known.put(address, plain);
        }
        return new InetSocketAddress(plain, sender.getPort());
    }

    /** The address without scope; IPv4-mapped IPv6 becomes IPv4 (getByAddress does that itself). */
    static InetAddress plain(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e); // cannot happen: 16 bytes are always an address
        }
    }

    /** How many senders are remembered (tests). */
    int size() {
        return known.size();
    }
}
