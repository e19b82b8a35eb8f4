package io.clusterdns.k8s.persist;

import io.clusterdns.k8s.BroadcastingClusterSource;
import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.PublishReport;
import io.clusterdns.k8s.SourceHealth;
import io.clusterdns.k8s.SourceStats;
import io.clusterdns.k8s.StaleSnapshot;
import io.clusterdns.k8s.SyncStatus;
import io.clusterdns.k8s.model.ClusterSnapshot;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live source with a last-known-good copy on disk. On {@link #start()} it reads the file and,
 * when there is a usable one, publishes it at once, marked {@link #stale()}, so that a restart
 * while the API server is unreachable answers every name it knew instead of SERVFAIL; then it
 * starts the live source, and its first snapshot replaces the stale one (and ends the staleness).
 * Every live snapshot is handed to the {@link SnapshotWriter}. With a usable file the live source
 * starts on its own thread, so that the stale answers do not wait for its client to be built;
 * {@link #awaitStarted()} then reports how that start went.
 *
 * <p>A file that is not usable (other format version, cut short, checksum mismatch, unreadable)
 * costs one log line and nothing else: the source starts as if there were none.
 *
 * <p>Subscribers see the stale snapshot (built from scratch: its changes are FULL) and then the
 * live ones, in order; the publish reports are the live source's own.
 */
public final class PersistedClusterSource extends BroadcastingClusterSource {
    private static final Logger LOG = LoggerFactory.getLogger(PersistedClusterSource.class);

    private final ClusterSource live;
    private final SnapshotWriter writer;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile StaleSnapshot stale;
    /** Completes when {@code live.start()} returned, or with what it threw. */
    private final CompletableFuture<Void> liveStarted = new CompletableFuture<>();
    /** The thread starting the live source beside the stale answers (null when start() does it). */
    private volatile Thread starter;

    /** {@code live} not started; this source owns it and the writer from now on. */
    public PersistedClusterSource(ClusterSource live, SnapshotWriter writer) {
        super((what, e) -> LOG.warn("{}", what, e));
        this.live = live;
        this.writer = writer;
    }

    public ClusterSource live() {
        return live;
    }

    public SnapshotWriter writer() {
        return writer;
    }

    @Override
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        SnapshotStore store = writer.store();
        boolean none = false;
        try {
            Optional<PersistedSnapshot> persisted = store.read();
            if (persisted.isPresent()) {
                PersistedSnapshot p = persisted.get();
                stale = new StaleSnapshot(store.file().toString(), p.writtenAt());
                LOG.info("Serving the cluster snapshot persisted in {} at {} until the Kubernetes API syncs: {}", store.file(),
                        p.writtenAt(), p.snapshot());
                broadcaster.publish(p.snapshot(), () -> null);
            } else {
                none = true;
            }
        } catch (SnapshotFormatException e) {
            LOG.warn("Ignoring snapshot file {}: {}; starting without it (it is rewritten once the Kubernetes API syncs)",
                    store.file(), e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring snapshot file {}: cannot read it: {}; starting without it", store.file(), e.toString());
        }
        live.subscribe(this::fromLive);
        if (stale != null) {
            // the stale snapshot answers already: the live source's client (fabric8, Jackson, TLS: most of a
            // second of class loading on a cold JVM) is built beside the listeners' start, not before it
            Thread t = new Thread(this::startLive, "clusterdns-live-start");
            t.setDaemon(true);
            starter = t;
            t.start();
            return;
        }
        startLive();
        awaitStarted();
        if (none) {
            // after the live source started: a configuration it refuses stays a one-line error
            LOG.info("No cluster snapshot persisted in {} yet: it is written once the Kubernetes API syncs", store.file());
        }
    }

    private void startLive() {
        try {
            live.start();
            liveStarted.complete(null);
        } catch (RuntimeException | Error e) {
            liveStarted.completeExceptionally(e);
        }
    }

    /**
     * Returns once the live source has started; throws what its start threw (an unreadable
     * kubeconfig, no service account), so a server that started from the stale snapshot still fails
     * its start with the same one-line error.
     */
    @Override
    public void awaitStarted() {
        if (!started.get()) {
            throw new IllegalStateException("not started");
        }
        try {
            liveStarted.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** On the live source's publisher thread: the live view replaces the stale one, and is persisted. */
    private void fromLive(ClusterSnapshot snapshot) {
        if (stale != null) {
            LOG.info("Kubernetes API synced: live data replaces the snapshot persisted at {}", stale.writtenAt());
            stale = null;
        }
        // no report listeners here (onPublish goes to the live source), so the supplier is never asked
        broadcaster.publish(snapshot, () -> null);
        writer.changed(snapshot);
    }

    @Override
    public Optional<StaleSnapshot> stale() {
        return Optional.ofNullable(stale);
    }





    @Override
    public void onPublish(Consumer<PublishReport> listener) {
        live.onPublish(listener);
    }

    /** The live source's: while stale, its kinds say what is still awaited. */
    @Override
    public SyncStatus syncStatus() {
        return live.syncStatus();
    }

    @Override
    public SourceHealth health() {
        return live.health();
    }

    @Override
    public SourceStats stats() {
        return live.stats();
    }

    @Override
    public String describe() {
        return live.describe() + ", persisted in " + writer.store().file();
    }

    /** Stops the live source, then the writer (a write in progress finishes). */
    @Override
    public void close() {
        if (starter != null) {
            // a start still under way finishes first, so that what it opened is closed
            liveStarted.handle((v, e) -> null).join();
        }
        live.close();
        writer.close();
    }
}
