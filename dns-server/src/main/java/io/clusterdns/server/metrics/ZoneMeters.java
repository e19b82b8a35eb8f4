package io.clusterdns.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The {@link DnsMetrics} of one (server, zone). Meters are looked up in arrays indexed by label
 * values (proto, family, type, rcode), created on first use and then reused: counting a query is a
 * few array reads and adder increments. Two threads creating the same meter at once get the same
 * instance from the registry, so the race is harmless.
 */
public final class ZoneMeters {
    /** The types CoreDNS names in its {@code type} label; every other type is {@code other}. */
    private static final int[] MONITORED_TYPES = {Type.A, Type.AAAA, Type.CNAME, Type.DNSKEY, Type.DS, Type.MX,
        Type.NSEC3, Type.NSEC, Type.NS, Type.PTR, Type.RRSIG, Type.SOA, Type.SRV, Type.TXT, Type.IXFR, Type.AXFR, Type.ANY};
    private static final int TYPES = MONITORED_TYPES.length + 1;
    private static final int OTHER_TYPE = MONITORED_TYPES.length;
    private static final byte[] TYPE_INDEX = new byte[256];
    /** Rcodes 0..23 keep their names (BADVERS is 16); larger ones share the last slot. */
    private static final int RCODES = 24;
    private static final String VIEW = "";
    /** {@link #countFastPath}'s series by {@code found}: name and help. */
    private static final String[][] FAST_PATH = {
        {"clusterdns.fastpath.hits", "Queries the fast path answered from an answer it had encoded for an earlier query."},
        {"clusterdns.fastpath.misses", "Queries the fast path answered by encoding the answer: the first query for the question."},
        {"clusterdns.fastpath.reencodes", "Queries the fast path answered by encoding the answer again: a snapshot changed what it was read from."},
        {"clusterdns.fastpath.evictions", "Answers the fast path evicted to keep its answers within their memory budget."},
    };
    /** {@link #countFastPath}'s {@code found}: answered from an answer held, encoded for the first time, encoded again. */
    public static final int FAST_PATH_HIT = 0;
    public static final int FAST_PATH_MISS = 1;
    public static final int FAST_PATH_REENCODE = 2;
    private static final int FAST_PATH_EVICTIONS = 3;

    static {
        java.util.Arrays.fill(TYPE_INDEX, (byte) OTHER_TYPE);
        for (int i = 0; i < MONITORED_TYPES.length; i++) {
            TYPE_INDEX[MONITORED_TYPES[i]] = (byte) i;
        }
    }

    private final DnsMetrics metrics;
    private final String server;
    private final String zone;
    private final AtomicReferenceArray<Counter> requests = new AtomicReferenceArray<>(2 * 2 * TYPES);
    private final Counter doRequests;
    private final Timer duration;
    private final DistributionDataPoint[] requestSizes = new DistributionDataPoint[2];
    private final DistributionDataPoint[] responseSizes = new DistributionDataPoint[2];
    /** The fast path's answers by how they were found ({@link #countFastPath}); each made on first use. */
    private final AtomicReferenceArray<Counter> fastPath = new AtomicReferenceArray<>(FAST_PATH.length);
    /** Responses by plugin label, each by rcode. */
    private final ConcurrentHashMap<String, AtomicReferenceArray<Counter>> responses = new ConcurrentHashMap<>();

    ZoneMeters(DnsMetrics metrics, String server, String zone) {
        this.metrics = metrics;
        this.server = server;
        this.zone = zone;
        this.doRequests = metrics.counter("coredns.dns.do.requests", "Counter of DNS requests with DO bit set per zone.",
                "server", server, "zone", zone, "view", VIEW);
        this.duration = metrics.timer("coredns.dns.request.duration", "Histogram of the time (in seconds) each request took per zone.",
                DnsMetrics.DURATION_BUCKETS, "server", server, "zone", zone, "view", VIEW);
        for (int proto = 0; proto < 2; proto++) {
            requestSizes[proto] = metrics.requestSize().labelValues(server, zone, VIEW, proto(proto));
            responseSizes[proto] = metrics.responseSize().labelValues(server, zone, VIEW, proto(proto));
        }
    }

    /**
     * Counts one query and its response.
     *
     * @param tcp           it came over TCP
     * @param ipv6Client    from an IPv6 address ({@code family="2"})
     * @param plugin        the {@code plugin} label: CoreDNS names the plugin whose writer wrote the
     *                      response; empty when the server wrote it (an error rcode, a refusal)
     * @param responseBytes 0 when nothing was sent
     * @param nanos         from receiving the query to sending its response
     */
    public void record(boolean tcp, boolean ipv6Client, int qtype, boolean dnssecOk, int requestBytes, int rcode, String plugin,
                       int responseBytes, long nanos) {
        int proto = tcp ? 1 : 0;
        requestCounter((proto * 2 + (ipv6Client ? 1 : 0)) * TYPES + typeIndex(qtype)).increment();
        if (dnssecOk) {
            doRequests.increment();
        }
        duration.record(nanos, TimeUnit.NANOSECONDS);
        requestSizes[proto].observe(requestBytes);
        responseSizes[proto].observe(responseBytes);
        responseCounter(plugin, Math.max(0, Math.min(rcode, RCODES - 1))).increment();
    }

    /**
     * Counts one query the fast path answered (also {@link #record}ed), by how it found the answer:
     * {@link #FAST_PATH_HIT}, {@link #FAST_PATH_MISS} or {@link #FAST_PATH_REENCODE}, in
     * {@code clusterdns_fastpath_{hits,misses,reencodes}_total{server,zone}}.
     */
    public void countFastPath(int found) {
        fastPathCounter(found).increment();
    }

    /**
     * Counts {@code answers} the fast path evicted to keep the answer of a query it answered
     * (when its answers reached their memory budget), in {@code clusterdns_fastpath_evictions_total{server,zone}}.
     */
    public void countFastPathEvictions(int answers) {
        fastPathCounter(FAST_PATH_EVICTIONS).increment(answers);
    }

    private Counter fastPathCounter(int i) {
        Counter c = fastPath.get(i);
        if (c == null) {
            c = metrics.counter(FAST_PATH[i][0], FAST_PATH[i][1], "server", server, "zone", zone);
            fastPath.set(i, c);
        }
        return c;
    }

    private Counter requestCounter(int i) {
        Counter c = requests.get(i);
        if (c == null) {
            int type = i % TYPES;
            int family = (i / TYPES) % 2;
            int proto = i / TYPES / 2;
            c = metrics.counter("coredns.dns.requests", "Counter of DNS requests made per zone, protocol and family.",
                    "server", server, "zone", zone, "view", VIEW, "proto", proto(proto), "family", family == 0 ? "1" : "2",
                    "type", type == OTHER_TYPE ? "other" : Type.string(MONITORED_TYPES[type]));
            requests.set(i, c);
        }
        return c;
    }

    private Counter responseCounter(String plugin, int rcode) {
        AtomicReferenceArray<Counter> byRcode = responses.computeIfAbsent(plugin, p -> new AtomicReferenceArray<>(RCODES));
        Counter c = byRcode.get(rcode);
        if (c == null) {
            c = metrics.counter("coredns.dns.responses", "Counter of response status codes.",
                    "server", server, "zone", zone, "view", VIEW, "rcode", Rcode.string(rcode), "plugin", plugin);
            byRcode.set(rcode, c);
        }
        return c;
    }

    private static int typeIndex(int qtype) {
        return qtype >= 0 && qtype < TYPE_INDEX.length ? TYPE_INDEX[qtype] : OTHER_TYPE;
    }

    private static String proto(int index) {
        return index == 0 ? "udp" : "tcp";
    }
}
