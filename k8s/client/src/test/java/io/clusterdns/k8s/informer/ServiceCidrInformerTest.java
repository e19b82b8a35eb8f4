package io.clusterdns.k8s.informer;

import static io.clusterdns.k8s.informer.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.SyncStatus;
import io.clusterdns.k8s.WatchedKind;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ServiceCidrInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.testing.Await;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDRBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ServiceCIDRs ({@code networking.k8s.io/v1}) for the discovery agent: watched only when asked,
 * every change published, and an API server that does not serve them (before Kubernetes 1.33: 404)
 * syncing with none and staying healthy. Objects: {@code kubernetes} (the API server's default,
 * 10.96.0.0/12 and fd00:10:96::/112) and {@code extra} (10.100.0.0/16).
 */
class ServiceCidrInformerTest {
    static final String SERVICE_CIDRS = "/apis/networking.k8s.io/v1/servicecidrs";

    static ServiceCIDR serviceCidr(String name, String... cidrs) {
        return new ServiceCIDRBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().withCidrs(cidrs).endSpec().build();
    }

    @Test
    void serviceCidrsAreNotWatchedUnlessAsked() {
        try (LiveCluster cluster = new LiveCluster()) {
            cluster.create(serviceCidr("kubernetes", "10.96.0.0/12"));

            assertThat(cluster.startSynced().serviceCidrs()).isEmpty();
            assertThat(cluster.source.syncStatus().kinds()).doesNotContainKey(WatchedKind.SERVICE_CIDRS);
        }
    }

    @Test
    void everyServiceCidrAndEveryChangeIsPublished() {
        try (LiveCluster cluster = new LiveCluster()) {
            cluster.create(serviceCidr("kubernetes", "10.96.0.0/12", "fd00:10:96::/112"));

            ClusterSnapshot first = cluster.startSynced(c -> c.withServiceCidrs(true));
            assertThat(first.serviceCidrs()).containsExactlyEntriesOf(
                    java.util.Map.of("kubernetes", new ServiceCidrInfo("kubernetes", List.of("10.96.0.0/12", "fd00:10:96::/112"))));
            assertThat(cluster.source.syncStatus().kinds()).containsEntry(WatchedKind.SERVICE_CIDRS, SyncStatus.State.SYNCED);

            cluster.create(serviceCidr("extra", "10.100.0.0/16"));
            assertThat(cluster.snapshots.until("extra", s -> s.serviceCidrs().size() == 2).serviceCidrs().get("extra").cidrs())
                    .containsExactly("10.100.0.0/16");
            assertThat(cluster.source.stats().objects(WatchedKind.SERVICE_CIDRS)).isEqualTo(2);

            cluster.delete(serviceCidr("extra", "10.100.0.0/16"));
            assertThat(cluster.snapshots.until("extra gone", s -> s.serviceCidrs().size() == 1).serviceCidrs()).containsOnlyKeys("kubernetes");
        }
    }

    @Test
    void aServiceCidrTheApiServerWouldRefuseIsSkipped() {
        try (LiveCluster cluster = new LiveCluster()) {
            cluster.create(serviceCidr("kubernetes", "10.96.0.0/12"), serviceCidr("bad", "10.100.0.1/16"));

            ClusterSnapshot first = cluster.startSynced(c -> c.withServiceCidrs(true));
            assertThat(first.serviceCidrs()).containsOnlyKeys("kubernetes");
            assertThat(cluster.source.stats().conversionErrors()).isEqualTo(1);
        }
    }

    /** Before Kubernetes 1.33 (or with the API disabled) the list answers 404: none, healthy, and picked up once served. */
    @Test
    void anApiServerWithoutServiceCidrsSyncsWithNoneAndPicksThemUpOnceServed() {
        ApiFaults faults = new ApiFaults().failLists(SERVICE_CIDRS, 404).failWatches(SERVICE_CIDRS, 404);
        try (LiveCluster cluster = new LiveCluster(faults)) {
            cluster.create(service("default", "web", "10.96.0.20", 80), serviceCidr("kubernetes", "10.96.0.0/12"));

            ClusterSnapshot first = cluster.startSynced(c -> c.withServiceCidrs(true));
            assertThat(first.serviceCidrs()).isEmpty();
            assertThat(first.service(ServiceKey.of("default", "web"))).isNotNull();
            assertThat(cluster.source.health().isHealthy()).isTrue();
            assertThat(cluster.source.syncStatus().kinds()).containsEntry(WatchedKind.SERVICE_CIDRS, SyncStatus.State.SYNCED);
            Await.until("the ServiceCIDR list asked again", () -> faults.lists(SERVICE_CIDRS) >= 2);

            faults.heal(SERVICE_CIDRS);
            cluster.snapshots.until("the default ServiceCIDR", s -> s.serviceCidrs().containsKey("kubernetes"));
            assertThat(cluster.source.health().isHealthy()).isTrue();
        }
    }
}
