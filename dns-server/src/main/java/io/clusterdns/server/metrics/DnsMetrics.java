package io.clusterdns.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-query metrics of CoreDNS (its {@code prometheus} plugin), with CoreDNS's names, labels,
 * label values and buckets, so that its dashboards and alerts keep working:
 *
 * <pre>
 * coredns_dns_requests_total{server,zone,view,proto,family,type}
 * coredns_dns_do_requests_total{server,zone,view}
 * coredns_dns_request_duration_seconds{server,zone,view}           histogram, 0.25 ms × 2^0..15
 * coredns_dns_request_size_bytes{server,zone,view,proto}            histogram, 0 .. 64e3
 * coredns_dns_response_size_bytes{server,zone,view,proto}           histogram, 0 .. 64e3
 * coredns_dns_responses_total{server,zone,view,rcode,plugin}
 * </pre>
 *
 * {@code server} is the listener ({@code dns://:53}), {@code zone} the server block's zone that took
 * the query ({@code .} in kubeadm's Corefile) or {@code dropped} for what no block took, {@code view}
 * is empty. Meters of one (server, zone) live in one {@link ZoneMeters}, created on first use.
 *
 * <p>The size histograms go to the Prometheus client directly because Micrometer refuses CoreDNS's
 * bucket 0 (always empty: a DNS message has at least 12 bytes, but dashboards may list it).
 */
public final class DnsMetrics {
    /** The zone label of queries no server block took (and of those refused before). */
    public static final String DROPPED = "dropped";
    static final double[] SIZE_BUCKETS = {0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16e3, 32e3, 48e3, 64e3};
    /** {@code prometheus.ExponentialBuckets(0.00025, 2, 16)}: 0.25 ms to 8.192 s. */
    public static final Duration[] DURATION_BUCKETS = exponential(Duration.ofNanos(250_000), 16);

    private final MeterRegistry registry;
    private final Histogram requestSize;
    private final Histogram responseSize;
    private final ConcurrentHashMap<ZoneKey, ZoneMeters> zones = new ConcurrentHashMap<>();

    private record ZoneKey(String server, String zone) {
    }

    public DnsMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        this.requestSize = sizeHistogram(registry, "coredns_dns_request_size_bytes",
                "Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.");
        this.responseSize = sizeHistogram(registry, "coredns_dns_response_size_bytes", "Size of the returned response in bytes.");
    }

    /** The meters of {@code zone} on {@code server}; keep the result where queries are counted. */
    public ZoneMeters zone(String server, String zone) {
        return zones.computeIfAbsent(new ZoneKey(server, zone), k -> new ZoneMeters(this, k.server(), k.zone()));
    }

    MeterRegistry registry() {
        return registry;
    }

    Histogram requestSize() {
        return requestSize;
    }

    Histogram responseSize() {
        return responseSize;
    }

    Counter counter(String name, String help, String... tags) {
        return Counter.builder(name).description(help).tags(tags).register(registry);
    }

    Timer timer(String name, String help, Duration[] buckets, String... tags) {
        return Timer.builder(name).description(help).tags(tags).serviceLevelObjectives(buckets).register(registry);
    }

    private static Histogram sizeHistogram(PrometheusMeterRegistry registry, String name, String help) {
        return Histogram.builder()
                .name(name)
                .help(help)
                .labelNames("server", "zone", "view", "proto")
                .classicUpperBounds(SIZE_BUCKETS)
                .classicOnly()
                .withoutExemplars()
                .register(registry.getPrometheusRegistry());
    }

    /** {@code count} buckets from {@code start}, doubling. */
    public static Duration[] exponential(Duration start, int count) {
        Duration[] out = new Duration[count];
        for (int i = 0; i < count; i++) {
            out[i] = start.multipliedBy(1L << i);
        }
        return out;
    }
}
