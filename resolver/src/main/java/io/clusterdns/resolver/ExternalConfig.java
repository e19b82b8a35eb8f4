package io.clusterdns.resolver;

import java.net.InetAddress;
import java.util.List;
import java.util.regex.Pattern;
import org.xbill.DNS.Name;

/**
 * Configuration of the external zone logic, the equivalent of CoreDNS's {@code k8s_external}
 * plugin: names under other zones for the Services the cluster exposes (external IPs, load
 * balancers), answered from the same index as the cluster zone ({@link ExternalResolver}).
 *
 * @param zones           the external zones, absolute and lower-case; reverse zones among them
 *                        answer PTR for the external IPs
 * @param apex            the label below each zone that holds the nameserver's name
 *                        ({@code dns}: {@code ns1.dns.<zone>}, {@code hostmaster.dns.<zone>})
 * @param ttl             TTL of every record, SOA included, 0..3600
 * @param headless        headless services (without external IPs) answer with their ready
 *                        endpoints, and {@code <endpoint>.<svc>.<ns>.<zone>} names exist
 * @param serverAddresses this server's own addresses (its pod's): the Services that have one of
 *                        them as a ready endpoint are the server's own, and their external IPs are
 *                        the nameserver's; when none has, these addresses themselves are
 */
public record ExternalConfig(List<Name> zones, String apex, long ttl, boolean headless, List<InetAddress> serverAddresses) {
    public static final String DEFAULT_APEX = "dns";
    public static final long DEFAULT_TTL = 5;
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([-a-z0-9_]{0,61}[a-z0-9_])?");

    public ExternalConfig {
        zones = ResolverConfig.absoluteZones(zones);
        if (!isLabel(apex)) {
            throw new IllegalArgumentException("apex must be one DNS label, got \"" + apex + "\"");
        }
        ResolverConfig.checkTtl(ttl);
        serverAddresses = serverAddresses == null ? List.of() : List.copyOf(serverAddresses);
    }

    /** True when {@code text} can be the apex: one lower-case DNS label. */
    public static boolean isLabel(String text) {
        return text != null && LABEL.matcher(text).matches();
    }

    /** The first forward zone: where PTR records of external IPs point ({@code <svc>.<ns>.<zone>}); null when all are reverse. */
    Name forwardZone() {
        return zones.stream().filter(z -> !ResolverConfig.isReverse(z)).findFirst().orElse(null);
    }
}
