package io.clusterdns.k8s.informer;

import io.clusterdns.k8s.PublishReport;
import io.clusterdns.k8s.SnapshotBroadcaster;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.SnapshotDelta;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that publishes snapshots. It waits until every informer has synced and then
 * publishes one complete snapshot (version 1); after that it publishes
 * {@code current.apply(delta)} for each batch of real changes, never rebuilding. Publishing is
 * rate-limited rather than delayed: a change after a quiet period is published at once, and
 * changes arriving less than {@code coalesce} after the last publish wait for the next one.
 * Listeners are called on this thread, in version order, one at a time.
 */
final class SnapshotPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(InformerClusterSource.class);
    /** How often the sync gate is checked while waiting for the first snapshot. */
    private static final long SYNC_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long FIRST_PROGRESS_LOG_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long PROGRESS_LOG_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final PendingChanges pending;
    private final ClusterState state;
    private final BooleanSupplier allSynced;
    private final Supplier<String> progress;
    private final long coalesceNanos;
    private final Consumer<Throwable> onCrash;
    private final SnapshotBroadcaster broadcaster = new SnapshotBroadcaster((what, e) -> LOG.warn("{}", what, e));
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param allSynced true when every informer has synced; checked before each drain
     * @param progress  the sync status, for the log lines while waiting
     * @param onCrash   called if the thread dies of an unexpected error
     */
    SnapshotPublisher(PendingChanges pending, ClusterState state, BooleanSupplier allSynced, Supplier<String> progress,
                      Duration coalesce, Consumer<Throwable> onCrash) {
        this.pending = pending;
        this.state = state;
        this.allSynced = allSynced;
        this.progress = progress;
        this.coalesceNanos = coalesce.toNanos();
        this.onCrash = onCrash;
        this.thread = new Thread(this::run, "clusterdns-informer-publisher");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Stops the thread and waits for a publish in progress to finish. */
    void close() {
        running = false;
        thread.interrupt();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            long started = System.nanoTime();
            if (!awaitFirstSync(started)) {
                return;
            }
            long lastPublish = System.nanoTime();
            while (running) {
                pending.await(Long.MAX_VALUE);
                long wait = lastPublish + coalesceNanos - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (publishChanges(pending.drain())) {
                    lastPublish = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            // close()
        } catch (Throwable t) {
            if (running) {
                LOG.error("Snapshot publisher stopped: {}; the last snapshot (version {}) keeps serving", t, broadcaster.current().version(), t);
                onCrash.accept(t);
            }
        }
    }

    /** Accumulates state until every informer has synced, then publishes version 1; false if closed first. */
    private boolean awaitFirstSync(long started) throws InterruptedException {
        long nextLog = started + FIRST_PROGRESS_LOG_NANOS;
        long nextCheck = started;
        while (running) {
            // checked before draining: every object counted as delivered was recorded before, so it
            // is in this drain. At most every poll interval: a check lists every informer's keys.
            long now = System.nanoTime();
            boolean ready = false;
            if (now - nextCheck >= 0) {
                ready = allSynced.getAsBoolean();
                nextCheck = now + SYNC_POLL_NANOS;
            }
            state.apply(pending.drain());
            if (ready) {
                ClusterSnapshot first = state.snapshot(1, Instant.now());
                publish(first, new PublishReport(1, true, 0, Duration.ZERO, List.of()), List.of());
                LOG.info("Kubernetes API synced in {} ms: {}", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), first);
                return true;
            }
            if (now - nextLog >= 0) {
                LOG.info("Waiting for the Kubernetes API: {}", progress.get());
                nextLog = now + PROGRESS_LOG_NANOS;
            }
            pending.await(Math.max(nextCheck - System.nanoTime(), 0));
        }
        return false;
    }

    /** Publishes the visible changes of a batch; false when there were none. */
    private boolean publishChanges(PendingChanges.Batch batch) {
        SnapshotDelta delta = state.apply(batch);
        if (delta.isEmpty()) {
            return false;
        }
        ClusterSnapshot next = broadcaster.current().apply(delta, Instant.now());
        Duration queued = Duration.ofNanos(batch.ageNanos(System.nanoTime()));
        List<EndpointSliceInfo> changedSlices = new ArrayList<>();
        for (Optional<EndpointSliceInfo> s : delta.slices().values()) {
            s.ifPresent(changedSlices::add);
        }
        publish(next, new PublishReport(next.version(), false, delta.size(), queued, List.of()), changedSlices);
        return true;
    }

    private void publish(ClusterSnapshot snapshot, PublishReport report, List<EndpointSliceInfo> changedSlices) {
        broadcaster.publish(snapshot, () -> withLatencies(report, changedSlices));
    }

    /** Trigger time → now, measured after the snapshot listeners returned: they are part of programming. */
    private static PublishReport withLatencies(PublishReport report, List<EndpointSliceInfo> changedSlices) {
        if (changedSlices.isEmpty()) {
            return report;
        }
        Instant now = Instant.now();
        List<Duration> latencies = new ArrayList<>();
        for (EndpointSliceInfo s : changedSlices) {
            if (s.triggerTime() != null) {
                Duration d = Duration.between(s.triggerTime(), now);
                latencies.add(d.isNegative() ? Duration.ZERO : d);
            }
        }
        return new PublishReport(report.version(), report.first(), report.changedObjects(), report.queued(), latencies);
    }

    SnapshotBroadcaster broadcaster() {
        return broadcaster;
    }

}
