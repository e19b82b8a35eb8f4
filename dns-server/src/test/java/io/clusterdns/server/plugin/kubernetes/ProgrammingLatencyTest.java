package io.clusterdns.server.plugin.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.SnapshotDelta;
import io.clusterdns.k8s.model.TargetPort;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When {@code coredns_kubernetes_dns_programming_duration_seconds} records, with the clock passed
 * in, so values are exact.
 *
 * <pre>
 * T0 = 2025-01-01T00:00:00Z, times are T0 + seconds
 * default/db        headless, selector app=db, slice db-1 (10.244.1.10)           counts
 * default/plain     headless, no selector (hand-written slices)                   never counts
 * default/web       ClusterIP 10.96.0.50, selector app=web                        never counts
 * </pre>
 */
class ProgrammingLatencyTest {
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    static final ServiceKey DB = ServiceKey.of("default", "db");
    static final ServiceKey PLAIN = ServiceKey.of("default", "plain");
    static final ServiceKey WEB = ServiceKey.of("default", "web");

    ProgrammingLatency latency;
    Timer timer;

    @BeforeEach
    void setUp() {
        latency = new ProgrammingLatency(new SimpleMeterRegistry());
        timer = latency.timer();
    }

    static Instant at(double seconds) {
        return T0.plusMillis((long) (seconds * 1000));
    }

    static ServiceInfo service(ServiceKey key, boolean headless, Map<String, String> selector) {
        ServicePort port = new ServicePort("http", Protocol.TCP, 80, TargetPort.of(8080), 0, null);
        return new ServiceInfo(key, ServiceType.CLUSTER_IP, headless ? List.of() : List.of(IpAddresses.parse("10.96.0.50")),
                headless, List.of(IpFamily.IPV4), List.of(port), null, null, null, null, null, null, null, 0, false, selector, Map.of());
    }

    static EndpointSliceInfo slice(ServiceKey key, String name, String ip, Instant trigger) {
        EndpointInfo e = new EndpointInfo(IpAddresses.parse(ip), null, "node-1", null, true, true, false, null);
        return new EndpointSliceInfo(name, key, IpFamily.IPV4, List.of(e), List.of(new EndpointPort("http", Protocol.TCP, 8080, null)),
                trigger);
    }

    /** Version 1 built from scratch, each service with one slice triggered at T0. */
    static ClusterSnapshot cluster() {
        return new ClusterSnapshot(1, T0, List.of(service(DB, true, Map.of("app", "db")), service(PLAIN, true, null),
                service(WEB, false, Map.of("app", "web"))),
                List.of(slice(DB, "db-1", "10.244.1.10", T0), slice(PLAIN, "plain-1", "10.244.1.20", T0),
                        slice(WEB, "web-1", "10.244.1.30", T0)),
                List.of(), List.of(new NamespaceInfo("default", Map.of())));
    }

    @Test
    void aSnapshotBuiltFromScratchIsOnlyTheBaseline() {
        latency.applied(cluster(), at(100));

        assertThat(timer.count()).isZero();
    }

    @Test
    void recordsFromTheNewestTriggerTimeOfTheChangedServiceToNow() {
        ClusterSnapshot v1 = cluster();
        latency.applied(v1, at(1));
        ClusterSnapshot v2 = v1.apply(new SnapshotDelta()
                .putSlice(slice(DB, "db-1", "10.244.1.11", at(2)))
                .putSlice(slice(DB, "db-2", "10.244.2.11", at(3))), at(3.1));

        latency.applied(v2, at(3.25));

        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
    }

    @Test
    void aTriggerTimeCountsOnceEvenWhenTheServiceChangesAgain() {
        ClusterSnapshot v1 = cluster();
        latency.applied(v1, at(1));
        ClusterSnapshot v2 = v1.apply(new SnapshotDelta().putSlice(slice(DB, "db-1", "10.244.1.11", at(2))), at(2));
        latency.applied(v2, at(2.5));
        ClusterSnapshot v3 = v2.apply(new SnapshotDelta().putService(service(DB, true, Map.of("app", "db", "tier", "data"))), at(3));
        latency.applied(v3, at(3));
        ClusterSnapshot v4 = v3.apply(new SnapshotDelta().putSlice(slice(DB, "db-1", "10.244.1.12", at(1.5))), at(4));
        latency.applied(v4, at(4));

        assertThat(timer.count()).as("v3 has the same trigger time, v4 an older one").isEqualTo(1);
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(500);
    }

    @Test
    void onlyHeadlessServicesWithASelectorCount() {
        ClusterSnapshot v1 = cluster();
        latency.applied(v1, at(1));
        ClusterSnapshot v2 = v1.apply(new SnapshotDelta()
                .putSlice(slice(PLAIN, "plain-1", "10.244.1.21", at(2)))
                .putSlice(slice(WEB, "web-1", "10.244.1.31", at(2))), at(2));

        latency.applied(v2, at(3));

        assertThat(timer.count()).isZero();
    }

    @Test
    void slicesWithoutTriggerTimeDoNotCount() {
        ClusterSnapshot v1 = cluster();
        latency.applied(v1, at(1));
        ClusterSnapshot v2 = v1.apply(new SnapshotDelta()
                .removeSlice(DB, "db-1")
                .putSlice(slice(DB, "db-x", "10.244.1.13", null)), at(2));

        latency.applied(v2, at(3));

        assertThat(timer.count()).isZero();
    }

    @Test
    void aClockBehindTheApiServerRecordsZeroNotANegativeTime() {
        ClusterSnapshot v1 = cluster();
        latency.applied(v1, at(1));
        ClusterSnapshot v2 = v1.apply(new SnapshotDelta().putSlice(slice(DB, "db-1", "10.244.1.11", at(10))), at(2));

        latency.applied(v2, at(9));

        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isZero();
    }

    @Test
    void bucketsAreCoreDnsExponentialFromOneMillisecond() {
        assertThat(ProgrammingLatency.BUCKETS).hasSize(20);
        assertThat(ProgrammingLatency.BUCKETS[0]).isEqualTo(Duration.ofMillis(1));
        assertThat(ProgrammingLatency.BUCKETS[19]).isEqualTo(Duration.ofMillis(524_288));
    }
}
