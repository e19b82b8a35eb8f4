package io.clusterdns.k8s.informer;

import static io.clusterdns.k8s.informer.Fixtures.endpoint;
import static io.clusterdns.k8s.informer.Fixtures.namespace;
import static io.clusterdns.k8s.informer.Fixtures.service;
import static io.clusterdns.k8s.informer.Fixtures.slice;
import static io.clusterdns.k8s.informer.InformerClusterSourceTest.addresses;
import static io.clusterdns.k8s.informer.InformerClusterSourceTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.SyncStatus;
import io.clusterdns.k8s.WatchedKind;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.testing.Await;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sync gating and what happens when the API server misbehaves: it refuses a list for a while,
 * goes away and comes back, expires watches (410 Gone), or forbids a kind until RBAC allows it. The mock
 * server's requests go through {@link ApiFaults}, which counts them and injects the failures.
 *
 * <pre>
 * Conventions
 *   namespace       default
 *   service CIDR    10.96.0.0/12: web 10.96.0.20, api 10.96.0.21, db 10.96.0.22
 *   pod CIDR        10.244.1.0/24 (node-1)
 * </pre>
 */
class InformerResilienceTest {
    private static final ServiceKey WEB = ServiceKey.of("default", "web");
    private static final ServiceKey API = ServiceKey.of("default", "api");
    private static final ServiceKey DB = ServiceKey.of("default", "db");

    private final ApiFaults faults = new ApiFaults();
    private final LiveCluster cluster = new LiveCluster(faults);

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void nothingIsPublishedBeforeEveryInformerHasSynced() throws InterruptedException {
        cluster.create(namespace("default", Map.of()), service("default", "web", "10.96.0.20", 80),
                slice("default", "web-a1b2c", "web", endpoint("10.244.1.5", true)));
        faults.failLists(ApiFaults.ENDPOINT_SLICES, 500);

        InformerClusterSource source = cluster.startSource(c -> c);
        Await.until("services and namespaces synced while slices are refused twice", () ->
                source.syncStatus().kinds().get(WatchedKind.SERVICES) == SyncStatus.State.SYNCED
                        && source.syncStatus().kinds().get(WatchedKind.NAMESPACES) == SyncStatus.State.SYNCED
                        && faults.lists(ApiFaults.ENDPOINT_SLICES) >= 2);

        assertThat(source.hasSynced()).isFalse();
        assertThat(source.awaitSynced(Duration.ZERO)).isFalse();
        assertThat(source.current()).isSameAs(ClusterSnapshot.EMPTY);
        cluster.snapshots.assertNoneQueued();
        assertThat(source.syncStatus().describe())
                .isEqualTo("services synced, endpointslices waiting, namespaces synced; last error: HTTP 500: injected failure");
        assertThat(source.health().isHealthy()).as("a 500 is retried").isTrue();

        faults.heal(ApiFaults.ENDPOINT_SLICES);
        assertThat(source.awaitSynced(Await.DEADLINE)).isTrue();
        ClusterSnapshot first = cluster.snapshots.next();

        assertThat(first.version()).isEqualTo(1);
        assertThat(addresses(first, WEB)).containsExactly("10.244.1.5");
        assertThat(source.hasSynced()).isTrue();
    }

    @Test
    void anApiServerRestartKeepsTheLastSnapshotAndLaterChangesArrive() {
        cluster.create(service("default", "web", "10.96.0.20", 80), slice("default", "web-a1b2c", "web", endpoint("10.244.1.5", true)));
        ClusterSnapshot first = cluster.startSynced();
        int watchesBefore = faults.watches(ApiFaults.SERVICES);

        cluster.server.stop();
        Await.until("the services watch noticed as broken", () -> !cluster.source.stats().watching(WatchedKind.SERVICES));
        assertThat(cluster.source.current()).isSameAs(first);
        assertThat(cluster.source.hasSynced()).isTrue();
        assertThat(cluster.source.health().isHealthy()).isTrue();
        cluster.server.start();
        Await.until("the services watch re-established", () -> faults.watches(ApiFaults.SERVICES) > watchesBefore
                && cluster.source.stats().watching(WatchedKind.SERVICES));

        // the new watch re-announces every object (as ADDED): same resourceVersions, nothing to publish
        assertThat(cluster.source.current()).isSameAs(first);
        assertThat(cluster.source.hasSynced()).isTrue();
        assertThat(cluster.source.health().isHealthy()).isTrue();
        cluster.snapshots.assertNoneQueued();

        cluster.create(service("default", "api", "10.96.0.21", 80));
        ClusterSnapshot next = cluster.snapshots.next();
        assertThat(next.version()).isEqualTo(2);
        assertThat(next.changes().services()).containsExactly(API);
        assertThat(next.service(WEB)).isSameAs(first.service(WEB));
        assertThat(addresses(next, WEB)).containsExactly("10.244.1.5");
    }

    @Test
    void aRelistAfterExpiredWatchesPublishesOnlyTheRealDifferences() {
        cluster.create(service("default", "web", "10.96.0.20", 80), service("default", "api", "10.96.0.21", 80),
                service("default", "db", "10.96.0.22", 80));
        ClusterSnapshot first = cluster.startSynced();
        int listsBefore = faults.lists(ApiFaults.SERVICES);

        // every services watch now expires at once (410 Gone), so the informer can only follow by relisting
        faults.expireWatches(ApiFaults.SERVICES);
        cluster.restartServer();
        Await.until("a services relist", () -> faults.lists(ApiFaults.SERVICES) > listsBefore);
        cluster.snapshots.assertNoneQueued();
        assertThat(cluster.source.current()).isSameAs(first);

        cluster.delete(service("default", "db", "10.96.0.22", 80));
        cluster.update(service("default", "api", "10.96.0.31", 80));
        Set<ServiceKey> changed = new HashSet<>();
        ClusterSnapshot caughtUp = cluster.snapshots.until("db gone and api moved", s -> {
            changed.addAll(s.changes().services());
            return !s.services().containsKey(DB) && s.services().values().stream().anyMatch(svc -> svc.clusterIPs().contains(ip("10.96.0.31")));
        });

        assertThat(changed).containsExactlyInAnyOrder(API, DB);
        assertThat(caughtUp.service(WEB)).isSameAs(first.service(WEB));
        assertThat(cluster.source.health().isHealthy()).isTrue();

        faults.heal(ApiFaults.SERVICES);
        cluster.create(service("default", "db", "10.96.0.22", 80));
        assertThat(cluster.snapshots.until("db back", s -> s.services().containsKey(DB)).changes().services()).containsExactly(DB);
    }

    @Test
    void aForbiddenKindIsRetriedNotReadyWithTheGrantToAddAndSyncsOnceAllowed() throws InterruptedException {
        cluster.create(service("default", "web", "10.96.0.20", 80), slice("default", "web-a1b2c", "web", endpoint("10.244.1.5", true)));
        faults.failLists(ApiFaults.ENDPOINT_SLICES, 403);

        InformerClusterSource source = cluster.startSource(c -> c);
        Await.until("the slices list refused twice (retried, as client-go does)", () -> faults.lists(ApiFaults.ENDPOINT_SLICES) >= 2
                && source.syncStatus().kinds().get(WatchedKind.SERVICES) == SyncStatus.State.SYNCED
                && source.syncStatus().kinds().get(WatchedKind.NAMESPACES) == SyncStatus.State.SYNCED);

        assertThat(source.syncStatus().describe())
                .startsWith("services synced, endpointslices waiting, namespaces synced; last error: HTTP 403 Forbidden (endpointslices is forbidden")
                .endsWith("grant list and watch on endpointslices.discovery.k8s.io to this service account (RBAC)");
        assertThat(source.hasSynced()).isFalse();
        assertThat(source.health().isHealthy()).as("retried: nothing stopped").isTrue();

        faults.heal(ApiFaults.ENDPOINT_SLICES);
        assertThat(source.awaitSynced(Await.DEADLINE)).isTrue();
        assertThat(addresses(cluster.snapshots.next(), WEB)).containsExactly("10.244.1.5");
    }

    @Test
    void aRelistForbiddenAfterSyncKeepsServingAndCatchesUpOnceAllowed() {
        cluster.create(service("default", "web", "10.96.0.20", 80));
        ClusterSnapshot first = cluster.startSynced();
        int listsBefore = faults.lists(ApiFaults.SERVICES);

        // RBAC revoked, then the watch expires: the relist is refused, and retried
        faults.expireWatches(ApiFaults.SERVICES).failLists(ApiFaults.SERVICES, 403);
        cluster.restartServer();
        Await.until("the forbidden relist retried", () -> faults.lists(ApiFaults.SERVICES) >= listsBefore + 2);

        assertThat(cluster.source.hasSynced()).isTrue();
        assertThat(cluster.source.current()).isSameAs(first);
        assertThat(cluster.source.health().isHealthy()).isTrue();

        faults.heal(ApiFaults.SERVICES);
        cluster.create(service("default", "api", "10.96.0.21", 80));
        assertThat(cluster.snapshots.until("api arrives", s -> s.services().containsKey(API)).service(WEB)).isSameAs(first.service(WEB));
    }
}
