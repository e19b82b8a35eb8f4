package io.clusterdns.server;

import io.clusterdns.k8s.config.ListenAddress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The per-query metrics of the CoreDNS {@code prometheus} plugin, with its names, labels and
 * buckets, so that CoreDNS dashboards and alerts keep working:
 *
 * <pre>
 * coredns_dns_requests_total{server,zone,view,proto,family,type}
 * coredns_dns_do_requests_total{server,zone,view}
 * coredns_dns_request_duration_seconds{server,zone,view,type}       histogram, 0.25 ms × 2^0..15
 * coredns_dns_request_size_bytes{server,zone,view,proto}            histogram, 0 .. 64e3
 * coredns_dns_response_size_bytes{server,zone,view,proto}           histogram, 0 .. 64e3
 * coredns_dns_responses_total{server,zone,view,rcode,plugin}
 * </pre>
 *
 * <p>Meters are looked up in arrays indexed by label values (zone, proto, family, type, rcode),
 * created on first use and then reused: recording a query is a few array reads and adder
 * increments, no allocation, no registry lookup. Two threads creating the same meter at once get
 * the same instance from the registry, so the race is harmless.
 *
 * <p>The size histograms go to the Prometheus client directly because Micrometer refuses CoreDNS's
 * bucket 0 (it is always empty: a DNS message has at least 12 bytes, but dashboards may list it).
 */
final class DnsMetrics implements QueryMetrics {
    /** The types CoreDNS names in its {@code type} label; every other type is {@code other}. */
    private static final int[] MONITORED_TYPES = {Type.A, Type.AAAA, Type.CNAME, Type.DNSKEY, Type.DS, Type.MX,
        Type.NSEC3, Type.NSEC, Type.NS, Type.PTR, Type.RRSIG, Type.SOA, Type.SRV, Type.TXT, Type.IXFR, Type.AXFR, Type.ANY};
    private static final int TYPES = MONITORED_TYPES.length + 1;
    private static final int OTHER_TYPE = MONITORED_TYPES.length;
    private static final byte[] TYPE_INDEX = new byte[256];
    /** Rcodes 0..23 keep their names (BADVERS is 16); larger ones, which this server never sends, share the last slot. */
    private static final int RCODES = 24;
    private static final double[] SIZE_BUCKETS = {0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16e3, 32e3, 48e3, 64e3};
    /** {@code prometheus.ExponentialBuckets(0.00025, 2, 16)}: 0.25 ms to 8.192 s. */
    static final Duration[] DURATION_BUCKETS = exponential(Duration.ofNanos(250_000), 16);
    private static final String VIEW = "";
    private static final String PLUGIN = "kubernetes";

    static {
        java.util.Arrays.fill(TYPE_INDEX, (byte) OTHER_TYPE);
        for (int i = 0; i < MONITORED_TYPES.length; i++) {
            TYPE_INDEX[MONITORED_TYPES[i]] = (byte) i;
        }
    }

    private final MeterRegistry registry;
    private final Zones zones;
    /** The {@code server} label; null until the listeners have a port (queries before that are not counted). */
    private volatile String server;
    private final int zoneSlots;
    private final AtomicReferenceArray<Counter> requests;
    private final AtomicReferenceArray<Counter> doRequests;
    private final AtomicReferenceArray<Timer> durations;
    private final AtomicReferenceArray<Counter> responses;
    private final AtomicReferenceArray<DistributionDataPoint> requestSizes;
    private final AtomicReferenceArray<DistributionDataPoint> responseSizes;
    private final Histogram requestSize;
    private final Histogram responseSize;

    DnsMetrics(PrometheusMeterRegistry registry, Zones zones) {
        this(registry, registry.getPrometheusRegistry(), zones);
    }

    DnsMetrics(MeterRegistry registry, PrometheusRegistry prometheus, Zones zones) {
        this.registry = registry;
        this.zones = zones;
        this.zoneSlots = zones.size() + 2;
        this.requests = new AtomicReferenceArray<>(zoneSlots * 2 * 2 * TYPES);
        this.doRequests = new AtomicReferenceArray<>(zoneSlots);
        this.durations = new AtomicReferenceArray<>(zoneSlots * TYPES);
        this.responses = new AtomicReferenceArray<>(zoneSlots * RCODES * 2);
        this.requestSizes = new AtomicReferenceArray<>(zoneSlots * 2);
        this.responseSizes = new AtomicReferenceArray<>(zoneSlots * 2);
        this.requestSize = sizeHistogram(prometheus, "coredns_dns_request_size_bytes",
                "Size of the EDNS0 UDP buffer in bytes (64K for TCP).");
        this.responseSize = sizeHistogram(prometheus, "coredns_dns_response_size_bytes", "Size of the returned response in bytes.");
    }

    /**
     * Sets the {@code server} label once the listeners are bound (port 0 is only known then):
     * {@code dns://127.0.0.1:1053}, or {@code dns://:53} on all IPv4 interfaces as CoreDNS writes it.
     */
    void listening(ListenAddress bound) {
        server = serverLabel(bound);
    }

    /** The {@code server} label of a listener: CoreDNS's {@code dns://ADDR:PORT}, {@code dns://:PORT} on all IPv4 interfaces. */
    static String serverLabel(ListenAddress bound) {
        return "dns://" + (bound.isWildcard() && !bound.isIPv6() ? ":" + bound.port() : bound.toString());
    }

    @Override
    public void record(QueryOutcome.Response response, Transport transport, boolean ipv6Client, int requestBytes, long nanos) {
        if (server == null) {
            return;
        }
        int zone = zoneSlot(response.zone());
        int proto = transport == Transport.UDP ? 0 : 1;
        int family = ipv6Client ? 1 : 0;
        int type = typeIndex(response.qtype());
        requestCounter(((zone * 2 + proto) * 2 + family) * TYPES + type).increment();
        if (response.dnssecOk()) {
            doCounter(zone).increment();
        }
        durationTimer(zone * TYPES + type).record(nanos, TimeUnit.NANOSECONDS);
        sizePoint(requestSizes, requestSize, zone * 2 + proto).observe(requestBytes);
        sizePoint(responseSizes, responseSize, zone * 2 + proto).observe(response.wire().length);
        int rcode = Math.min(response.rcode(), RCODES - 1);
        responseCounter((zone * RCODES + rcode) * 2 + (response.resolved() ? 1 : 0)).increment();
    }

    private int zoneSlot(int zone) {
        return zone >= 0 ? zone : zones.size() + (zone == Zones.ROOT ? 0 : 1);
    }

    private String zoneLabel(int slot) {
        return zones.label(slot < zones.size() ? slot : slot == zones.size() ? Zones.ROOT : Zones.DROPPED);
    }

    private static int typeIndex(int qtype) {
        return qtype >= 0 && qtype < TYPE_INDEX.length ? TYPE_INDEX[qtype] : OTHER_TYPE;
    }

    private static String typeLabel(int index) {
        return index == OTHER_TYPE ? "other" : Type.string(MONITORED_TYPES[index]);
    }

    private static String proto(int index) {
        return index == 0 ? "udp" : "tcp";
    }

    private Counter requestCounter(int i) {
        Counter c = requests.get(i);
        if (c == null) {
            int type = i % TYPES;
            int family = (i / TYPES) % 2;
            int proto = (i / TYPES / 2) % 2;
            int zone = i / TYPES / 4;
            c = Counter.builder("coredns.dns.requests")
                    .description("Counter of DNS requests made per zone, protocol and family.")
                    .tags("server", server, "zone", zoneLabel(zone), "view", VIEW, "proto", proto(proto),
                            "family", family == 0 ? "1" : "2", "type", typeLabel(type))
                    .register(registry);
            requests.set(i, c);
        }
        return c;
    }

    private Counter doCounter(int zone) {
        Counter c = doRequests.get(zone);
        if (c == null) {
            c = Counter.builder("coredns.dns.do.requests")
                    .description("Counter of DNS requests with DO bit set per zone.")
                    .tags("server", server, "zone", zoneLabel(zone), "view", VIEW)
                    .register(registry);
            doRequests.set(zone, c);
        }
        return c;
    }

    private Timer durationTimer(int i) {
        Timer t = durations.get(i);
        if (t == null) {
            t = Timer.builder("coredns.dns.request.duration")
                    .description("Histogram of the time (in seconds) each request took per zone.")
                    .tags("server", server, "zone", zoneLabel(i / TYPES), "view", VIEW, "type", typeLabel(i % TYPES))
                    .serviceLevelObjectives(DURATION_BUCKETS)
                    .register(registry);
            durations.set(i, t);
        }
        return t;
    }

    private Counter responseCounter(int i) {
        Counter c = responses.get(i);
        if (c == null) {
            boolean resolved = i % 2 == 1;
            int rcode = (i / 2) % RCODES;
            c = Counter.builder("coredns.dns.responses")
                    .description("Counter of response status codes.")
                    .tags("server", server, "zone", zoneLabel(i / 2 / RCODES), "view", VIEW, "rcode", Rcode.string(rcode),
                            "plugin", resolved ? PLUGIN : "")
                    .register(registry);
            responses.set(i, c);
        }
        return c;
    }

    private DistributionDataPoint sizePoint(AtomicReferenceArray<DistributionDataPoint> cache, Histogram histogram, int i) {
        DistributionDataPoint p = cache.get(i);
        if (p == null) {
            p = histogram.labelValues(server, zoneLabel(i / 2), VIEW, proto(i % 2));
            cache.set(i, p);
        }
        return p;
    }

    private static Histogram sizeHistogram(PrometheusRegistry prometheus, String name, String help) {
        return Histogram.builder()
                .name(name)
                .help(help)
                .labelNames("server", "zone", "view", "proto")
                .classicUpperBounds(SIZE_BUCKETS)
                .classicOnly()
                .withoutExemplars()
                .register(prometheus);
    }

    static Duration[] exponential(Duration start, int count) {
        Duration[] out = new Duration[count];
        for (int i = 0; i < count; i++) {
            out[i] = start.multipliedBy(1L << i);
        }
        return out;
    }
}
