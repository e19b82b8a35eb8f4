package io.clusterdns.server.plugin.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.k8s.testing.PublishingClusterSource;
import io.clusterdns.resolver.ResolverConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code /ready} says for a backend ({@link KubernetesBackend#notReadyReason}) through its start. */
class KubernetesBackendTest {
    /** What the backend follows is the test's source; the configuration only names it. */
    private static final KubernetesConfig.Backend BACKEND =
            new KubernetesConfig.Backend(SourceConfig.of(new ClusterSourceSpec.Manifests(List.of(Path.of("unused")))));


    @Test
    void aSyncedSourceWhoseSnapshotIsNotYetInTheIndexSaysTheIndexIsBeingBuilt() {
        // synced lists, their snapshot not applied yet: as while the publishing thread builds the
        // first zone index (inside the applier), which takes seconds at 50,000 services
        PublishingClusterSource source = new PublishingClusterSource(KubernetesPluginTest.web(1, "10.96.45.100")) {
            @Override
            public boolean hasSynced() {
                return true;
            }
        };
        try (KubernetesBackend backend = new KubernetesBackend(BACKEND, source, new SimpleMeterRegistry())) {
            backend.resolver(ResolverConfig.defaults());
            assertThat(backend.synced()).isFalse();
            assertThat(backend.notReadyReason()).endsWith("; building the zone index");

            backend.start();
            assertThat(backend.synced()).isTrue();
            assertThat(backend.notReadyReason()).isNull();
        }
    }

    @Test
    void aSourceStillListingSaysOnlyWhatItWaitsFor() {
        PublishingClusterSource source = new PublishingClusterSource(null);
        try (KubernetesBackend backend = new KubernetesBackend(BACKEND, source, new SimpleMeterRegistry())) {
            backend.resolver(ResolverConfig.defaults());
            backend.start();
            assertThat(source.hasSynced()).isFalse();
            assertThat(backend.notReadyReason()).isNotNull().doesNotContain("zone index");
        }
    }
}
