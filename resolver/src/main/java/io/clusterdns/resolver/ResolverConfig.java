package io.clusterdns.resolver;

import java.util.List;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Configuration of the Kubernetes zone logic, the equivalent of the CoreDNS {@code kubernetes}
 * plugin block. {@code zones} holds the cluster domain(s) and, optionally, reverse zones
 * ({@code in-addr.arpa}, {@code ip6.arpa} or sub-zones of them) answered with PTR records.
 * An empty {@code namespaces} set means all namespaces are exposed.
 */
public record ResolverConfig(
        List<Name> zones,
        long ttl,
        PodMode podMode,
        Set<String> namespaces,
        boolean endpointPodNames,
        boolean ignoreEmptyService) {

    public static final String DEFAULT_ZONE = "cluster.local.";
    public static final long DEFAULT_TTL = 5;
    public static final long MAX_TTL = 3600;
    public static final Name IN_ADDR_ARPA = Name.fromConstantString("in-addr.arpa.");
    public static final Name IP6_ARPA = Name.fromConstantString("ip6.arpa.");

    public ResolverConfig {
        zones = absoluteZones(zones);
        if (zones.stream().allMatch(ResolverConfig::isReverse)) {
            throw new IllegalArgumentException("at least one forward (cluster domain) zone is required besides reverse zones");
        }
        checkTtl(ttl);
        podMode = podMode == null ? PodMode.DISABLED : podMode;
        namespaces = namespaces == null ? Set.of() : Set.copyOf(namespaces);
    }

    /** An unmodifiable copy of {@code zones}, refused when empty or when one is not absolute (every zone config: cluster, clusterset, external). */
    static List<Name> absoluteZones(List<Name> zones) {
        if (zones == null || zones.isEmpty()) {
            throw new IllegalArgumentException("at least one zone is required");
        }
        for (Name z : zones) {
            if (!z.isAbsolute()) {
                throw new IllegalArgumentException("zone " + z + " must be absolute");
            }
        }
        return List.copyOf(zones);
    }

    /** Refuses a TTL outside 0..{@link #MAX_TTL}. */
    static void checkTtl(long ttl) {
        if (ttl < 0 || ttl > MAX_TTL) {
            throw new IllegalArgumentException("ttl must be 0.." + MAX_TTL + " seconds, got " + ttl);
        }
    }

    /** cluster.local, TTL 5, pods disabled, all namespaces: what kubeadm's Corefile configures minus the reverse zones. */
    public static ResolverConfig defaults() {
        return new ResolverConfig(List.of(Name.fromConstantString(DEFAULT_ZONE)), DEFAULT_TTL, PodMode.DISABLED,
                Set.of(), false, false);
    }

    /** Parses a zone given by a user ({@code cluster.local}, {@code 10.in-addr.arpa.}); absolute, lower-cased. */
    public static Name parseZone(String text) {
        try {
            String t = text.trim();
            if (t.isEmpty() || t.contains("..")) {
                throw new IllegalArgumentException("invalid zone \"" + text + "\"");
            }
            return Name.fromString(t.toLowerCase(java.util.Locale.ROOT), Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("invalid zone \"" + text + "\": " + e.getMessage(), e);
        }
    }

    /** True for {@code in-addr.arpa}, {@code ip6.arpa} and zones below them. */
    public static boolean isReverse(Name zone) {
        return zone.subdomain(IN_ADDR_ARPA) || zone.subdomain(IP6_ARPA);
    }

    /** The first forward zone: the cluster domain used in SRV targets and in {@code ns.dns.<zone>}. */
    public Name clusterDomain() {
        return zones.stream().filter(z -> !isReverse(z)).findFirst().orElseThrow();
    }

    public boolean namespaceExposed(String namespace) {
        return namespaces.isEmpty() || namespaces.contains(namespace);
    }
}
