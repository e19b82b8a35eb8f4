package io.clusterdns.k8s.persist;

import io.clusterdns.k8s.model.ClusterSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * One snapshot file: read whole, written whole. A write goes to a temporary file in the same
 * folder, is forced to disk and renamed over the file atomically, so a reader (or a crash) sees
 * the old file or the new one, never half of one. A failed write removes its temporary file, so
 * a full disk is not filled further by leftovers.
 */
public final class SnapshotStore {
    private final Path file;

    public SnapshotStore(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    /**
     * The persisted snapshot, empty when there is no file.
     *
     * @throws SnapshotFormatException the file is not usable (other version, truncated, corrupt)
     * @throws IOException             it cannot be read
     */
    public Optional<PersistedSnapshot> read() throws SnapshotFormatException, IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(SnapshotCodec.decode(bytes));
    }

    /** Writes {@code snapshot} as of {@code writtenAt}, replacing the file atomically; returns the bytes written. */
    public int write(ClusterSnapshot snapshot, Instant writtenAt) throws IOException {
        byte[] bytes = SnapshotCodec.encode(snapshot, writtenAt);
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the write's own failure is the one to report
            }
            throw e;
        }
        forceDirectory(dir);
        return bytes.length;
    }

    /** Makes the rename itself durable; a file system that cannot sync a folder loses only that. */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not supported here: the rename is still atomic, only maybe not yet on disk
        }
    }
}
