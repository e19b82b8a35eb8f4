package io.clusterdns.server.listen;

import io.clusterdns.k8s.config.ListenAddress;

/**
 * One listening address (UDP and TCP on the same port) as the metrics and the plugins know it.
 *
 * @param address the bound address (the actual port when 0 was asked for)
 * @param label   CoreDNS's {@code server} label: {@code dns://:53} on all interfaces,
 *                {@code dns://127.0.0.1:1053} when bound to one address
 */
public record Listener(ListenAddress address, String label) {

    /** The listener of {@code address} as CoreDNS names it. */
    public static Listener of(ListenAddress address) {
        String label = "dns://" + (address.isWildcard() ? ":" + address.port() : address.toString());
        return new Listener(address, label);
    }
}
