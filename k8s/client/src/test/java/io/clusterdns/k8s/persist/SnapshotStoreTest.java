package io.clusterdns.k8s.persist;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.ClusterSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
    @TempDir
    Path dir;

    @Test
    void aFileOfManyIoSlicesIsWrittenAndReadWhole() throws Exception {
        ClusterSnapshot original = new GeneratedSnapshots(11).snapshot(400);
        SnapshotStore store = new SnapshotStore(dir.resolve("sub/snapshot"));
        int written = store.write(original, SnapshotCodecTest.WRITTEN);
        assertThat(written).as("the file spans several slices, the last one partial").isGreaterThan(3 * SnapshotStore.IO_CHUNK)
                .isNotEqualTo(written / SnapshotStore.IO_CHUNK * SnapshotStore.IO_CHUNK);
        assertThat(Files.readAllBytes(store.file())).isEqualTo(SnapshotCodec.encode(original, SnapshotCodecTest.WRITTEN));

        PersistedSnapshot back = store.read().orElseThrow();
        assertThat(back.writtenAt()).isEqualTo(SnapshotCodecTest.WRITTEN);
        SnapshotCodecTest.assertSameContent(back.snapshot(), original);
    }

    @Test
    void aMissingFileIsNoSnapshotAndAnEmptyOneIsRefused() throws Exception {
        SnapshotStore store = new SnapshotStore(dir.resolve("snapshot"));
        assertThat(store.read()).isEmpty();
        Files.write(store.file(), new byte[0]);
        org.assertj.core.api.Assertions.assertThatThrownBy(store::read).isInstanceOf(SnapshotFormatException.class);
    }
}
