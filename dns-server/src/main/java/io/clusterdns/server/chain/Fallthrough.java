package io.clusterdns.server.chain;

import java.util.List;
import org.xbill.DNS.Name;

/**
 * CoreDNS's {@code fallthrough [ZONES...]}: for which names a plugin that has no answer passes the
 * query on instead of answering NXDOMAIN. Without zones it means every name; never configured,
 * none.
 *
 * @param zones the zones written (absolute, lower-case); the root zone for a bare {@code fallthrough}
 */
public record Fallthrough(List<Name> zones) {
    public static final Fallthrough NONE = new Fallthrough(List.of());
    public static final Fallthrough ALL = new Fallthrough(List.of(Name.root));

    public Fallthrough {
        zones = List.copyOf(zones);
    }

    /** True when a miss for {@code qname} goes to the next plugin. */
    public boolean through(Name qname) {
        return Zones.holds(zones, qname);
    }
}
