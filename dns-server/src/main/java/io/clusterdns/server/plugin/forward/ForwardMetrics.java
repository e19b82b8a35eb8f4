package io.clusterdns.server.plugin.forward;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The {@code forward} plugin's series, with CoreDNS's names, labels and help texts:
 *
 * <pre>
 * coredns_proxy_request_duration_seconds{proxy_name="forward",to,rcode}   histogram, 0.25 ms × 2^0..15, per upstream answer
 * coredns_proxy_healthcheck_failures_total{proxy_name,to}                 failed health checks
 * coredns_proxy_conn_cache_hits_total{proxy_name,to,proto}                an idle upstream connection was reused
 * coredns_proxy_conn_cache_misses_total{proxy_name,to,proto}              a new one was opened
 * coredns_forward_healthcheck_broken_total                                every upstream was down
 * coredns_forward_max_concurrent_rejects_total                            queries REFUSED by max_concurrent
 * </pre>
 *
 * One instance per server: the last two exist from start-up (0), as CoreDNS registers them whether
 * or not a Corefile uses {@code forward}; the per-upstream series appear when first used.
 */
public final class ForwardMetrics {
    static final String PROXY_NAME = "forward";

    final MeterRegistry registry;
    final Counter healthcheckBroken;
    final Counter maxConcurrentRejects;

    public ForwardMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.healthcheckBroken = Counter.builder("coredns.forward.healthcheck.broken")
                .description("Counter of the number of complete failures of the healthchecks.")
                .register(registry);
        this.maxConcurrentRejects = Counter.builder("coredns.forward.max.concurrent.rejects")
                .description("Counter of the number of queries rejected because the concurrent queries were at maximum.")
                .register(registry);
    }

    /** The meters of the upstream labelled {@code to} ({@code 10.0.0.10:53}). */
    UpstreamMeters upstream(String to) {
        return new UpstreamMeters(registry, to);
    }
}
