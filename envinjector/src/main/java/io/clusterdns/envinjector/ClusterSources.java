package io.clusterdns.envinjector;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.informer.InformerClusterSource;
import io.clusterdns.k8s.informer.InformerConfig;
import io.clusterdns.k8s.informer.SourceHealth;
import io.clusterdns.k8s.manifest.ManifestClusterSource;
import io.clusterdns.k8s.manifest.ManifestConfig;

/** Builds the cluster source a {@link SourceConfig} asks for, and reads its readiness. */
final class ClusterSources {
    private ClusterSources() {
    }

    /**
     * Manifests, or informers on Services and Namespaces only: the injector needs neither
     * EndpointSlices nor Pods, so its RBAC role and memory stay small.
     */
    static ClusterSource create(SourceConfig config) {
        if (config instanceof SourceConfig.Manifests m) {
            return new ManifestClusterSource(new ManifestConfig(m.paths(), ManifestConfig.DEFAULT_DEBOUNCE, true));
        }
        SourceConfig.Api api = (SourceConfig.Api) config;
        return new InformerClusterSource(InformerConfig.of(api.connection()).withNoEndpoints(true));
    }

    /** Null when {@code source} has synced and can still follow the cluster, else why not. */
    static String notReadyReason(ClusterSource source) {
        if (source instanceof InformerClusterSource informers) {
            SourceHealth health = informers.health();
            if (!health.isHealthy()) {
                return "the service cache no longer follows the cluster: " + health.reason();
            }
            if (!informers.hasSynced()) {
                return "waiting for the service cache: " + informers.syncStatus().describe();
            }
            return null;
        }
        return source.hasSynced() ? null : "waiting for the service cache";
    }
}
