package io.clusterdns.k8s.manifest;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches manifest folders (recursively) and single files (through their parent folder, filtered
 * by name) and calls {@code onChange} on its own thread once the files have been quiet for the
 * debounce time. Folders are watched rather than files so that editors that save by writing a
 * new file and renaming it over the old one are seen, and so is a Kubernetes ConfigMap volume's
 * atomic {@code ..data} swap.
 */
final class ManifestWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestWatcher.class);
    private static final String CONFIGMAP_DATA = "..data";

    /** A watched folder: all of it, or only some file names (single-file roots). */
    private record Watched(Path dir, Set<String> onlyFiles) {
        boolean wholeTree() {
            return onlyFiles == null;
        }
    }

    private final WatchService watchService;
    private final Map<WatchKey, Watched> keys = new HashMap<>();
    private final Set<Path> dirs = new HashSet<>();
    private final long debounceNanos;
    private final Runnable onChange;
    private volatile boolean closed;
    private Thread thread;

    private ManifestWatcher(WatchService watchService, Duration debounce, Runnable onChange) {
        this.watchService = watchService;
        this.debounceNanos = debounce.toNanos();
        this.onChange = onChange;
    }

    /** Registers the watches (before the first load, so no edit can slip between load and watch). */
    static ManifestWatcher create(List<Path> roots, Duration debounce, Runnable onChange) throws IOException {
        Path first = roots.get(0).toAbsolutePath();
        ManifestWatcher w = new ManifestWatcher(first.getFileSystem().newWatchService(), debounce, onChange);
        try {
            for (Path root : roots) {
                Path abs = root.toAbsolutePath().normalize();
                if (Files.isDirectory(abs)) {
                    w.registerTree(abs.toRealPath());
                } else {
                    w.registerFile(abs);
                }
            }
        } catch (IOException | RuntimeException e) {
            w.watchService.close();
            throw e;
        }
        return w;
    }

    void start() {
        thread = new Thread(this::run, "clusterdns-manifest-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    boolean running() {
        return thread != null && thread.isAlive();
    }

    private void registerFile(Path file) throws IOException {
        WatchKey key = file.getParent().register(watchService, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
        Watched existing = keys.get(key);
        if (existing != null && existing.wholeTree()) {
            return;
        }
        Set<String> names = existing == null ? new HashSet<>() : existing.onlyFiles();
        names.add(file.getFileName().toString());
        keys.put(key, new Watched(file.getParent(), names));
    }

    /** Registers {@code root} and its sub-folders, skipping hidden ones (.git, a ConfigMap's ..2024_* twins). */
    private void registerTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root) && dir.getFileName().toString().startsWith(".")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                keys.put(dir.register(watchService, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY), new Watched(dir, null));
                dirs.add(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void run() {
        try {
            while (!closed) {
                boolean relevant = handle(watchService.take());
                long hardDeadline = System.nanoTime() + 10 * debounceNanos;
                while (true) {
                    long wait = Math.min(debounceNanos, hardDeadline - System.nanoTime());
                    WatchKey next = wait <= 0 ? null : watchService.poll(wait, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    relevant |= handle(next);
                }
                if (relevant && !closed) {
                    fire();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedWatchServiceException e) {
            LOG.debug("Manifest watcher closed");
        }
    }

    private void fire() {
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.error("Manifest reload failed unexpectedly", e);
        }
    }

    private boolean handle(WatchKey key) {
        Watched watched = keys.get(key);
        boolean relevant = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            relevant |= watched == null || relevant(watched, event);
        }
        if (!key.reset()) {
            keys.remove(key);
            if (watched != null) {
                dirs.remove(watched.dir());
            }
        }
        return relevant;
    }

    private boolean relevant(Watched watched, WatchEvent<?> event) {
        if (event.kind() == OVERFLOW) {
            return true;
        }
        String name = event.context().toString();
        if (name.equals(CONFIGMAP_DATA)) {
            return true;
        }
        if (!watched.wholeTree()) {
            return watched.onlyFiles().contains(name);
        }
        if (name.startsWith(".")) {
            return false;
        }
        Path child = watched.dir().resolve(name);
        if (event.kind() == ENTRY_CREATE && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
            try {
                registerTree(child);
            } catch (IOException e) {
                LOG.warn("Cannot watch new folder {}: {}", child, e.toString());
            }
            return true;
        }
        return ManifestFiles.isManifestName(name) || (event.kind() == ENTRY_DELETE && dirs.contains(child));
    }

    @Override
    public void close() {
        closed = true;
        try {
            watchService.close();
        } catch (IOException e) {
            LOG.debug("Closing the watch service failed", e);
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
