package io.clusterdns.k8s.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.testing.PublishingClusterSource;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistedClusterSourceTest {
    @TempDir
    Path dir;

    final SnapshotWriterTest.ManualClock clock = new SnapshotWriterTest.ManualClock(Instant.parse("2026-12-06T18:00:00Z"));
    final SnapshotWriterTest.ManualScheduler scheduler = new SnapshotWriterTest.ManualScheduler();
    final PublishingClusterSource live = new PublishingClusterSource(null);
    final List<ClusterSnapshot> seen = new CopyOnWriteArrayList<>();

    PersistedClusterSource source(Path file) {
        PersistedClusterSource s = new PersistedClusterSource(live, new SnapshotWriter(new SnapshotStore(file), Duration.ofSeconds(10),
                clock, scheduler));
        s.subscribe(seen::add);
        return s;
    }

    @Test
    void withoutAFileItWaitsForTheLiveSourceAndThenPersistsWhatItPublishes() throws Exception {
        Path file = dir.resolve("x.snapshot");
        try (PersistedClusterSource source = source(file)) {
            source.start();
            assertThat(source.hasSynced()).isFalse();
            assertThat(source.stale()).isEmpty();

            ClusterSnapshot first = new GeneratedSnapshots(1).snapshot(4);
            live.publish(first);
            assertThat(source.current()).isSameAs(first);
            assertThat(seen).containsExactly(first);
            scheduler.runAll();
            PersistedSnapshot written = new SnapshotStore(file).read().orElseThrow();
            SnapshotCodecTest.assertSameContent(written.snapshot(), first);
            assertThat(written.writtenAt()).isEqualTo(clock.instant());
        }
        assertThat(live.closed()).isTrue();
    }

    @Test
    void aPersistedSnapshotIsServedAtOnceMarkedStaleUntilTheLiveSourcePublishes() throws Exception {
        Path file = dir.resolve("y.snapshot");
        ClusterSnapshot before = new GeneratedSnapshots(2).snapshot(5);
        Instant writtenAt = Instant.parse("2026-12-06T17:00:00Z");
        new SnapshotStore(file).write(before, writtenAt);

        try (PersistedClusterSource source = source(file)) {
            source.start();
            assertThat(source.hasSynced()).as("answers from the file at once").isTrue();
            assertThat(source.awaitSynced(Duration.ZERO)).isTrue();
            SnapshotCodecTest.assertSameContent(source.current(), before);
            assertThat(source.stale()).hasValueSatisfying(s -> {
                assertThat(s.writtenAt()).isEqualTo(writtenAt);
                assertThat(s.file()).isEqualTo(file.toAbsolutePath().toString());
                assertThat(s.age(clock.instant())).isEqualTo(Duration.ofHours(1));
            });

            ClusterSnapshot now = new GeneratedSnapshots(3).snapshot(2);
            live.publish(now);
            assertThat(source.stale()).as("live data replaced it").isEmpty();
            assertThat(source.current()).isSameAs(now);
            assertThat(seen).hasSize(2);
            assertThat(seen.get(0).changes().full()).isTrue();
            assertThat(seen.get(1)).isSameAs(now);
            assertThat(seen.get(0).version()).as("never a version after a higher one").isLessThanOrEqualTo(now.version());
            scheduler.runAll();
            assertThat(new HashMap<>(new SnapshotStore(file).read().orElseThrow().snapshot().services())).isEqualTo(now.services());
        }
    }

    /** A live source whose start waits for {@code go} (at most a minute) and then runs {@code then}. */
    static PublishingClusterSource liveStartingOn(CountDownLatch go, Runnable then) {
        return new PublishingClusterSource(null) {
            @Override
            public void start() {
                try {
                    go.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                then.run();
                super.start();
            }
        };
    }

    @Test
    void withAFileTheStaleSnapshotDoesNotWaitForTheLiveSourceToStart() throws Exception {
        Path file = dir.resolve("w.snapshot");
        ClusterSnapshot before = new GeneratedSnapshots(5).snapshot(3);
        new SnapshotStore(file).write(before, Instant.parse("2026-12-06T17:00:00Z"));
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean returnedFirst = new AtomicBoolean();
        AtomicBoolean liveStarted = new AtomicBoolean();
        PublishingClusterSource slow = liveStartingOn(go, () -> liveStarted.set(true));
        try (PersistedClusterSource source = new PersistedClusterSource(slow, new SnapshotWriter(new SnapshotStore(file),
                Duration.ofSeconds(10), clock, scheduler))) {
            source.start();
            // start() returned while the live start still waits for go: had it waited for it, go would be
            // open by now (after its minute), and liveStarted true
            returnedFirst.set(!liveStarted.get());
            assertThat(source.hasSynced()).as("the stale snapshot answers").isTrue();
            SnapshotCodecTest.assertSameContent(source.current(), before);
            go.countDown();
            source.awaitStarted();
            assertThat(liveStarted).as("awaitStarted returns once the live source started").isTrue();
        }
        assertThat(returnedFirst).as("start() returned before the live source's start").isTrue();
        assertThat(slow.closed()).isTrue();
    }

    @Test
    void aLiveSourceThatCannotStartFailsAwaitStartedWithItsErrorWhenAFileServed() throws Exception {
        Path file = dir.resolve("v.snapshot");
        new SnapshotStore(file).write(new GeneratedSnapshots(6).snapshot(2), Instant.parse("2026-12-06T17:00:00Z"));
        CountDownLatch open = new CountDownLatch(0);
        IllegalArgumentException refused = new IllegalArgumentException("cannot read kubeconfig /nowhere: no such file");
        PublishingClusterSource broken = liveStartingOn(open, () -> {
            throw refused;
        });
        try (PersistedClusterSource source = new PersistedClusterSource(broken, new SnapshotWriter(new SnapshotStore(file),
                Duration.ofSeconds(10), clock, scheduler))) {
            source.start();
            assertThat(source.hasSynced()).isTrue();
            assertThatThrownBy(source::awaitStarted).isSameAs(refused);
            assertThatThrownBy(source::awaitStarted).as("every time it is asked").isSameAs(refused);
        }
    }

    @Test
    void withoutAFileALiveSourceThatCannotStartFailsStartItself() {
        IllegalArgumentException refused = new IllegalArgumentException("not in a cluster: no service account");
        PublishingClusterSource broken = liveStartingOn(new CountDownLatch(0), () -> {
            throw refused;
        });
        try (PersistedClusterSource source = new PersistedClusterSource(broken, new SnapshotWriter(new SnapshotStore(dir.resolve("u.snapshot")),
                Duration.ofSeconds(10), clock, scheduler))) {
            assertThatThrownBy(source::start).isSameAs(refused);
        }
    }

    @Test
    void corruptTruncatedAndOtherVersionFilesAreIgnoredAndStartGoesOn() throws Exception {
        byte[] good = SnapshotCodec.encode(new GeneratedSnapshots(4).snapshot(3), Instant.now());
        byte[] otherVersion = good.clone();
        ByteBuffer.wrap(otherVersion).putShort(SnapshotCodec.MAGIC.length, (short) 99);
        byte[] corrupt = good.clone();
        corrupt[corrupt.length - 3] ^= 1;
        for (byte[] bytes : List.of(otherVersion, corrupt, java.util.Arrays.copyOf(good, good.length / 2), new byte[0])) {
            Path file = Files.write(dir.resolve("z.snapshot"), bytes);
            PublishingClusterSource fresh = new PublishingClusterSource(null);
            try (PersistedClusterSource source = new PersistedClusterSource(fresh, new SnapshotWriter(new SnapshotStore(file),
                    Duration.ofSeconds(10), clock, scheduler))) {
                source.start();
                assertThat(source.hasSynced()).isFalse();
                assertThat(source.stale()).isEmpty();
                fresh.publish(new GeneratedSnapshots(5).snapshot(1));
                assertThat(source.hasSynced()).isTrue();
            }
        }
    }

    @Test
    void aFolderInsteadOfAFileIsIgnoredToo() throws Exception {
        Path file = Files.createDirectory(dir.resolve("w.snapshot"));
        try (PersistedClusterSource source = source(file)) {
            source.start();
            assertThat(source.stale()).isEmpty();
        }
    }
}
