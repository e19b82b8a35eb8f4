package io.clusterdns.server.plugin.forward;

import io.clusterdns.server.metrics.DnsMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.xbill.DNS.Rcode;

/**
 * The {@code coredns_proxy_*} series of one upstream, created on first use (as CoreDNS's vectors)
 * and then read from arrays: recording is an array read and an adder increment. Two event loops
 * creating the same meter at once get the same instance from the registry, so the race is harmless.
 */
final class UpstreamMeters {
    /** Rcodes 0..23 keep their names; larger ones share the last slot. */
    private static final int RCODES = 24;
    private static final String[] PROTOS = {"udp", "tcp"};

    private final MeterRegistry registry;
    private final String to;
    private final AtomicReferenceArray<Timer> durations = new AtomicReferenceArray<>(RCODES);
    private final AtomicReferenceArray<Counter> connections = new AtomicReferenceArray<>(4);
    private volatile Counter healthcheckFailures;

    UpstreamMeters(MeterRegistry registry, String to) {
        this.registry = registry;
        this.to = to;
    }

    /** One answer from this upstream with {@code rcode}, {@code nanos} after the attempt began (connecting included). */
    void answered(int rcode, long nanos) {
        int slot = Math.max(0, Math.min(rcode, RCODES - 1));
        Timer t = durations.get(slot);
        if (t == null) {
            t = Timer.builder("coredns.proxy.request.duration")
                    .description("Histogram of the time each request took.")
                    .tags("proxy_name", ForwardMetrics.PROXY_NAME, "to", to, "rcode", Rcode.string(slot))
                    .serviceLevelObjectives(DnsMetrics.DURATION_BUCKETS)
                    .register(registry);
            durations.set(slot, t);
        }
        t.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A connection was taken for an exchange: reused from the pool ({@code hit}) or opened. */
    void connection(boolean tcp, boolean hit) {
        int slot = (tcp ? 2 : 0) + (hit ? 1 : 0);
        Counter c = connections.get(slot);
        if (c == null) {
            String proto = PROTOS[tcp ? 1 : 0];
            c = hit
                    ? Counter.builder("coredns.proxy.conn.cache.hits")
                            .description("Counter of connection cache hits per upstream and protocol.")
                            .tags("proxy_name", ForwardMetrics.PROXY_NAME, "to", to, "proto", proto).register(registry)
                    : Counter.builder("coredns.proxy.conn.cache.misses")
                            .description("Counter of connection cache misses per upstream and protocol.")
                            .tags("proxy_name", ForwardMetrics.PROXY_NAME, "to", to, "proto", proto).register(registry);
            connections.set(slot, c);
        }
        c.increment();
    }

    void healthcheckFailed() {
        Counter c = healthcheckFailures;
        if (c == null) {
            c = Counter.builder("coredns.proxy.healthcheck.failures")
                    .description("Counter of the number of failed healthchecks.")
                    .tags("proxy_name", ForwardMetrics.PROXY_NAME, "to", to)
                    .register(registry);
            healthcheckFailures = c;
        }
        c.increment();
    }
}
