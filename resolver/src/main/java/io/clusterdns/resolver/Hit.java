package io.clusterdns.resolver;

import java.net.InetAddress;

/**
 * One (address, port) a service name resolves to, the unit CoreDNS calls a {@code msg.Service}.
 * {@code port} is -1 when the endpoint declared no ports; {@code label} is null for a cluster IP
 * and the endpoint label for an endpoint (it names the SRV target).
 */
record Hit(InetAddress address, int port, String label) {
    static final int NO_PORT = -1;
}
