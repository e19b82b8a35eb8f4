package io.clusterdns.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.AgentConfig;
import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.nft.FakeNft;
import io.clusterdns.agent.status.AgentMetrics;
import io.clusterdns.agent.status.ProxierHealth;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.SnapshotDelta;
import io.clusterdns.k8s.testing.PublishingClusterSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The loop: nothing before the source has synced, changes batched, failures retried with a full sync. */
class SyncLoopTest {
    static final String CLUSTER = Conventions.resource("conventions-cluster.yaml");

    final PublishingClusterSource source = new PublishingClusterSource(null);
    final FakeNft nft = new FakeNft();
    final BlockingQueue<SyncOutcome> outcomes = new LinkedBlockingQueue<>();
    SyncLoop loop;

    SyncLoop start(Duration minSync, Duration period) {
        AgentConfig config = AgentConfig.manifests(Conventions.NODE, Path.of("unused"));
        ProxierHealth health = new ProxierHealth(Clock.systemUTC(), Duration.ofMinutes(1));
        AgentMetrics metrics = new AgentMetrics();
        RuleSyncer syncer = new RuleSyncer(config.families(), Conventions.NODE, nft, f -> 0,
                new NodeContexts(config.nodeNetwork(), List::of), metrics, health, Clock.systemUTC());
        loop = new SyncLoop(source, syncer, minSync, period, health, metrics);
        loop.onSync(outcomes::add);
        loop.start();
        return loop;
    }

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.close();
        }
    }

    SyncOutcome next() throws InterruptedException {
        SyncOutcome o = outcomes.poll(20, TimeUnit.SECONDS);
        assertThat(o).as("a sync within 20 s").isNotNull();
        return o;
    }

    @Test
    void nothingIsWrittenBeforeTheSourceHasSynced() throws Exception {
        start(Duration.ZERO, Duration.ofMillis(50));
        assertThat(outcomes.poll(300, TimeUnit.MILLISECONDS)).as("periodic wake-ups do not sync").isNull();
        assertThat(nft.scripts()).isEmpty();
        source.publish(Conventions.snapshot(CLUSTER));
        SyncOutcome first = next();
        assertThat(first.full()).isTrue();
        assertThat(nft.scripts()).hasSize(1);
    }

    @Test
    void changesArrivingFasterThanTheMinimumPeriodAreBatched() throws Exception {
        start(Duration.ofSeconds(2), Duration.ofMinutes(10)); // a window wide enough for a slow CI machine
        ClusterSnapshot s = Conventions.snapshot(CLUSTER);
        source.publish(s);
        next();
        for (int i = 0; i < 5; i++) {
            s = s.apply(new SnapshotDelta().removeService(s.services().keySet().stream().sorted().findFirst().orElseThrow()), Instant.now());
            source.publish(s);
        }
        SyncOutcome batched = next();
        assertThat(batched.full()).isFalse();
        assertThat(outcomes.poll(800, TimeUnit.MILLISECONDS)).as("one sync for the burst").isNull();
        assertThat(nft.scripts()).hasSize(2);
        assertThat(nft.dump("ip")).as("five services removed in one transaction").doesNotContain("10.96.0.41").doesNotContain("10.96.0.45").contains("10.96.0.46");
    }

    @Test
    void aFailureIsRetriedWithAFullSyncWithoutWaitingForTheSyncPeriod() throws Exception {
        start(Duration.ZERO, Duration.ofMinutes(10));
        nft.failWhen(script -> true);
        source.publish(Conventions.snapshot(CLUSTER));
        assertThat(next().ok()).isFalse();
        nft.failWhen(script -> false);
        SyncOutcome retry = next();
        assertThat(retry.ok()).isTrue();
        assertThat(retry.full()).isTrue();
    }
}
