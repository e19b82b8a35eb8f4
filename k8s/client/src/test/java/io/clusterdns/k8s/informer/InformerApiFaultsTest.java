package io.clusterdns.k8s.informer;

import static io.clusterdns.k8s.informer.Fixtures.service;
import static io.clusterdns.k8s.informer.InformerClusterSourceTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.WatchedKind;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.testing.ApiFaultProxy;
import io.clusterdns.k8s.testing.Await;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The live source behind an {@link ApiFaultProxy} (real sockets) while the mock API server itself
 * stays up: the API becomes unreachable, answers 500 to everything, or keeps watches open without
 * ever sending an event. Objects are changed on the server directly, so what changed during a
 * fault is waiting when it ends.
 *
 * <pre>
 * namespace     default
 * services      web 10.96.0.20 (→ 10.96.0.30 during a fault), api 10.96.0.21 (created during a fault)
 * </pre>
 */
class InformerApiFaultsTest {
    private static final ServiceKey WEB = ServiceKey.of("default", "web");
    private static final ServiceKey API = ServiceKey.of("default", "api");
    private static final Duration WATCH_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration SILENT_WATCH_DEADLINE = Duration.ofMinutes(3);

    private final LiveCluster cluster = new LiveCluster();
    private final ApiFaultProxy proxy = new ApiFaultProxy(cluster.server.url());

    @AfterEach
    void close() {
        cluster.close();
        proxy.close();
    }

    private ClusterSnapshot startSynced(Duration watchTimeout) {
        cluster.startSourceVia(proxy.url(), c -> c.withWatchTimeout(watchTimeout));
        ClusterSnapshot first = cluster.snapshots.next();
        cluster.awaitWatching();
        return first;
    }

    /** Changes made while the source cannot see them: web moves, api appears. */
    private void changeBehindTheFault() {
        cluster.update(service("default", "web", "10.96.0.30", 80));
        cluster.create(service("default", "api", "10.96.0.21", 80));
    }

    /**
     * Waits for the changes, as long as a silent watch can hide them: the 1 s watch timeout these
     * tests set (2 s at most), and when the close of that watch gets no answer either, fabric8's
     * own 2 min before it forces a new one anyway.
     */
    private ClusterSnapshot awaitCaughtUp() {
        return cluster.snapshots.until("web moved and api created", SILENT_WATCH_DEADLINE, s -> s.services().containsKey(API)
                && s.service(WEB).clusterIPs().contains(ip("10.96.0.30")));
    }

    @Test
    void anUnreachableApiKeepsTheLastSnapshotAndTheChangesMadeMeanwhileArriveWhenItIsBack() {
        cluster.create(service("default", "web", "10.96.0.20", 80));
        ClusterSnapshot first = startSynced(WATCH_TIMEOUT);

        // every connection is cut, new ones are refused: nothing made from here on can reach the
        // source (and a cut the JDK WebSocket misses leaves a silent watch, which the timeout replaces)
        proxy.mode(ApiFaultProxy.Mode.REFUSE);
        changeBehindTheFault();
        assertThat(cluster.source.current()).isSameAs(first);
        assertThat(cluster.source.hasSynced()).isTrue();
        assertThat(cluster.source.health().isHealthy()).isTrue();

        proxy.mode(ApiFaultProxy.Mode.PASS);
        awaitCaughtUp();
    }

    @Test
    void errorsAtStartAreRetriedWithTheReasonShownUntilTheApiAnswers() throws InterruptedException {
        cluster.create(service("default", "web", "10.96.0.20", 80));
        proxy.mode(ApiFaultProxy.Mode.ERROR_500);
        InformerClusterSource source = cluster.startSourceVia(proxy.url(), c -> c);

        Await.until("lists refused and retried", () -> proxy.requests() >= 6 && source.syncStatus().describe().contains("HTTP 500"));
        assertThat(source.syncStatus().describe()).endsWith("last error: HTTP 500: injected failure");
        assertThat(source.hasSynced()).isFalse();
        assertThat(source.health().isHealthy()).isTrue();

        proxy.mode(ApiFaultProxy.Mode.PASS);
        assertThat(source.awaitSynced(Await.DEADLINE)).isTrue();
        assertThat(cluster.snapshots.next().services()).containsKey(WEB);
    }

    @Test
    void aWatchThatNeverSendsIsReplacedWithinTheWatchTimeout() {
        cluster.create(service("default", "web", "10.96.0.20", 80));
        ClusterSnapshot first = startSynced(WATCH_TIMEOUT);

        // open watches are cut; their replacements are accepted and then withhold every event
        int hungBefore = proxy.hungWatches();
        proxy.mode(ApiFaultProxy.Mode.HANG_WATCHES);
        Await.until("the services watch re-opened into the silent proxy", () -> proxy.hungWatches() > hungBefore
                && cluster.source.stats().watching(WatchedKind.SERVICES));
        changeBehindTheFault();

        // new connections pass again, the silent watch stays open: only its timeout replaces it
        int watchesBefore = proxy.watches();
        proxy.mode(ApiFaultProxy.Mode.PASS);
        Await.until("a new watch (the silent one timed out)", proxy::watches, n -> n > watchesBefore);
        ClusterSnapshot caughtUp = awaitCaughtUp();
        assertThat(caughtUp.version()).isGreaterThan(first.version());
    }
}
