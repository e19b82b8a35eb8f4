package io.clusterdns.images;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * One image layer: a folder written as an uncompressed tar, reproducibly (entries sorted, owned
 * by root, modification time 1 s after the epoch, as Jib writes its layers), keeping modes and
 * symbolic links. What a folder cannot carry without root is written into the tar instead:
 * owners ({@code owners}) and file capabilities ({@code capabilities}, the
 * {@code security.capability} extended attribute as container runtimes unpack it).
 */
final class LayerTar {
    /** The layers' modification time, as Jib's default {@code filesModificationTime}. */
    static final long MTIME_MILLIS = 1000;

    private LayerTar() {
    }

    /** Writes every file, folder and link under {@code root}, named by its path below it. */
    static void write(Path root, OutputStream out, Map<String, Integer> owners, Map<String, FileCapability> capabilities)
            throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.filter(p -> !p.equals(root)).sorted().toList();
        }
        for (Path path : paths) {
            String name = root.relativize(path).toString();
            PosixFileAttributes attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            TarArchiveEntry entry;
            if (attrs.isSymbolicLink()) {
                entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                entry.setLinkName(Files.readSymbolicLink(path).toString());
            } else if (attrs.isDirectory()) {
                entry = new TarArchiveEntry(name + "/");
            } else {
                entry = new TarArchiveEntry(name);
                entry.setSize(attrs.size());
            }
            entry.setMode(entry.getMode() & ~0777 | mode(attrs.permissions(), path));
            int owner = owners.getOrDefault(name, 0);
            entry.setIds(owner, owner);
            entry.setUserName("");
            entry.setGroupName("");
            entry.setModTime(MTIME_MILLIS);
            FileCapability capability = capabilities.get(name);
            if (capability != null) {
                entry.addPaxHeader("SCHILY.xattr.security.capability", capability.xattrValue());
            }
            tar.putArchiveEntry(entry);
            if (attrs.isRegularFile()) {
                Files.copy(path, tar);
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
    }

    private static int mode(Set<PosixFilePermission> permissions, Path path) {
        int mode = 0;
        for (PosixFilePermission p : permissions) {
            mode |= 1 << (8 - p.ordinal());
        }
        // the sticky bit is not a PosixFilePermission: /tmp is the one folder that needs it
        return path.endsWith("tmp") && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? mode | 01000 : mode;
    }
}
