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
import java.util.Arrays;
import java.util.Optional;

/**
 * One snapshot file: read whole, written whole. A write goes to a temporary file in the same
 * folder, is forced to disk and renamed over the file atomically, so a reader (or a crash) sees
 * the old file or the new one, never half of one. A failed write removes its temporary file, so
 * a full disk is not filled further by leftovers.
 *
 * <p>Both go through the channel in slices of {@link #IO_CHUNK} bytes: the JDK copies a heap
 * buffer through a temporary direct buffer of the whole request and keeps it cached in the thread
 * that asked ({@code jdk.nio.maxCachedBufferSize} is unlimited by default), so one
 * {@code Files.readAllBytes} or one write of the whole array left a direct buffer of the file's
 * size in the process for good (8 MB at 50,000 services, 15 MB with 135,000 Pods).
 */
public final class SnapshotStore {
    /** The most one channel read or write asks for (see the class comment). */
    static final int IO_CHUNK = 64 * 1024;

    private final Path file;
    private final boolean endpointPodNames;

    /** A store whose snapshots are read as written. */
    public SnapshotStore(Path file) {
        this(file, true);
    }

    /** A store whose snapshots are read with their endpoints' Pod names only when {@code endpointPodNames} ({@link SnapshotCodec#decode(byte[], boolean)}). */
    public SnapshotStore(Path file, boolean endpointPodNames) {
        this.file = file.toAbsolutePath();
        this.endpointPodNames = endpointPodNames;
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
            bytes = readAll(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(SnapshotCodec.decode(bytes, endpointPodNames));
    }

    /** The file's bytes, read in slices of {@link #IO_CHUNK} (as {@code Files.readAllBytes} otherwise). */
    private static byte[] readAll(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IOException(file + ": too large (" + size + " bytes)");
            }
            byte[] bytes = new byte[(int) size];
            int n = 0;
            while (true) {
                if (n == bytes.length) {
                    // the size the file had: done unless it grew meanwhile
                    byte[] more = new byte[1];
                    if (ch.read(ByteBuffer.wrap(more)) <= 0) {
                        return bytes;
                    }
                    bytes = Arrays.copyOf(bytes, Math.max(IO_CHUNK, bytes.length * 2));
                    bytes[n++] = more[0];
                }
                int read = ch.read(ByteBuffer.wrap(bytes, n, Math.min(IO_CHUNK, bytes.length - n)));
                if (read < 0) {
                    return Arrays.copyOf(bytes, n);
                }
                n += read;
            }
        }
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
                for (int off = 0; off < bytes.length; ) {
                    off += ch.write(ByteBuffer.wrap(bytes, off, Math.min(IO_CHUNK, bytes.length - off)));
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
