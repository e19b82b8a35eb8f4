package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.resolver.SnapshotIndex;
import io.clusterdns.server.jvm.MemoryFootprint;
import io.clusterdns.server.metrics.DnsMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backend's subscription to its cluster source: applies each snapshot to every zone index of the
 * backend (one per distinct {@code kubernetes} or {@code multicluster} configuration, e.g. before
 * and after a TTL change;
 * on the source's publisher thread, off every event loop), then updates the snapshot metrics and
 * the programming latency, and opens the startup gate with the first one.
 *
 * <pre>
 * clusterdns_snapshot_publish_total                       snapshots applied to the resolver
 * clusterdns_snapshot_version                             version answered from
 * clusterdns_cluster_objects{kind}                        services, endpointslices, pods, namespaces, serviceimports,
 *                                                         imported-endpointslices in it
 * clusterdns_index_update_seconds                         time to apply one snapshot to the resolver
 * coredns_kubernetes_dns_programming_duration_seconds     see {@link ProgrammingLatency}
 * </pre>
 */
final class SnapshotApplier implements Consumer<ClusterSnapshot> {
    private static final Logger log = LoggerFactory.getLogger("plugin/kubernetes");
    private static final Duration[] INDEX_BUCKETS = DnsMetrics.exponential(Duration.ofNanos(100_000), 18);

    private final List<SnapshotIndex> indexes = new CopyOnWriteArrayList<>();
    private final ProgrammingLatency latency;
    private final CountDownLatch firstApplied = new CountDownLatch(1);
    private final Counter publishes;
    private final Timer indexUpdate;
    /** The snapshot answered from; the object gauges count it when scraped, off the publisher thread. */
    private volatile ClusterSnapshot current = ClusterSnapshot.EMPTY;
    private volatile boolean announced;

    /** {@link MemoryFootprint#afterFullSnapshot}; a test's counter. */
    private final Runnable afterFullIndex;

    SnapshotApplier(MeterRegistry registry, Runnable afterFullIndex) {
        this.afterFullIndex = afterFullIndex;
        this.latency = new ProgrammingLatency(registry);
        this.publishes = Counter.builder("clusterdns.snapshot.publish")
                .description("Cluster snapshots applied to the DNS zone index.").register(registry);
        this.indexUpdate = Timer.builder("clusterdns.index.update")
                .description("Time to apply one cluster snapshot to the DNS zone index.")
                .serviceLevelObjectives(INDEX_BUCKETS).register(registry);
    }

    /**
     * Registers the gauges of the snapshot answered from ({@link KubernetesBackend#bindMeters}: one
     * backend's at a time). The counter and timers above are registered with the applier: every
     * backend adds to the same series.
     */
    List<Meter> gauges(MeterRegistry registry) {
        List<Meter> out = new ArrayList<>();
        out.add(Gauge.builder("clusterdns.snapshot.version", this, a -> Math.max(0, a.current.version()))
                .description("Version of the cluster snapshot DNS answers come from (0 before the first).").register(registry));
        out.add(objectGauge(registry, "services", s -> s.services().size()));
        out.add(objectGauge(registry, "endpointslices", ClusterSnapshot::sliceCount));
        out.add(objectGauge(registry, "pods", s -> s.pods().size()));
        out.add(objectGauge(registry, "namespaces", s -> s.namespaces().size()));
        out.add(objectGauge(registry, "serviceimports", s -> s.serviceImports().size()));
        out.add(objectGauge(registry, "imported-endpointslices", ClusterSnapshot::importedSliceCount));
        return out;
    }

    private Gauge objectGauge(MeterRegistry registry, String kind, java.util.function.ToIntFunction<ClusterSnapshot> count) {
        return Gauge.builder("clusterdns.cluster.objects", this, a -> count.applyAsInt(a.current))
                .description("Objects in the cluster snapshot DNS answers come from.")
                .tag("kind", kind).register(registry);
    }

    /**
     * Adds a zone index: it is brought to the current snapshot at once (when there is one) and
     * follows from then on. Called off the publisher thread; the lock orders it with {@link #accept}.
     */
    synchronized void attach(SnapshotIndex index) {
        if (current.version() > 0) {
            index.update(current);
            // a whole index built from a snapshot: its garbage (hash maps of every name and
            // address) is as large as a sync's, and the one after the first snapshot may not have
            // been collected yet (the start attaches the first index after the source published)
            afterFullIndex.run();
        }
        indexes.add(index);
    }

    /** Stops updating {@code index} (its configuration is gone after a reload). */
    synchronized void detach(SnapshotIndex index) {
        indexes.remove(index);
    }

    @Override
    public synchronized void accept(ClusterSnapshot snapshot) {
        long start = System.nanoTime();
        for (SnapshotIndex index : indexes) {
            try {
                index.update(snapshot);
            } catch (RuntimeException e) {
                // Keep answering from the previous index rather than from nothing.
                log.error("plugin/kubernetes: could not index snapshot v{}; still serving v{}", snapshot.version(), index.version(), e);
                return;
            }
        }
        indexUpdate.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        publishes.increment();
        latency.applied(snapshot, Instant.now());
        current = snapshot;
        firstApplied.countDown();
        if (snapshot.changes().full() && !indexes.isEmpty()) {
            // the sync's garbage is the most the heap ever holds: give it back (with no index
            // yet, the first attach does, once its build's garbage is there too)
            afterFullIndex.run();
        }
        if (announced) {
            // Full snapshots (manifest reloads) are rare; incremental ones can come many times a second.
            if (snapshot.changes().full()) {
                log.info("plugin/kubernetes: serving snapshot v{}: {}", snapshot.version(), summary(snapshot));
            } else {
                log.debug("plugin/kubernetes: serving snapshot v{}: {}", snapshot.version(), summary(snapshot));
            }
        }
    }

    /** From now on every applied snapshot is logged (the start line sums up those applied before). */
    void announce() {
        announced = true;
    }

    /** Waits up to {@code timeout} for the first snapshot to be answered from; true when it is. */
    boolean awaitFirst(long timeout, TimeUnit unit) throws InterruptedException {
        return firstApplied.await(timeout, unit);
    }

    /** True once a snapshot was applied. */
    boolean appliedAny() {
        return firstApplied.getCount() == 0;
    }

    ProgrammingLatency programmingLatency() {
        return latency;
    }

    static String summary(ClusterSnapshot s) {
        String clusterSet = s.serviceImports().isEmpty() ? ""
                : ", " + s.serviceImports().size() + " service imports, " + s.importedSliceCount() + " imported slices";
        return s.services().size() + " services, " + s.sliceCount() + " endpoint slices, " + s.pods().size() + " pods, "
                + s.namespaces().size() + " namespaces" + clusterSet;
    }
}
