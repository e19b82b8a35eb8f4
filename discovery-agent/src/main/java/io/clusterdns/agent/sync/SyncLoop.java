package io.clusterdns.agent.sync;

import io.clusterdns.agent.status.AgentMetrics;
import io.clusterdns.agent.status.ProxierHealth;
import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ServiceKey;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
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
 *
 * <p>Time comes from a {@link Ticker}; what is due at a given time is decided under one lock by
 * {@link #runDue()}, which the loop's thread calls whenever it wakes and which tests call on their
 * own thread after moving a fake ticker.
 */
public final class SyncLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncLoop.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private final ClusterSource source;
    private final RuleSyncer syncer;
    private final long minSyncNanos;
    private final long syncPeriodNanos;
    private final ProxierHealth health;
    private final AgentMetrics metrics;
    private final Ticker ticker;
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
        this(source, syncer, minSyncPeriod, syncPeriod, health, metrics, Ticker.SYSTEM);
    }

    public SyncLoop(ClusterSource source, RuleSyncer syncer, Duration minSyncPeriod, Duration syncPeriod,
                    ProxierHealth health, AgentMetrics metrics, Ticker ticker) {
        this.source = source;
        this.syncer = syncer;
        this.minSyncNanos = minSyncPeriod.toNanos();
        this.syncPeriodNanos = syncPeriod.toNanos();
        this.health = health;
        this.metrics = metrics;
        this.ticker = ticker;
        this.thread = new Thread(this::run, "clusterdns-agent-sync");
        this.thread.setDaemon(true);
    }

    /** Subscribes to the source and starts the loop thread. */
    public void start() {
        attach();
        thread.start();
    }

    /**
     * Subscribes to the source without starting the thread: the caller then runs the syncs with
     * {@link #runDue()} (tests, with a fake ticker). A change may be synced at once; the first
     * periodic sync is one sync period away.
     */
    void attach() {
        synchronized (lock) {
            long now = ticker.nanos();
            lastSyncNanos = now - minSyncNanos;
            nextPeriodicNanos = now + syncPeriodNanos;
        }
        source.subscribe(this::record);
    }

    /** Called for every sync, on the thread that ran it. */
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

    /**
     * Runs the sync that is due at the ticker's time, on the caller's thread, and returns its
     * outcome; empty when none is due (or the source has not synced yet). A change is due once the
     * minimum period has passed since the last sync, a periodic sync once the sync period has
     * (sooner after a failure).
     */
    Optional<SyncOutcome> runDue() {
        Due due;
        synchronized (lock) {
            due = takeDue();
        }
        return due == null ? Optional.empty() : Optional.of(sync(due));
    }

    /** What one sync works on, taken from the recorded changes. */
    private record Due(ClusterSnapshot snapshot, Set<ServiceKey> keys, boolean periodic) {
    }

    private void run() {
        while (true) {
            Due due = null;
            synchronized (lock) {
                while (!closed && (due = takeDue()) == null) {
                    waitNanos(nanosUntilDue());
                }
                if (closed) {
                    return;
                }
            }
            sync(due);
        }
    }

    /** Under the lock: takes the recorded changes if a sync is due now, else null. */
    private Due takeDue() {
        if (closed) {
            return null;
        }
        long now = ticker.nanos();
        boolean changeDue = requested && now - (lastSyncNanos + minSyncNanos) >= 0;
        boolean periodicDue = now - nextPeriodicNanos >= 0;
        if (!changeDue && !periodicDue) {
            return null;
        }
        if (latest == null || !source.hasSynced()) {
            LOG.debug("Not syncing nftables rules until Services and EndpointSlices have been received");
            requested = false;
            nextPeriodicNanos = now + syncPeriodNanos;
            return null;
        }
        Due due = new Due(latest, all ? null : Set.copyOf(changed), !changeDue);
        changed.clear();
        all = false;
        requested = false;
        lastSyncNanos = now;
        nextPeriodicNanos = now + syncPeriodNanos;
        return due;
    }

    /** Under the lock: how long until the next sync is due. */
    private long nanosUntilDue() {
        long now = ticker.nanos();
        long until = nextPeriodicNanos - now;
        if (requested) {
            until = Math.min(until, lastSyncNanos + minSyncNanos - now);
        }
        return until;
    }

    /** Under the lock: waits up to {@code nanos} (at least a millisecond) or until woken. */
    private void waitNanos(long nanos) {
        try {
            lock.wait(Math.max(1, (nanos + 999_999) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    private SyncOutcome sync(Due due) {
        SyncOutcome outcome;
        try {
            outcome = syncer.sync(due.snapshot(), due.keys(), due.periodic());
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
        return outcome;
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
