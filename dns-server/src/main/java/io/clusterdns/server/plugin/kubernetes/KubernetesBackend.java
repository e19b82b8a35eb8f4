package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.SourceHealth;
import io.clusterdns.k8s.persist.PersistedClusterSource;
import io.clusterdns.resolver.ClusterSetConfig;
import io.clusterdns.resolver.ClusterSetResolver;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.resolver.ResolverConfig;
import io.clusterdns.resolver.SnapshotIndex;
import io.clusterdns.server.jvm.MemoryFootprint;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * What {@code kubernetes} (and {@code multicluster}) plugins answer from and what outlives a reload
 * of the Corefile: the cluster source (informers or manifests) and the zone indexes built from its
 * snapshots, one per distinct plugin configuration ({@link Resolver} for the cluster zone,
 * {@link ClusterSetResolver} for the clusterset zone). Plugins following the same
 * {@link KubernetesConfig.Backend} share one; a reload keeps it, so nothing is listed again, and
 * a changed TTL or zone only builds a new index from the snapshot in hand.
 */
public final class KubernetesBackend implements AutoCloseable {
    private final KubernetesConfig.Backend config;
    private final ClusterSource source;
    private final SnapshotApplier applier;
    private final MeterRegistry registry;
    /** The gauges reading this backend's source and snapshot while they are registered ({@link #bindMeters}), else null. */
    private List<Meter> meters;
    /** By configuration: a ResolverConfig or a ClusterSetConfig (records of distinct types, so keys never collide). */
    private final Map<Object, SnapshotIndex> indexes = new ConcurrentHashMap<>();

    /** Not started: {@link #start} subscribes and starts the source (which this backend now owns). */
    public KubernetesBackend(KubernetesConfig.Backend config, ClusterSource source, MeterRegistry registry) {
        this.config = config;
        this.source = source;
        this.registry = registry;
        // the compaction after a complete snapshot waits for the persisted snapshot's write, whose garbage it would keep
        BooleanSupplier writing = source instanceof PersistedClusterSource persisted ? persisted.writer()::writing : () -> false;
        this.applier = new SnapshotApplier(registry, () -> MemoryFootprint.afterFullSnapshot(writing));
        SourceMetrics.bindTimers(source, registry);
    }

    /**
     * Registers the gauges that read this backend's source and snapshot ({@code
     * clusterdns_snapshot_version}, {@code clusterdns_cluster_objects}, {@code clusterdns_source_*}):
     * the server binds one backend's at a time, the first of its Corefile, and unbinds the one
     * before first. A gauge name belongs to one object: registered while another backend's was,
     * Micrometer would keep the other (warning once) and the series would go on reading a source
     * a reload closed.
     */
    public synchronized void bindMeters() {
        if (meters == null) {
            List<Meter> m = new ArrayList<>(applier.gauges(registry));
            m.addAll(SourceMetrics.functionMeters(source, registry));
            meters = m;
        }
    }

    /** Removes what {@link #bindMeters} registered (nothing when it did not). */
    public synchronized void unbindMeters() {
        if (meters != null) {
            meters.forEach(registry::remove);
            meters = null;
        }
    }

    public KubernetesConfig.Backend config() {
        return config;
    }

    /**
     * Starts following the cluster; throws with the source's one-line message when it cannot
     * start (a bad manifest, an unreadable kubeconfig).
     */
    public void start() {
        // subscribe before start so that no snapshot published while starting is missed
        source.subscribe(applier);
        source.start();
    }

    /**
     * Returns once the source's start has finished (a persisted snapshot's live client is built in
     * the background while the listeners start); throws what {@link #start()} would have thrown.
     */
    public void awaitStarted() {
        source.awaitStarted();
    }

    /** CoreDNS's start-up rule: wait up to {@code timeout} for the first complete view; false when it did not come. */
    public boolean awaitSynced(Duration timeout) {
        return StartupGate.await(applier, source, timeout);
    }

    /** From now on every applied snapshot is logged. */
    public void announce() {
        applier.announce();
    }

    /** The cluster zone's index of {@code config}, made (from the current snapshot, if any) on first use. */
    public Resolver resolver(ResolverConfig config) {
        return index(config, Resolver::new, Resolver.class);
    }

    /** The clusterset zone's index of {@code config}, made (from the current snapshot, if any) on first use. */
    public ClusterSetResolver clusterSet(ClusterSetConfig config) {
        return index(config, ClusterSetResolver::new, ClusterSetResolver.class);
    }

    private <C, T extends SnapshotIndex> T index(C config, Function<C, T> make, Class<T> type) {
        return type.cast(indexes.computeIfAbsent(config, c -> {
            T index = make.apply(config);
            applier.attach(index);
            return index;
        }));
    }

    /** Drops the indexes of configurations no longer used (after a reload). */
    public void retain(Set<?> used) {
        for (Object c : Set.copyOf(indexes.keySet())) {
            if (!used.contains(c)) {
                applier.detach(indexes.remove(c));
            }
        }
    }

    /** True once a complete snapshot was applied. */
    public boolean synced() {
        return source.hasSynced() && applier.appliedAny();
    }

    public ClusterSource source() {
        return source;
    }

    /** Unhealthy when the source stopped following the cluster for good. */
    public SourceHealth health() {
        return source.health();
    }

    /**
     * Why it is not ready ({@code services synced, endpointslices waiting, ...}), null once it
     * answers from a synced view. The sources can be synced before that: the start builds the
     * chains beside the source, and a zone index is built from the first snapshot once both are
     * there (seconds at 50,000 services), so the reason then says so rather than listing only
     * synced kinds behind a 503.
     */
    public String notReadyReason() {
        if (synced()) {
            return null;
        }
        String sources = StartupGate.describe(source);
        return source.hasSynced() ? sources + "; building the zone index" : sources;
    }

    /**
     * While answering from the snapshot persisted by an earlier run (the API server has not synced
     * yet): {@code stale: serving the snapshot persisted in FILE at T (age 42s) until ...}; null otherwise.
     */
    public String staleReason() {
        return source.stale().map(s -> s.describe(Instant.now(), source.syncStatus())).orElse(null);
    }

    /** {@code snapshot v3: 12 services, ...} for the start-up line. */
    public String describe() {
        if (!synced()) {
            return "not synced yet";
        }
        String summary = "snapshot v" + source.current().version() + ": " + SnapshotApplier.summary(source.current());
        return source.stale().isPresent() ? summary + " (" + staleReason() + ")" : summary;
    }

    @Override
    public void close() {
        unbindMeters();
        source.close();
    }
}
