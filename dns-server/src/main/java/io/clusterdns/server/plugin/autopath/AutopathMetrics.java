package io.clusterdns.server.plugin.autopath;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code coredns_autopath_success_total{server}}: queries answered from a search path walk (the
 * first reply that was not NXDOMAIN). A series appears at its first count, as in CoreDNS; the
 * registry hands a reloaded plugin the same counter, so counts go on across reloads.
 */
final class AutopathMetrics {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> success = new ConcurrentHashMap<>();

    AutopathMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** @param server the listener's label, e.g. {@code dns://:53} */
    void success(String server) {
        success.computeIfAbsent(server, s -> Counter.builder("coredns.autopath.success")
                .description("Counter of requests that did autopath.").tag("server", s).register(registry)).increment();
    }
}
