package io.clusterdns.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.AgentConfig;
import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.MutableClock;
import io.clusterdns.agent.nft.FakeNft;
import io.clusterdns.agent.status.AgentMetrics;
import io.clusterdns.agent.status.ProxierHealth;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.SnapshotDelta;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.PublishingClusterSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loop's decisions as "event → sync" tables: each row does something (publishes a snapshot,
 * moves the fake ticker, breaks nft) and then runs whatever sync is due at that time on the test's
 * own thread ({@link SyncLoop#runDue()}), so that "no sync yet" is a fact rather than a wait.
 * One test runs the real loop thread, and only waits for a sync that must come.
 *
 * <pre>
 * Conventions
 *   cluster           conventions-cluster.yaml (svc1..svc8 in ns1..ns8, 10.96.0.41..48): a full
 *                     sync changes 12 service ports (both families)
 *   min sync period   1 s (MIN); sync period 30 s (PERIOD); first retry after a failure 1 s, doubling
 *   time              a {@link MutableClock}, for the loop's ticker and the syncer's clock alike
 *   a sync is shown   "none", or [failed] full|partial, with the number of changed service ports
 *                     and "nothing written" when no nft transaction ran
 * </pre>
 */
class SyncLoopTest {
    static final String CLUSTER = Conventions.resource("conventions-cluster.yaml");
    static final Duration MIN = Duration.ofSeconds(1);
    static final Duration PERIOD = Duration.ofSeconds(30);
    static final Duration MS = Duration.ofMillis(1);

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-15T10:00:00Z"));
    final PublishingClusterSource source = new PublishingClusterSource(null);
    final FakeNft nft = new FakeNft();
    final ProxierHealth health = new ProxierHealth(clock, clock::nanos, Duration.ofMinutes(1));
    final AgentMetrics metrics = new AgentMetrics();
    final RuleSyncer syncer = new RuleSyncer(AgentConfig.manifests(Conventions.NODE, Path.of("unused")).families(),
            Conventions.NODE, nft, f -> 0, new NodeContexts(AgentConfig.manifests(Conventions.NODE, Path.of("unused")).nodeNetwork(), List::of),
            metrics, health, clock, clock);
    final SyncLoop loop = new SyncLoop(source, syncer, MIN, PERIOD, health, metrics, clock);
    ClusterSnapshot cluster = Conventions.snapshot(CLUSTER);

    @AfterEach
    void stop() {
        loop.close();
    }

    /** One row: what happens, then the sync that is due right after it. */
    record Step(String event, Runnable action, String sync) {
    }

    static Step step(String event, Runnable action, String sync) {
        return new Step(event, action, sync);
    }

    /** Runs the rows in order and compares the whole table at once, so that a failure shows every step. */
    void run(Step... steps) {
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (Step s : steps) {
            s.action().run();
            expected.add(s.event() + " → " + s.sync());
            actual.add(s.event() + " → " + describe(loop.runDue()));
        }
        assertThat(String.join("\n", actual)).isEqualTo(String.join("\n", expected));
    }

    static String describe(Optional<SyncOutcome> sync) {
        if (sync.isEmpty()) {
            return "none";
        }
        SyncOutcome o = sync.get();
        return (o.ok() ? "" : "failed ") + (o.full() ? "full" : "partial") + ", " + o.changed() + " changed"
                + (o.written() ? "" : ", nothing written");
    }

    Runnable advance(Duration d) {
        return () -> clock.advance(d);
    }

    Runnable publish() {
        return () -> source.publish(cluster);
    }

    /** Publishes {@code n} snapshots, each removing the first remaining service. */
    Runnable removeServices(int n) {
        return () -> {
            for (int i = 0; i < n; i++) {
                ServiceKey first = cluster.services().keySet().stream().sorted().findFirst().orElseThrow();
                cluster = cluster.apply(new SnapshotDelta().removeService(first), clock.instant());
                source.publish(cluster);
            }
        };
    }

    static Runnable nothing() {
        return () -> { };
    }

    @Test
    void nothingIsWrittenBeforeTheSourceHasSynced() {
        loop.attach();
        run(
                step("attached, nothing published", nothing(), "none"),
                step("a sync period later", advance(PERIOD), "none"),
                step("another one", advance(PERIOD), "none"),
                step("the first snapshot", publish(), "full, 12 changed"));
        assertThat(nft.scripts()).hasSize(1);
    }

    @Test
    void changesArrivingFasterThanTheMinimumPeriodAreBatched() {
        loop.attach();
        run(
                step("the first snapshot", publish(), "full, 12 changed"),
                step("five services removed, one snapshot each", removeServices(5), "none"),
                step("just before the minimum period", advance(MIN.minus(MS)), "none"),
                step("the minimum period", advance(MS), "partial, 5 changed"),
                step("another minimum period, no change", advance(MIN), "none"),
                step("one more removal", removeServices(1), "partial, 1 changed"));
        // the full one, the five removals in one, then the chains the batch flushed (deleted a second
        // later, RuleSyncer.STALE_CHAIN_AGE) and the sixth removal
        assertThat(nft.scripts()).hasSize(4);
        assertThat(nft.scripts().get(1)).as("one transaction for the burst")
                .contains("10.96.0.41 . tcp . 80", "10.96.0.42 . tcp . 80", "10.96.0.43 . tcp . 80", "10.96.0.44 . tcp . 80",
                        "10.96.0.45 . tcp . 80");
        assertThat(nft.dump("ip")).doesNotContain("10.96.0.41").doesNotContain("10.96.0.45").doesNotContain("10.96.0.46")
                .contains("10.96.0.47");
    }

    @Test
    void aPeriodicSyncChecksTheTablesAndRewritesThemWhenGone() {
        loop.attach();
        run(
                step("the first snapshot", publish(), "full, 12 changed"),
                step("just before the sync period", advance(PERIOD.minus(MS)), "none"),
                step("the sync period", advance(MS), "partial, 0 changed, nothing written"),
                step("someone flushes the ruleset", nft::wipe, "none"),
                step("the next sync period", advance(PERIOD), "full, 12 changed"));
        assertThat(nft.hasTable("ip")).isTrue();
    }

    @Test
    void aFailureIsRetriedWithAFullSyncBackingOffWithoutWaitingForTheSyncPeriod() {
        loop.attach();
        run(
                step("nft fails, the first snapshot", () -> {
                    nft.failWhen(script -> true);
                    source.publish(cluster);
                }, "failed full, 12 changed"),
                step("just before the first retry", advance(SyncLoop.FIRST_RETRY.minus(MS)), "none"),
                step("the first retry", advance(MS), "failed full, 12 changed"),
                step("one second later", advance(Duration.ofSeconds(1)), "none"),
                step("the second retry, two seconds after the first", advance(Duration.ofSeconds(1)), "failed full, 12 changed"),
                step("nft works again, two seconds later", () -> {
                    nft.failWhen(script -> false);
                    clock.advance(Duration.ofSeconds(2));
                }, "none"),
                step("the third retry, four seconds after the second", advance(Duration.ofSeconds(2)), "full, 12 changed"),
                step("the retry interval again, nothing failed since", advance(Duration.ofSeconds(4)), "none"),
                step("a sync period after the good sync", advance(PERIOD.minus(Duration.ofSeconds(4))), "partial, 0 changed, nothing written"));
        assertThat(nft.failures()).isEqualTo(3);
    }

    @Test
    void aSyncCanBeRequestedWithoutAChange() {
        loop.attach();
        run(
                step("the first snapshot", publish(), "full, 12 changed"),
                step("a sync requested at once", loop::requestSync, "none"),
                step("the minimum period", advance(MIN), "partial, 0 changed, nothing written"));
    }

    @Test
    void aFailedPartialSyncIsRetriedAsAFullOne() {
        loop.attach();
        run(
                step("the first snapshot", publish(), "full, 12 changed"),
                step("the tables vanish", nft::wipe, "none"),
                step("a removal after the minimum period", () -> {
                    clock.advance(MIN);
                    removeServices(1).run();
                }, "failed partial, 1 changed"),
                step("the first retry", advance(SyncLoop.FIRST_RETRY), "full, 11 changed"));
    }

    @Test
    void theLoopThreadSyncsWhatIsPublished() {
        BlockingQueue<SyncOutcome> outcomes = new LinkedBlockingQueue<>();
        SyncLoop threaded = new SyncLoop(source, syncer, Duration.ZERO, Duration.ofMinutes(10), health, metrics);
        threaded.onSync(outcomes::add);
        try {
            threaded.start();
            source.publish(cluster);
            SyncOutcome first = Await.next("the first sync", outcomes);
            assertThat(first.ok()).isTrue();
            assertThat(first.full()).isTrue();

            removeServices(1).run();
            assertThat(Await.nextMatching("the removal synced", outcomes, o -> o.changed() > 0).full()).isFalse();
            assertThat(nft.dump("ip")).doesNotContain("10.96.0.41").contains("10.96.0.42");
        } finally {
            threaded.close();
        }
    }
}
