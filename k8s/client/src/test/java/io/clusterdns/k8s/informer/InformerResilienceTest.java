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
import java.util.List;
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
    void aRelistInPagesEndsWithTheClusterAsItIsNow() {
        // seven services and their slices, listed two per page: every list takes four requests
        for (int i = 0; i < 7; i++) {
            cluster.create(service("default", "s" + i, "10.96.1." + i, 80),
                    slice("default", "s" + i + "-a1b2c", "s" + i, endpoint("10.244.1." + (10 + i), true)));
        }
        ClusterSnapshot first = cluster.startSynced(c -> c.withListPageSize(2));
        assertThat(first.services()).hasSize(7);
        assertThat(faults.lists(ApiFaults.SERVICES)).as("pages of the first list").isEqualTo(4);
        assertThat(faults.lists(ApiFaults.ENDPOINT_SLICES)).as("pages of the first list").isEqualTo(4);
        int listsBefore = faults.lists(ApiFaults.SERVICES);

        // the watches expire (410 Gone) and keep expiring: each relist, page by page, is the only way to follow
        faults.expireWatches(ApiFaults.SERVICES).expireWatches(ApiFaults.ENDPOINT_SLICES);
        cluster.restartServer();
        Await.until("a services relist", () -> faults.lists(ApiFaults.SERVICES) >= listsBefore + 4);
        cluster.snapshots.assertNoneQueued();
        assertThat(cluster.source.current()).isSameAs(first);

        // meanwhile: s0 and s5 deleted with their slices, s3 moved to another endpoint, s7 and s8 created
        cluster.delete(service("default", "s0", "10.96.1.0", 80), slice("default", "s0-a1b2c", "s0"),
                service("default", "s5", "10.96.1.5", 80), slice("default", "s5-a1b2c", "s5"));
        cluster.update(slice("default", "s3-a1b2c", "s3", endpoint("10.244.2.3", true)));
        cluster.create(service("default", "s7", "10.96.1.7", 80), slice("default", "s7-a1b2c", "s7", endpoint("10.244.1.17", true)),
                service("default", "s8", "10.96.1.8", 80), slice("default", "s8-a1b2c", "s8", endpoint("10.244.1.18", true)));
        ServiceKey s3 = ServiceKey.of("default", "s3");
        ServiceKey s8 = ServiceKey.of("default", "s8");
        // every change, services and slices both: the two kinds relist separately, and a relist's
        // additions can be published before its deletions
        ServiceKey s5 = ServiceKey.of("default", "s5");
        ClusterSnapshot caughtUp = cluster.snapshots.until("the changes relisted", s -> s.services().size() == 7
                && !s.services().containsKey(ServiceKey.of("default", "s0")) && addresses(s, s8).equals(List.of("10.244.1.18"))
                && addresses(s, s3).equals(List.of("10.244.2.3")) && s.slices(s5).isEmpty());
        Await.until("the object counts caught up", () -> Integer.valueOf(7).equals(cluster.source.stats().objects().get(WatchedKind.ENDPOINT_SLICES)));

        assertThat(caughtUp.services().keySet()).extracting(ServiceKey::name).containsExactlyInAnyOrder("s1", "s2", "s3", "s4", "s6", "s7", "s8");
        for (String unchanged : List.of("s1", "s2", "s4", "s6")) {
            ServiceKey key = ServiceKey.of("default", unchanged);
            assertThat(caughtUp.service(key)).as(unchanged).isSameAs(first.service(key));
            assertThat(caughtUp.slices(key)).as(unchanged).hasSize(1);
            assertThat(caughtUp.slices(key).get(0)).as(unchanged).isSameAs(first.slices(key).get(0));
        }
        assertThat(addresses(caughtUp, ServiceKey.of("default", "s7"))).containsExactly("10.244.1.17");
        assertThat(caughtUp.slices(s5)).isEmpty();
        assertThat(cluster.source.stats().objects()).containsEntry(WatchedKind.SERVICES, 7).containsEntry(WatchedKind.ENDPOINT_SLICES, 7);
        assertThat(cluster.source.health().isHealthy()).isTrue();
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
