package io.clusterdns.resolver;

import java.util.List;
import org.xbill.DNS.Name;

/**
 * Configuration of the clusterset zone logic (KEP-1645 multicluster DNS), the equivalent of the
 * CoreDNS {@code multicluster} plugin block: the zones (the MCS API fixes {@code clusterset.local}),
 * the TTL of every record (as the {@code kubernetes} plugin's: 0..3600, default 5), and
 * {@code noendpoints}: headless imports and per-cluster endpoint names do not exist.
 */
public record ClusterSetConfig(List<Name> zones, long ttl, boolean noEndpoints) {
    public static final String DEFAULT_ZONE = "clusterset.local.";

    public ClusterSetConfig {
        zones = ResolverConfig.absoluteZones(zones);
        for (Name z : zones) {
            if (ResolverConfig.isReverse(z)) {
                throw new IllegalArgumentException("zone " + z + " is a reverse zone: clusterset names have no PTR records");
            }
        }
        if (ttl < 0 || ttl > ResolverConfig.MAX_TTL) {
            throw new IllegalArgumentException("ttl must be 0.." + ResolverConfig.MAX_TTL + " seconds, got " + ttl);
        }
    }

    /** {@code clusterset.local}, TTL 5, endpoints served. */
    public static ClusterSetConfig defaults() {
        return new ClusterSetConfig(List.of(Name.fromConstantString(DEFAULT_ZONE)), ResolverConfig.DEFAULT_TTL, false);
    }
}
