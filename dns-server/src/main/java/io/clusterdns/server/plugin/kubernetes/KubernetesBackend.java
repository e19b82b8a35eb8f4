package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.SourceHealth;
import io.clusterdns.resolver.Resolver;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * What a {@code kubernetes} plugin answers from and what outlives a reload of the Corefile: the
 * cluster source (informers or manifests), the zone index built from its snapshots
 * ({@link Resolver}) and their metrics. Blocks with the same {@link KubernetesConfig.Backend}
 * share one; a reload that does not change it keeps it, so nothing is listed again.
 */
public final class KubernetesBackend implements AutoCloseable {
    private final KubernetesConfig.Backend config;
    private final ClusterSource source;
    private final Resolver resolver;
    private final SnapshotApplier applier;

    /** Not started: {@link #start} subscribes and starts the source (which this backend now owns). */
    public KubernetesBackend(KubernetesConfig.Backend config, ClusterSource source, MeterRegistry registry) {
        this.config = config;
        this.source = source;
        this.resolver = new Resolver(config.resolver());
        this.applier = new SnapshotApplier(resolver, registry);
        SourceMetrics.bind(source, registry);
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

    /** CoreDNS's start-up rule: wait up to {@code timeout} for the first complete view; false when it did not come. */
    public boolean awaitSynced(Duration timeout) {
        return StartupGate.await(applier, source, timeout);
    }

    /** From now on every applied snapshot is logged. */
    public void announce() {
        applier.announce();
    }

    public Resolver resolver() {
        return resolver;
    }

    public ClusterSource source() {
        return source;
    }

    /** Unhealthy when the source stopped following the cluster for good. */
    public SourceHealth health() {
        return source.health();
    }

    /** Why it is not ready ({@code services synced, endpointslices waiting, ...}), null once it answers from a synced view. */
    public String notReadyReason() {
        return resolver.synced() ? null : StartupGate.describe(source);
    }

    /** {@code snapshot v3: 12 services, ...} for the start-up line. */
    public String describe() {
        return resolver.synced() ? "snapshot v" + source.current().version() + ": " + SnapshotApplier.summary(source.current())
                : "not synced yet";
    }

    @Override
    public void close() {
        source.close();
    }
}
