package io.clusterdns.server.plan;

import org.xbill.DNS.Name;

/**
 * One server block key: the zone it serves and the port ({@code .:53}, {@code cluster.local:53}).
 *
 * @param zone absolute, lower-case; the root for {@code .}
 * @param port where it is served (0: any free port, for tests)
 */
public record ZoneKey(Name zone, int port) {
    @Override
    public String toString() {
        return zone + ":" + port;
    }
}
