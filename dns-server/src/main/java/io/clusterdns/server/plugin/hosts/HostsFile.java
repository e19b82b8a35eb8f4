package io.clusterdns.server.plugin.hosts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hosts plugin's data as it lives across queries and reloads of the Corefile: the inline
 * entries, parsed once, and the file, read when this starts and then again whenever its
 * modification time or size changed (CoreDNS's check), every {@code reload} on the server's
 * timer thread, never on an event loop. Each read swaps in a new {@link HostsData} at once.
 *
 * <p>As in CoreDNS, a file that does not exist is warned about at start and read once it
 * appears; a file that goes away (or cannot be read) leaves the entries read last in place.
 * Closed (its checks stop) when a reload drops or changes the plugin's line.
 */
public final class HostsFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("plugin/hosts");

    private final HostsConfig config;
    private final HostsMetrics metrics;
    private final Consumer<String> warnings;
    private final HostsTable inline;
    private final ScheduledFuture<?> checks;
    private volatile HostsData data;
    // the file as last read; written by the constructor, then by the timer's task alone
    private FileTime modified;
    private long size = -1;
    private boolean unreadable;

    /** Reads the file now (on the caller's thread: the start or the reload applying it) and schedules the checks. */
    public HostsFile(HostsConfig config, ScheduledExecutorService timer, HostsMetrics metrics) {
        this(config, timer, metrics, w -> LOG.warn("{}", w));
    }

    /** @param warnings where warnings go (a malformed line, a file that cannot be read): the log, or a test's list */
    HostsFile(HostsConfig config, ScheduledExecutorService timer, HostsMetrics metrics, Consumer<String> warnings) {
        this.config = config;
        this.metrics = metrics;
        this.warnings = warnings;
        HostsTable.Builder b = new HostsTable.Builder(config.zones(), config.reverse(), warnings);
        for (HostsConfig.Line line : config.inline()) {
            b.add(line.text(), line::where);
        }
        this.inline = b.build();
        this.data = new HostsData(HostsTable.EMPTY, inline);
        Path file = config.file();
        if (!Files.exists(file)) {
            warnings.accept("plugin/hosts: File does not exist: " + file);
            unreadable = true;
        } else if (Files.isDirectory(file)) {
            warnings.accept("plugin/hosts: Hosts file \"" + file + "\" is a directory");
            unreadable = true;
        }
        check();
        long period = config.reload().toNanos();
        this.checks = period == 0 ? null : timer.scheduleWithFixedDelay(this::checkSafely, period, period, TimeUnit.NANOSECONDS);
    }

    /** The data to answer from now. */
    HostsData data() {
        return data;
    }

    private void checkSafely() {
        try {
            check();
        } catch (RuntimeException e) {
            // a failed check must not end the periodic task (the executor would drop it silently)
            LOG.error("plugin/hosts: checking {} failed: {}", config.file(), e.toString(), e);
        }
    }

    /** Reads the file again when its modification time or size changed since the last read. */
    void check() {
        Path file = config.file();
        BasicFileAttributes attributes;
        byte[] bytes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (attributes.isDirectory() || attributes.lastModifiedTime().equals(modified) && attributes.size() == size) {
                return;
            }
            // read after the attributes: a change in between is seen by the next check
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            notReadable(file, "it does not exist");
            return;
        } catch (IOException e) {
            notReadable(file, e.toString());
            return;
        }
        if (unreadable) {
            LOG.info("plugin/hosts: {} can be read again", file);
            unreadable = false;
        }
        HostsTable.Builder b = new HostsTable.Builder(config.zones(), config.reverse(), warnings);
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            b.add(lines[i], () -> file + ":" + number);
        }
        HostsData next = new HostsData(b.build(), inline);
        data = next;
        modified = attributes.lastModifiedTime();
        size = attributes.size();
        metrics.read(file.toString(), next.size(), modified);
        LOG.debug("plugin/hosts: parsed {} into {} entries", file, next.file().size());
    }

    /** Warned once, until it can be read again; the entries read last keep serving. */
    private void notReadable(Path file, String why) {
        if (!unreadable) {
            unreadable = true;
            warnings.accept("plugin/hosts: cannot read " + file + " (" + why + "); serving the entries read last");
        }
    }

    @Override
    public void close() {
        if (checks != null) {
            checks.cancel(false);
        }
    }
}
