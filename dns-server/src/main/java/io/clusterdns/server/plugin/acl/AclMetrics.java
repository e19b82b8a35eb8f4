package io.clusterdns.server.plugin.acl;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Name;

/**
 * CoreDNS's acl series, with its names, help texts and labels ({@code view} empty: clusterdns has
 * no views):
 *
 * <pre>
 * coredns_acl_blocked_requests_total{server,zone,view}     REFUSED by a block policy
 * coredns_acl_filtered_requests_total{server,zone,view}    answered empty by a filter policy
 * coredns_acl_dropped_requests_total{server,zone,view}     not answered (drop)
 * coredns_acl_allowed_requests_total{server,view}          passed on (an allow policy, or none matched)
 * </pre>
 *
 * {@code zone} is the rule's zone that matched the name. A series appears when first counted;
 * counters are kept once looked up, so the allowed count (every query) costs a map read by server.
 */
final class AclMetrics {
    private static final String VIEW = "";

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> allowed = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ZoneKey, Counter> refused = new ConcurrentHashMap<>();

    private record ZoneKey(AclConfig.Action action, String server, Name zone) {
    }

    AclMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void allowed(String server) {
        Counter c = allowed.get(server);
        if (c == null) {
            c = allowed.computeIfAbsent(server, s -> Counter.builder("coredns.acl.allowed.requests")
                    .description("Counter of DNS requests being allowed.")
                    .tags("server", s, "view", VIEW).register(registry));
        }
        c.increment();
    }

    /** A query {@code action} (block, filter or drop) stopped, for a name under {@code zone}. */
    void stopped(AclConfig.Action action, String server, Name zone) {
        refused.computeIfAbsent(new ZoneKey(action, server, zone), k -> {
            String what = switch (k.action()) {
                case BLOCK -> "blocked";
                case FILTER -> "filtered";
                case DROP -> "dropped";
                case ALLOW -> throw new IllegalArgumentException("allowed requests have no zone");
            };
            return Counter.builder("coredns.acl." + what + ".requests")
                    .description("Counter of DNS requests being " + what + ".")
                    .tags("server", k.server(), "zone", k.zone().toString(), "view", VIEW).register(registry);
        }).increment();
    }
}
