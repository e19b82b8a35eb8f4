package io.clusterdns.k8s.source;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.informer.InformerClusterSource;
import io.clusterdns.k8s.informer.InformerConfig;
import io.clusterdns.k8s.manifest.ManifestClusterSource;
import io.clusterdns.k8s.manifest.ManifestConfig;
import java.util.function.UnaryOperator;

/** Builds the (not yet started) cluster source a {@link ClusterSourceSpec} asks for: the one place the servers wire sources. */
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
            return new ManifestClusterSource(new ManifestConfig(m.paths(), ManifestConfig.DEFAULT_DEBOUNCE, watch));
        }
        ClusterSourceSpec.Api api = (ClusterSourceSpec.Api) spec;
        return new InformerClusterSource(informers.apply(InformerConfig.of(api.connection())));
    }

    /** {@link #create} with the default informers (Services, EndpointSlices, Namespaces). */
    public static ClusterSource create(ClusterSourceSpec spec, boolean watch) {
        return create(spec, watch, UnaryOperator.identity());
    }
}
