package io.clusterdns.server.plugin.local;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code coredns_local_localhost_requests_total}: queries for names below {@code localhost.} or
 * starting with a {@code localhost} label, answered with loopback addresses. No labels, as
 * CoreDNS's (the client, not the server, is what one looks for). CoreDNS registers it at load, so
 * the server registers it at start, {@code local} or not.
 */
public final class LocalMetrics {
    private LocalMetrics() {
    }

    /** The counter of {@code registry}: the same one every time. */
    public static Counter requests(MeterRegistry registry) {
        return Counter.builder("coredns.local.localhost.requests")
                .description("Counter of special localhost subdomain requests.")
                .register(registry);
    }
}
