package io.clusterdns.k8s.persist;

import static org.assertj.core.api.Assertions.assertThat;

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
