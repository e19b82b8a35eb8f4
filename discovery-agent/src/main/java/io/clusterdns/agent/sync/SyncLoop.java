package io.clusterdns.agent.sync;

import io.clusterdns.agent.status.AgentMetrics;
import io.clusterdns.agent.status.ProxierHealth;
import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ServiceKey;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callbacks record, one loop applies (kube-proxy's BoundedFrequencyRunner): the source's listener
 * only stores the newest snapshot and which services changed; this loop's thread syncs at most
 * once per {@code minSyncPeriod} (changes arriving faster are batched into one transaction), at
 * least once per {@code syncPeriod}, and sooner after a failure (doubling from the minimum up to
 * the sync period). Nothing is written before the source has a complete view of Services and
 * EndpointSlices: until then no snapshot is published and the loop only waits.
 */
public final class SyncLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncLoop.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private final ClusterSource source;
    private final RuleSyncer syncer;
    private final long minSyncNanos;
    private final long syncPeriodNanos;
    private final ProxierHealth health;
    private final AgentMetrics metrics;
    private final List<Consumer<SyncOutcome>> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final Thread thread;

    // guarded by lock
    private ClusterSnapshot latest;
    private final Set<ServiceKey> changed = new HashSet<>();
    private boolean all = true;
    private long lastVersion = -1;
    private boolean requested;
    private long lastSyncNanos;
    private long nextPeriodicNanos;
    private boolean closed;
    private int failuresInRow;

    public SyncLoop(ClusterSource source, RuleSyncer syncer, Duration minSyncPeriod, Duration syncPeriod,
                    ProxierHealth health, AgentMetrics metrics) {
        this.source = source;
        this.syncer = syncer;
        this.minSyncNanos = minSyncPeriod.toNanos();
        this.syncPeriodNanos = syncPeriod.toNanos();
        this.health = health;
        this.metrics = metrics;
        this.thread = new Thread(this::run, "clusterdns-agent-sync");
        this.thread.setDaemon(true);
    }

    /** Subscribes to the source and starts the loop thread. */
    public void start() {
        long now = System.nanoTime();
        lastSyncNanos = now - minSyncNanos;
        nextPeriodicNanos = now + syncPeriodNanos;
        thread.start();
        source.subscribe(this::record);
    }

    /** Called for every sync, from the loop thread. */
    public void onSync(Consumer<SyncOutcome> listener) {
        listeners.add(listener);
    }

    /** The source's listener: records and wakes the loop, nothing more (it runs on the source's thread). */
    void record(ClusterSnapshot snapshot) {
        synchronized (lock) {
            if (snapshot.changes().full() || snapshot.version() != lastVersion + 1) {
                all = true;
            } else {
                changed.addAll(snapshot.changes().services());
            }
            latest = snapshot;
            lastVersion = snapshot.version();
            requested = true;
            lock.notifyAll();
        }
        health.queued();
        metrics.queued(System.currentTimeMillis());
    }

    /** Asks for a sync as soon as the minimum period allows (e.g. after a failure was fixed outside). */
    public void requestSync() {
        synchronized (lock) {
            requested = true;
            lock.notifyAll();
        }
    }

    private void run() {
        while (true) {
            ClusterSnapshot snapshot;
            Set<ServiceKey> keys;
            boolean periodic;
            synchronized (lock) {
                periodic = awaitDue();
                if (closed) {
                    return;
                }
                snapshot = latest;
                keys = all ? null : Set.copyOf(changed);
                changed.clear();
                all = false;
                requested = false;
                lastSyncNanos = System.nanoTime();
                nextPeriodicNanos = lastSyncNanos + syncPeriodNanos;
            }
            if (snapshot == null || !source.hasSynced()) {
                LOG.debug("Not syncing nftables rules until Services and EndpointSlices have been received");
                continue;
            }
            syncOnce(snapshot, keys, periodic);
        }
    }

    /** Waits until a change is due (min period passed) or the periodic sync is; returns true for a periodic one. */
    private boolean awaitDue() {
        while (!closed) {
            long now = System.nanoTime();
            long changeDue = lastSyncNanos + minSyncNanos;
            if (requested && now - changeDue >= 0) {
                return false;
            }
            if (now - nextPeriodicNanos >= 0) {
                return true;
            }
            long until = requested ? Math.min(changeDue - now, nextPeriodicNanos - now) : nextPeriodicNanos - now;
            try {
                lock.wait(Math.max(1, until / 1_000_000), 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closed = true;
            }
        }
        return false;
    }

    private void syncOnce(ClusterSnapshot snapshot, Set<ServiceKey> keys, boolean periodic) {
        SyncOutcome outcome;
        try {
            outcome = syncer.sync(snapshot, keys, periodic);
        } catch (RuntimeException e) {
            LOG.error("Sync failed unexpectedly; the next sync rewrites the tables", e);
            syncer.forceFullSync();
            outcome = new SyncOutcome(false, true, false, 0, Duration.ZERO, e.toString());
        }
        synchronized (lock) {
            if (outcome.ok()) {
                failuresInRow = 0;
            } else {
                // retry sooner than a whole sync period, backing off so that a persistent error does not spin
                long backoff = Math.max(minSyncNanos, FIRST_RETRY.toNanos()) << Math.min(failuresInRow, 20);
                nextPeriodicNanos = lastSyncNanos + Math.min(syncPeriodNanos, backoff);
                failuresInRow++;
            }
        }
        for (Consumer<SyncOutcome> l : listeners) {
            try {
                l.accept(outcome);
            } catch (RuntimeException e) {
                LOG.warn("Sync listener failed", e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
