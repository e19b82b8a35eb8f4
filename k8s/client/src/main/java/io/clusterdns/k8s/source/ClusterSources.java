package io.clusterdns.k8s.source;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.informer.InformerClusterSource;
import io.clusterdns.k8s.informer.InformerConfig;
import io.clusterdns.k8s.manifest.ManifestClusterSource;
import io.clusterdns.k8s.manifest.ManifestConfig;
import io.clusterdns.k8s.persist.PersistedClusterSource;
import io.clusterdns.k8s.persist.SnapshotStore;
import io.clusterdns.k8s.persist.SnapshotWriter;
import java.time.Clock;
import java.util.function.UnaryOperator;

/**
 * Builds the (not yet started) cluster source a {@link ClusterSourceSpec} asks for: the one place the
 * servers wire sources. An API server source whose spec names a snapshot file is wrapped in a
 * {@link PersistedClusterSource}: it starts from the file while the API server is unreachable and
 * keeps the file current.
 */
public final class ClusterSources {
    private ClusterSources() {
    }

    /**
     * @param watch     for manifests: reload when the files change (false: read once, for
     *                  {@code --dry-run} style commands)
     * @param informers what to watch beyond the defaults (labels, no endpoints, pods, ...) and who
     *                  hears of the client's requests ({@link InformerConfig#withRequests}), applied
     *                  to {@link InformerConfig#of} of the connection
     */
    public static ClusterSource create(ClusterSourceSpec spec, boolean watch, UnaryOperator<InformerConfig> informers) {
        if (spec instanceof ClusterSourceSpec.Manifests m) {
            return new ManifestClusterSource(new ManifestConfig(m.paths(), ManifestConfig.DEFAULT_DEBOUNCE, watch, m.podCidrs()));
        }
        ClusterSourceSpec.Api api = (ClusterSourceSpec.Api) spec;
        InformerConfig config = informers.apply(InformerConfig.of(api.connection()));
        InformerClusterSource live = new InformerClusterSource(config);
        return api.snapshotFile().resolve(config)
                .<ClusterSource>map(file -> new PersistedClusterSource(live, new SnapshotWriter(new SnapshotStore(file, config.endpointPodNames()),
                        SnapshotWriter.DEFAULT_INTERVAL, Clock.systemUTC(), SnapshotWriter.Scheduler.thread("clusterdns-snapshot-writer"))))
                .orElse(live);
    }

    /** {@link #create} with the default informers (Services, EndpointSlices, Namespaces). */
    public static ClusterSource create(ClusterSourceSpec spec, boolean watch) {
        return create(spec, watch, UnaryOperator.identity());
    }
}
