package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.server.metrics.DnsMetrics;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * CoreDNS's {@code coredns_kubernetes_dns_programming_duration_seconds}: for a headless service with
 * a selector, the time from the change that made the EndpointSlice controller rewrite its slices
 * (their {@code endpoints.kubernetes.io/last-change-trigger-time}) until DNS answers with it. The
 * SLI of the Kubernetes scalability tests; only headless services count because only their answers
 * depend on endpoints.
 *
 * <p>Recorded once per trigger time and service, after the snapshot has been applied to the
 * resolver. A snapshot built from scratch (the first one, a manifest reload) records nothing: its
 * trigger times are history, not changes this server just programmed; they only become the
 * baseline. Not thread-safe: called from the source's publisher thread only.
 */
final class ProgrammingLatency {
    static final String SERVICE_KIND = "headless_with_selector";
    /** {@code prometheus.ExponentialBuckets(0.001, 2, 20)}: 1 ms to 524 s. */
    static final Duration[] BUCKETS = DnsMetrics.exponential(Duration.ofMillis(1), 20);

    private final Timer timer;
    /** The newest trigger time recorded per service, so that a snapshot changing the service for another reason does not count it again. */
    private final Map<ServiceKey, Instant> recorded = new HashMap<>();

    ProgrammingLatency(MeterRegistry registry) {
        this.timer = Timer.builder("coredns.kubernetes.dns.programming.duration")
                .description("Histogram of the time (in seconds) it took to program a dns instance.")
                .tag("service_kind", SERVICE_KIND)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    /** Call once {@code snapshot} is what the resolver answers from; {@code now} is that moment. */
    void applied(ClusterSnapshot snapshot, Instant now) {
        if (snapshot.changes().full()) {
            recorded.clear();
            snapshot.services().forEach((key, service) -> baseline(snapshot, key, service));
            return;
        }
        for (ServiceKey key : snapshot.changes().services()) {
            Instant trigger = baseline(snapshot, key, snapshot.service(key));
            if (trigger != null) {
                Duration latency = Duration.between(trigger, now);
                timer.record(latency.isNegative() ? Duration.ZERO : latency);
            }
        }
    }

    /** Updates the service's entry; returns its trigger time when it is new, null otherwise. */
    private Instant baseline(ClusterSnapshot snapshot, ServiceKey key, ServiceInfo service) {
        if (!headlessWithSelector(service)) {
            recorded.remove(key);
            return null;
        }
        Instant newest = null;
        for (EndpointSliceInfo slice : snapshot.slices(key)) {
            Instant t = slice.triggerTime();
            if (t != null && (newest == null || t.isAfter(newest))) {
                newest = t;
            }
        }
        if (newest == null) {
            return null;
        }
        Instant previous = recorded.get(key);
        if (previous != null && !newest.isAfter(previous)) {
            return null;
        }
        recorded.put(key, newest);
        return newest;
    }

    private static boolean headlessWithSelector(ServiceInfo service) {
        return service != null && service.headless() && service.selector() != null && !service.selector().isEmpty();
    }

    Timer timer() {
        return timer;
    }
}
