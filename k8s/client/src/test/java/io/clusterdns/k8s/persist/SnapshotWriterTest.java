package io.clusterdns.k8s.persist;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.Privileged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer with a hand-moved clock and a scheduler whose tasks the test runs, and the failure
 * kinds on real file systems: a full tmpfs and a read-only one (mounted by the test as root on its
 * own temporary folder and unmounted after; skipped with the reason otherwise).
 */
class SnapshotWriterTest {
    static final Duration INTERVAL = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T18:00:00Z"));
    final ManualScheduler scheduler = new ManualScheduler();

    @Test
    void writesAChangeAfterAQuietPeriodAtOnceAndFasterChangesOncePerIntervalOnlyTheNewest() throws Exception {
        SnapshotStore store = new SnapshotStore(dir.resolve("a.snapshot"));
        SnapshotWriter writer = new SnapshotWriter(store, INTERVAL, clock, scheduler);
        ClusterSnapshot one = new GeneratedSnapshots(1).snapshot(3);
        writer.changed(one);
        assertThat(scheduler.delays()).containsExactly(Duration.ZERO);
        scheduler.runAll();
        assertThat(readBack(store)).isEqualTo(one.services());
        assertThat(writer.stats().writes()).isEqualTo(1);
        assertThat(writer.stats().lastWritten()).isEqualTo(clock.instant());

        clock.advance(Duration.ofSeconds(3));
        ClusterSnapshot two = new GeneratedSnapshots(2).snapshot(3);
        ClusterSnapshot three = new GeneratedSnapshots(3).snapshot(3);
        writer.changed(two);
        writer.changed(three);
        assertThat(scheduler.delays()).as("one write, in what is left of the interval").containsExactly(Duration.ofSeconds(7));
        clock.advance(Duration.ofSeconds(7));
        scheduler.runAll();
        assertThat(readBack(store)).as("only the newest is written").isEqualTo(three.services());
        assertThat(writer.stats().writes()).isEqualTo(2);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly("a.snapshot");
        }

        clock.advance(Duration.ofMinutes(5));
        writer.changed(one);
        assertThat(scheduler.delays()).as("quiet for longer than the interval: at once").containsExactly(Duration.ZERO);
    }

    @Test
    void isWritingWhileAWriteIsScheduledOrRuns() {
        SnapshotWriter writer = new SnapshotWriter(new SnapshotStore(dir.resolve("w.snapshot")), INTERVAL, clock, scheduler);
        assertThat(writer.writing()).as("nothing to write").isFalse();
        writer.changed(new GeneratedSnapshots(1).snapshot(3));
        assertThat(writer.writing()).as("due at once").isTrue();
        scheduler.runAll();
        assertThat(writer.writing()).as("written").isFalse();
        clock.advance(Duration.ofSeconds(3));
        writer.changed(new GeneratedSnapshots(2).snapshot(3));
        assertThat(writer.writing()).as("waits 7 s for its slot").isTrue();
        clock.advance(Duration.ofSeconds(7));
        scheduler.runAll();
        assertThat(writer.writing()).isFalse();
        writer.changed(new GeneratedSnapshots(3).snapshot(3));
        writer.close();
        assertThat(writer.writing()).as("closed: the pending write is dropped").isFalse();
    }

    @Test
    void aClockSteppingBackNeverDelaysAWriteBeyondTheInterval() {
        SnapshotWriter writer = new SnapshotWriter(new SnapshotStore(dir.resolve("b.snapshot")), INTERVAL, clock, scheduler);
        writer.changed(new GeneratedSnapshots(1).snapshot(1));
        scheduler.runAll();
        clock.advance(Duration.ofHours(-3));
        writer.changed(new GeneratedSnapshots(2).snapshot(1));
        assertThat(scheduler.delays()).containsExactly(INTERVAL);
    }

    @Test
    void aFolderThatCannotHoldTheFileIsAnIoErrorCountedAndRetriedWithTheNextChange() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
        SnapshotWriter writer = new SnapshotWriter(new SnapshotStore(notAFolder.resolve("c.snapshot")), INTERVAL, clock, scheduler);
        writer.changed(new GeneratedSnapshots(1).snapshot(1));
        scheduler.runAll();
        writer.changed(new GeneratedSnapshots(2).snapshot(1));
        clock.advance(INTERVAL);
        scheduler.runAll();
        assertThat(writer.stats().failures(WriteFailure.IO_ERROR)).as("each change retried").isEqualTo(2);
        assertThat(writer.stats().writes()).isZero();
    }

    @Test
    void aFullDiskFailsTheWriteKeepsTheLastFileAndLeavesNoTemporaryFileThenWritesOnceThereIsRoomAgain() throws Exception {
        Path mount = tmpfs("size=1m");
        try {
            SnapshotStore store = new SnapshotStore(mount.resolve("d.snapshot"));
            SnapshotWriter writer = new SnapshotWriter(store, INTERVAL, clock, scheduler);
            ClusterSnapshot small = new GeneratedSnapshots(1).snapshot(2);
            writer.changed(small);
            scheduler.runAll();
            assertThat(writer.stats().writes()).isEqualTo(1);

            Path filler = mount.resolve("filler");
            fill(filler);
            ClusterSnapshot large = new GeneratedSnapshots(2).snapshot(100);
            assertThat(SnapshotCodec.encode(large, clock.instant()).length).as("fits once the filler is gone").isLessThan(512 * 1024);
            clock.advance(INTERVAL);
            writer.changed(large);
            scheduler.runAll();
            assertThat(writer.stats().failures(WriteFailure.DISK_FULL)).isEqualTo(1);
            assertThat(readBack(store)).as("the last good file is intact").isEqualTo(small.services());
            try (Stream<Path> files = Files.list(mount)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("d.snapshot", "filler");
            }

            Files.delete(filler);
            clock.advance(INTERVAL);
            writer.changed(large);
            scheduler.runAll();
            assertThat(writer.stats().writes()).isEqualTo(2);
            assertThat(readBack(store)).isEqualTo(large.services());
        } finally {
            unmount(mount);
        }
    }

    @Test
    void aReadOnlyFileSystemIsNotWritable() throws Exception {
        Path mount = tmpfs("size=64k,ro");
        try {
            SnapshotWriter writer = new SnapshotWriter(new SnapshotStore(mount.resolve("e.snapshot")), INTERVAL, clock, scheduler);
            writer.changed(new GeneratedSnapshots(1).snapshot(1));
            scheduler.runAll();
            assertThat(writer.stats().failures(WriteFailure.NOT_WRITABLE)).isEqualTo(1);
        } finally {
            unmount(mount);
        }
    }

    private static java.util.Map<?, ?> readBack(SnapshotStore store) throws Exception {
        return new java.util.HashMap<>(store.read().orElseThrow().snapshot().services());
    }

    /** A tmpfs of its own on a fresh folder under the test's temporary folder (root only). */
    private Path tmpfs(String options) throws IOException {
        Privileged.requireRoot("mounting a small tmpfs to fill it");
        Path mount = Files.createDirectory(dir.resolve("mnt"));
        Commands.check("mount", "-t", "tmpfs", "-o", options, "clusterdns-test", mount.toString());
        return mount;
    }

    private static void unmount(Path mount) {
        Commands.check("umount", mount.toString());
    }

    private static void fill(Path file) {
        byte[] block = new byte[4096];
        try (var out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            assertThat(WriteFailure.of(full)).as(full.toString()).isEqualTo(WriteFailure.DISK_FULL);
        }
    }

    /** A clock the test moves. */
    static final class ManualClock extends Clock {
        private volatile Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** Collects the scheduled tasks; {@link #runAll} runs them on the test's thread. */
    static final class ManualScheduler implements SnapshotWriter.Scheduler {
        private final List<Runnable> tasks = new ArrayList<>();
        private final List<Duration> delays = new ArrayList<>();

        @Override
        public synchronized void schedule(Runnable task, Duration delay) {
            tasks.add(task);
            delays.add(delay);
        }

        /** The delays of the tasks not yet run. */
        synchronized List<Duration> delays() {
            return List.copyOf(delays);
        }

        void runAll() {
            List<Runnable> due;
            synchronized (this) {
                due = List.copyOf(tasks);
                tasks.clear();
                delays.clear();
            }
            due.forEach(Runnable::run);
        }

        @Override
        public void close() {
        }
    }
}
