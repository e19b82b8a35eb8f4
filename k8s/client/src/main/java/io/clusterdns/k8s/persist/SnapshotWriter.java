package io.clusterdns.k8s.persist;

import io.clusterdns.k8s.model.ClusterSnapshot;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists the newest snapshot at most once per {@code interval}: a change after a quiet period
 * is written at once, changes arriving faster wait for the next slot and only the newest of them
 * is written. {@link #changed} only records and schedules (it runs on the source's publisher
 * thread); the encoding and the file I/O run on the {@link Scheduler}'s thread, never on an event
 * loop.
 *
 * <p>A failed write (disk full, read-only folder, ...) is logged once per {@link WriteFailure}
 * kind until a write succeeds again, counted in {@link #stats()}, and retried with the next
 * change; serving goes on as before, only the file stays older.
 */
public final class SnapshotWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotWriter.class);
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    /** Runs a task after a delay on one background thread; tests run them by hand. */
    public interface Scheduler extends AutoCloseable {
        void schedule(Runnable task, Duration delay);

        @Override
        void close();

        /** One daemon thread. */
        static Scheduler thread(String name) {
            ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            // on close a write waiting for its slot is dropped, not waited for
            s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            return new Scheduler() {
                @Override
                public void schedule(Runnable task, Duration delay) {
                    if (!s.isShutdown()) {
                        s.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                    }
                }

                @Override
                public void close() {
                    s.shutdown();
                    try {
                        // let a write in progress finish: its rename is atomic either way
                        s.awaitTermination(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
        }
    }

    /**
     * @param writes      files written
     * @param failures    writes that failed, per kind
     * @param lastWritten when the file was last written, null before
     * @param lastBytes   its size then
     */
    public record Stats(long writes, Map<WriteFailure, Long> failures, Instant lastWritten, long lastBytes) {
        public Stats {
            failures = Map.copyOf(failures);
        }

        public long failures(WriteFailure kind) {
            return failures.getOrDefault(kind, 0L);
        }
    }

    private final SnapshotStore store;
    private final Duration interval;
    private final Clock clock;
    private final Scheduler scheduler;
    private final Object lock = new Object();
    // guarded by lock
    private ClusterSnapshot pending;
    private boolean scheduled;
    private boolean inProgress;
    private Instant lastAttempt;
    private long writes;
    private final Map<WriteFailure, Long> failures = new EnumMap<>(WriteFailure.class);
    private final Map<WriteFailure, Boolean> logged = new EnumMap<>(WriteFailure.class);
    private Instant lastWritten;
    private long lastBytes;
    private boolean closed;

    public SnapshotWriter(SnapshotStore store, Duration interval, Clock clock, Scheduler scheduler) {
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative: " + interval);
        }
        this.store = store;
        this.interval = interval;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    public SnapshotStore store() {
        return store;
    }

    /** Records the newest snapshot and schedules its write if none is scheduled; returns at once. */
    public void changed(ClusterSnapshot snapshot) {
        Duration delay;
        synchronized (lock) {
            if (closed) {
                return;
            }
            pending = snapshot;
            if (scheduled) {
                return;
            }
            scheduled = true;
            delay = delay(clock.instant());
        }
        scheduler.schedule(this::writePending, delay);
    }

    /** Zero after a quiet period, else what is left of the interval since the last attempt (never more: the clock may step). */
    private Duration delay(Instant now) {
        if (lastAttempt == null) {
            return Duration.ZERO;
        }
        Duration left = interval.minus(Duration.between(lastAttempt, now));
        return left.isNegative() ? Duration.ZERO : left.compareTo(interval) > 0 ? interval : left;
    }

    private void writePending() {
        ClusterSnapshot snapshot;
        Instant now = clock.instant();
        synchronized (lock) {
            scheduled = false;
            snapshot = pending;
            pending = null;
            lastAttempt = now;
            if (snapshot == null || closed) {
                return;
            }
            inProgress = true;
        }
        try {
            int bytes = store.write(snapshot, now);
            synchronized (lock) {
                writes++;
                lastWritten = now;
                lastBytes = bytes;
                if (logged.containsValue(true)) {
                    LOG.info("Snapshot file {} written again ({} bytes)", store.file(), bytes);
                    logged.clear();
                }
            }
            LOG.debug("Snapshot v{} written to {} ({} bytes)", snapshot.version(), store.file(), bytes);
        } catch (IOException | RuntimeException e) {
            WriteFailure kind = e instanceof IOException io ? WriteFailure.of(io) : WriteFailure.IO_ERROR;
            boolean first;
            synchronized (lock) {
                failures.merge(kind, 1L, Long::sum);
                first = logged.put(kind, true) == null;
            }
            if (first) {
                LOG.warn("Cannot write snapshot file {} ({}): {}; serving goes on, the file stays at its last version and is retried with"
                        + " the next change", store.file(), kind.label(), e.toString());
            }
        } finally {
            synchronized (lock) {
                inProgress = false;
            }
        }
    }

    /**
     * True while a write runs or one is scheduled (within the interval): encoding a snapshot makes
     * garbage of the order of the snapshot itself (its tables and bytes), which a collection meant
     * to leave only the live data (the server's compaction after a sync) should come after. A
     * source that changes without pause keeps this true; its caller bounds the wait.
     */
    public boolean writing() {
        synchronized (lock) {
            return !closed && (inProgress || scheduled);
        }
    }

    public Stats stats() {
        synchronized (lock) {
            return new Stats(writes, failures, lastWritten, lastBytes);
        }
    }

    /** Stops scheduling; a write in progress finishes, a pending one is dropped (the file keeps the previous one). */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            pending = null;
        }
        scheduler.close();
    }
}
