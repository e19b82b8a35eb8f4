package io.clusterdns.agent.sync;

import io.clusterdns.agent.kernel.Conntrack;
import io.clusterdns.agent.kernel.ConntrackFilter;
import io.clusterdns.agent.kernel.Nft;
import io.clusterdns.agent.kernel.NftResult;
import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.DesiredStateBuilder;
import io.clusterdns.agent.model.EndpointCategories;
import io.clusterdns.agent.model.NodeContext;
import io.clusterdns.agent.model.ServicePortState;
import io.clusterdns.agent.nft.Family;
import io.clusterdns.agent.nft.FamilyRenderer;
import io.clusterdns.agent.nft.KernelInventory;
import io.clusterdns.agent.nft.NftModel;
import io.clusterdns.agent.nft.NftScripts;
import io.clusterdns.agent.nft.NftTransaction;
import io.clusterdns.agent.status.AgentMetrics;
import io.clusterdns.agent.status.ProxierHealth;
import io.clusterdns.agent.status.ServiceHealth;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.ServiceKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sync: snapshot → models (incremental rendering) → one nft transaction for both tables →
 * conntrack cleanup → health and metrics. Called by the single sync thread ({@link SyncLoop}).
 *
 * <p>The first sync, and any sync after a failure, writes the whole tables (after listing what
 * the kernel has, to remove leftovers); the others send only the difference to the models the
 * kernel is known to hold. A failed transaction changes nothing in the kernel, so the previous
 * rules keep working; it is logged with nft's message and the next sync is a full one.
 */
public final class RuleSyncer {
    private static final Logger LOG = LoggerFactory.getLogger(RuleSyncer.class);
    /** Older kernels notice a chain is unreferenced only a moment after the transaction that unreferenced it. */
    static final Duration STALE_CHAIN_AGE = Duration.ofSeconds(1);
    /** Partial syncs are logged at INFO only when slower than this. */
    static final Duration SLOW_SYNC = Duration.ofSeconds(1);

    private final List<Family> families;
    private final Nft nft;
    private final Conntrack conntrack;
    private final NodeContexts contexts;
    private final AgentMetrics metrics;
    private final ProxierHealth health;
    /** Wall time: only the last-sync timestamp metric. */
    private final Clock clock;
    private final String nodeName;
    private final DesiredStateBuilder builder;
    private String lastZone = "";
    private final ServiceRanges serviceRanges;
    /** Monotonic time: sync durations and stale-chain ages, which a wall-clock jump must not bend. */
    private final Ticker ticker;
    private final Map<Family, FamilyRenderer> renderers = new EnumMap<>(Family.class);
    private final Map<Family, NftModel> applied = new EnumMap<>(Family.class);
    private final Map<Family, Map<String, ServicePortState>> appliedStates = new EnumMap<>(Family.class);
    private final Map<Family, Map<String, ServicePortState>> pendingStates = new EnumMap<>(Family.class);
    private final Map<Family, Map<String, Long>> staleChains = new EnumMap<>(Family.class);
    private volatile Consumer<Map<Integer, ServiceHealth>> healthCheckListener = m -> { };
    private boolean needFull = true;
    private volatile boolean wrote;
    private final SyncGauges gauges = new SyncGauges();
    /** Services changed since the last successful sync, for the gauges; null: any. */
    private Set<ServiceKey> changedSinceCommit;
    private boolean anyChangedSinceCommit = true;
    private Map<Integer, ServiceHealth> lastHealthChecks;
    /** Where the last sync's time went, for the full-sync log line and the benchmark. */
    private Phases phases = Phases.NONE;

    /**
     * Where a sync's time went (nanoseconds): rendering the models, listing the kernel's objects
     * (full syncs), planning the transaction, applying it ({@link Nft#apply}), and the rest
     * (conntrack, health, gauges).
     */
    public record Phases(long render, long list, long plan, long apply, long after) {
        static final Phases NONE = new Phases(0, 0, 0, 0, 0);

        @Override
        public String toString() {
            return String.format("render %d ms, list %d ms, plan %d ms, apply %d ms, rest %d ms", render / 1_000_000, list / 1_000_000,
                    plan / 1_000_000, apply / 1_000_000, after / 1_000_000);
        }
    }

    public RuleSyncer(List<IpFamily> families, String nodeName, Nft nft, Conntrack conntrack, NodeContexts contexts,
                      AgentMetrics metrics, ProxierHealth health, Clock clock, Ticker ticker) {
        this.families = families.stream().map(Family::of).toList();
        this.nft = nft;
        this.conntrack = conntrack;
        this.contexts = contexts;
        this.metrics = metrics;
        this.health = health;
        this.clock = clock;
        this.nodeName = nodeName;
        this.builder = new DesiredStateBuilder(nodeName);
        this.serviceRanges = new ServiceRanges(contexts.network().serviceCidrs());
        this.ticker = ticker;
        for (Family f : this.families) {
            renderers.put(f, new FamilyRenderer(f, builder));
            applied.put(f, NftModel.empty(f));
            appliedStates.put(f, new HashMap<>());
            pendingStates.put(f, new HashMap<>());
            staleChains.put(f, new HashMap<>());
        }
    }

    /** Called after each successful sync with the health check node ports to serve. */
    public void onHealthChecks(Consumer<Map<Integer, ServiceHealth>> listener) {
        this.healthCheckListener = listener;
    }

    /** The next sync writes everything (e.g. the tables vanished). */
    public synchronized void forceFullSync() {
        needFull = true;
    }

    public synchronized boolean needsFullSync() {
        return needFull;
    }

    /**
     * @param changed  services that may have changed since the last call (null: any)
     * @param periodic a timer sync: also checks that the tables still exist
     */
    public synchronized SyncOutcome sync(ClusterSnapshot snapshot, Collection<ServiceKey> changed, boolean periodic) {
        long start = ticker.nanos();
        phases = Phases.NONE;
        if (changed == null) {
            anyChangedSinceCommit = true;
        } else if (!anyChangedSinceCommit) {
            if (changedSinceCommit == null) {
                changedSinceCommit = new java.util.HashSet<>();
            }
            changedSinceCommit.addAll(changed);
        }
        Map<Family, NftModel> models = render(snapshot, changed);
        long rendered = ticker.nanos();
        long listing = 0;
        if (!needFull && periodic && tablesMissing()) {
            LOG.warn("The clusterdns nftables tables are gone or incomplete (someone flushed the ruleset?): writing them again");
            needFull = true;
        }
        if (!needFull) {
            deleteStaleChains(start);
        }
        boolean full = needFull;
        NftTransaction tx = NftTransaction.EMPTY;
        Map<Family, NftScripts.Plan> plans = new EnumMap<>(Family.class);
        int changedOwners = 0;
        for (Family f : families) {
            NftScripts.Plan plan;
            if (full) {
                long l0 = ticker.nanos();
                KernelInventory inv = inventory(f);
                listing += ticker.nanos() - l0;
                if (inv == null) {
                    return finish(start, full, false, 0, "cannot list the existing nftables objects");
                }
                plan = NftScripts.full(models.get(f), inv);
            } else {
                plan = NftScripts.diff(applied.get(f), models.get(f));
            }
            plans.put(f, plan);
            tx = tx.then(plan.transaction());
            changedOwners += plan.changedOwners();
        }
        long planned = ticker.nanos();
        phases = new Phases(rendered - start, listing, planned - rendered - listing, 0, 0);
        if (!tx.isEmpty()) {
            NftResult r = nft.apply(tx);
            phases = new Phases(phases.render, listing, phases.plan, ticker.nanos() - planned, 0);
            if (r instanceof NftResult.Failed failed) {
                LOG.error("nft transaction failed ({} sync, {} service ports changed), the previous rules stay in place and "
                        + "the next sync rewrites the tables: {}", full ? "full" : "partial", changedOwners, failed.summary());
                needFull = true;
                return finish(start, full, true, changedOwners, failed.message());
            }
        }
        committed(models, plans, full, start);
        long applied = ticker.nanos();
        afterCommit(snapshot);
        phases = new Phases(phases.render, listing, phases.plan, phases.apply, ticker.nanos() - applied);
        return finish(start, full, !tx.isEmpty(), changedOwners, null);
    }

    private Map<Family, NftModel> render(ClusterSnapshot snapshot, Collection<ServiceKey> changed) {
        Map<Family, NftModel> models = new EnumMap<>(Family.class);
        String zone = builder.zone(snapshot);
        if (!java.util.Objects.equals(zone, lastZone)) {
            if (zone == null) {
                LOG.info("This node ({}) has no zone (no {} label, or its Node is not known): zone hints are ignored", nodeName,
                        NodeInfo.ZONE_LABEL);
            } else {
                LOG.info("This node ({}) is in zone {}: services with topology hints prefer endpoints hinted for it", nodeName, zone);
            }
            lastZone = zone;
        }
        List<Cidr> ranges = serviceRanges.of(snapshot);
        for (Family f : families) {
            NodeContext ctx = contexts.context(f.ipFamily()).withZone(zone)
                    .withServiceCidrs(ServiceRanges.ofFamily(ranges, f.ipFamily()));
            FamilyRenderer.Result r = renderers.get(f).render(snapshot, changed, ctx);
            models.put(f, r.model());
            pendingStates.get(f).putAll(r.changedStates());
        }
        return models;
    }

    private void committed(Map<Family, NftModel> models, Map<Family, NftScripts.Plan> plans, boolean full, long now) {
        needFull = false;
        wrote = true;
        for (Family f : families) {
            applied.put(f, models.get(f));
            Map<String, Long> stale = staleChains.get(f);
            NftScripts.Plan plan = plans.get(f);
            // a chain wanted again is live: it must never be deleted later
            if (full) {
                stale.keySet().retainAll(plan.flushedStaleChains()); // the kernel's listing is the truth now
            } else if (!stale.isEmpty()) {
                stale.keySet().removeAll(plan.createdChains());
            }
            plan.flushedStaleChains().forEach(c -> stale.putIfAbsent(c, now));
        }
    }

    /** Conntrack cleanup, applied states, health checks, gauges: everything that follows a commit. */
    private void afterCommit(ClusterSnapshot snapshot) {
        int deleted = 0;
        int failures = 0;
        boolean[] healthChanged = {lastHealthChecks == null};
        List<ConntrackFilter> filters = new java.util.ArrayList<>();
        for (Family f : families) {
            Map<String, ServicePortState> pending = pendingStates.get(f);
            Map<String, ServicePortState> states = appliedStates.get(f);
            filters.addAll(ConntrackCleaner.plan(states, pending));
            pending.forEach((owner, s) -> {
                ServicePortState old = states.get(owner);
                gauges.state(old, s);
                healthChanged[0] |= (old != null && old.healthCheckNodePort() != 0) || (s != null && s.healthCheckNodePort() != 0);
                if (s == null) {
                    states.remove(owner);
                } else {
                    states.put(owner, s);
                }
            });
            pending.clear();
        }
        int[] counts = filters.isEmpty() ? new int[0] : conntrack.deleteAll(filters);
        for (int i = 0; i < counts.length; i++) {
            int n = counts[i];
            if (n < 0) {
                failures++;
            } else {
                deleted += n;
                if (n > 0) {
                    LOG.info("Deleted {} stale conntrack entries: {}", n, filters.get(i));
                }
            }
        }
        metrics.conntrack(deleted, failures);
        health.updated();
        if (healthChanged[0]) {
            // only states with a health check node port (before or after) change the map
            lastHealthChecks = Map.copyOf(healthChecks());
        }
        healthCheckListener.accept(lastHealthChecks);
        gauges.services(snapshot, anyChangedSinceCommit ? null : changedSinceCommit == null ? List.of() : changedSinceCommit);
        anyChangedSinceCommit = false;
        changedSinceCommit = null;
        gauges.publish(metrics, applied, appliedStates);
    }

    /** Health check node ports of externalTrafficPolicy=Local services with their local ready endpoint counts. */
    private Map<Integer, ServiceHealth> healthChecks() {
        Map<Integer, ServiceHealth> out = new HashMap<>();
        for (Map<String, ServicePortState> states : appliedStates.values()) {
            for (ServicePortState s : states.values()) {
                if (s.healthCheckNodePort() == 0) {
                    continue;
                }
                int local = (int) s.endpoints().stream().filter(e -> e.local() && e.ready()).count();
                out.merge(s.healthCheckNodePort(), new ServiceHealth(s.name().service(), local),
                        (a, b) -> a.localEndpoints() >= b.localEndpoints() ? a : b);
            }
        }
        return out;
    }

    private boolean tablesMissing() {
        for (Family f : families) {
            if (!nft.list("list", "chain", f.nft(), io.clusterdns.agent.nft.Names.TABLE, io.clusterdns.agent.nft.Names.SERVICES).ok()) {
                return true;
            }
        }
        return false;
    }

    private KernelInventory inventory(Family f) {
        NftResult chains = nft.list("list", "chains", f.nft());
        NftResult sets = nft.list("-t", "list", "sets", f.nft());
        NftResult maps = nft.list("-t", "list", "maps", f.nft());
        if (chains instanceof NftResult.Ok c && sets instanceof NftResult.Ok s && maps instanceof NftResult.Ok m) {
            return KernelInventory.parse(f, c.stdout(), s.stdout(), m.stdout());
        }
        NftResult failed = !chains.ok() ? chains : !sets.ok() ? sets : maps;
        LOG.error("Cannot list the nftables objects of the {} family: {}", f, ((NftResult.Failed) failed).summary());
        return null;
    }

    private void deleteStaleChains(long now) {
        NftTransaction tx = NftTransaction.EMPTY;
        Map<Family, Set<String>> due = new EnumMap<>(Family.class);
        for (Family f : families) {
            Set<String> old = new java.util.TreeSet<>();
            staleChains.get(f).forEach((c, since) -> {
                if (now - since >= STALE_CHAIN_AGE.toNanos()) {
                    old.add(c);
                }
            });
            if (!old.isEmpty()) {
                due.put(f, old);
                tx = tx.then(NftScripts.deleteChains(f, old));
            }
        }
        if (tx.isEmpty()) {
            return;
        }
        NftResult r = nft.apply(tx);
        if (r instanceof NftResult.Failed failed) {
            // a full sync lists the kernel's chains and flushes/forgets leftovers
            LOG.warn("Deleting stale chains failed, the next sync rewrites the tables: {}", failed.summary());
            metrics.cleanupFailed();
            staleChains.values().forEach(Map::clear);
            needFull = true;
            return;
        }
        due.forEach((f, chains) -> staleChains.get(f).keySet().removeAll(chains));
        LOG.debug("Deleted {} stale chains", due.values().stream().mapToInt(Set::size).sum());
    }

    private SyncOutcome finish(long start, boolean full, boolean written, int changed, String error) {
        Duration took = Duration.ofNanos(ticker.nanos() - start);
        metrics.recordSync(took, full, error == null, clock.millis());
        if (error == null && (full || (written && took.compareTo(SLOW_SYNC) > 0))) {
            LOG.info("Synced nftables rules ({}, {} service ports changed) in {} ms ({})", full ? "full" : "partial", changed, took.toMillis(),
                    phases);
        } else if (error == null && written) {
            // routine: one line per change would flood the log of a busy cluster
            LOG.debug("Synced nftables rules (partial, {} service ports changed) in {} ms", changed, took.toMillis());
        }
        return new SyncOutcome(error == null, full, written, changed, took, error);
    }

    /** Where the last sync's time went. */
    public synchronized Phases lastPhases() {
        return phases;
    }

    /** True once a transaction of this syncer was committed (this process wrote rules). */
    public boolean hasWritten() {
        return wrote;
    }

    /** The models the kernel holds (for tests and the dry run). */
    public synchronized Map<Family, NftModel> appliedModels() {
        return Map.copyOf(applied);
    }
}
