package io.clusterdns.agent.status;

import io.clusterdns.k8s.persist.SnapshotMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's Prometheus metrics. Names follow kube-proxy where a kube-proxy metric means the same
 * thing (so existing dashboards and alerts keep working), {@code clusterdns_agent_*} otherwise:
 *
 * <ul>
 *   <li>{@code kubeproxy_sync_proxy_rules_duration_seconds} (histogram), with
 *       {@code kubeproxy_sync_full_proxy_rules_duration_seconds} and
 *       {@code kubeproxy_sync_partial_proxy_rules_duration_seconds}</li>
 *   <li>{@code kubeproxy_sync_proxy_rules_last_timestamp_seconds}, {@code kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds}</li>
 *   <li>{@code kubeproxy_sync_proxy_rules_nftables_sync_failures_total}, {@code kubeproxy_sync_proxy_rules_nftables_cleanup_failures_total}</li>
 *   <li>{@code kubeproxy_sync_proxy_rules_no_local_endpoints{traffic_policy}}</li>
 *   <li>{@code clusterdns_agent_nftables_chains|rules|elements{family}}, {@code clusterdns_agent_services{type}},
 *       {@code clusterdns_agent_service_ports{family}}, {@code clusterdns_agent_conntrack_deleted_entries_total},
 *       {@code clusterdns_agent_conntrack_failures_total}</li>
 * </ul>
 */
public final class AgentMetrics {
    private static final Duration[] BUCKETS = buckets();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer syncDuration;
    private final Timer fullSyncDuration;
    private final Timer partialSyncDuration;
    private final Counter syncFailures;
    private final Counter cleanupFailures;
    private final Counter conntrackDeleted;
    private final Counter conntrackFailures;
    private final AtomicLong lastSyncMillis = new AtomicLong();
    private final AtomicLong lastQueuedMillis = new AtomicLong();
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();
    private final List<SnapshotMeters.Meter> bound = new CopyOnWriteArrayList<>();

    public AgentMetrics() {
        syncDuration = timer("kubeproxy.sync.proxy.rules.duration", "SyncProxyRules latency");
        fullSyncDuration = timer("kubeproxy.sync.full.proxy.rules.duration", "Latency of full syncs (whole table)");
        partialSyncDuration = timer("kubeproxy.sync.partial.proxy.rules.duration", "Latency of partial syncs (changes only)");
        syncFailures = Counter.builder("kubeproxy.sync.proxy.rules.nftables.sync.failures")
                .description("nft transactions that failed (the previous rules stayed in place)").register(registry);
        cleanupFailures = Counter.builder("kubeproxy.sync.proxy.rules.nftables.cleanup.failures")
                .description("Failed deletions of stale chains").register(registry);
        conntrackDeleted = Counter.builder("clusterdns.agent.conntrack.deleted.entries")
                .description("Stale UDP/SCTP conntrack entries deleted").register(registry);
        conntrackFailures = Counter.builder("clusterdns.agent.conntrack.failures")
                .description("conntrack -D calls that failed").register(registry);
        Gauge.builder("kubeproxy.sync.proxy.rules.last.timestamp", lastSyncMillis, v -> v.get() / 1000.0)
                .baseUnit("seconds").description("The last time rules were successfully synced").register(registry);
        Gauge.builder("kubeproxy.sync.proxy.rules.last.queued.timestamp", lastQueuedMillis, v -> v.get() / 1000.0)
                .baseUnit("seconds").description("The last time a sync was queued by a change").register(registry);
    }

    /**
     * Registers meters described outside this module (the persisted snapshot's,
     * {@code clusterdns_cluster_snapshot_stale} and {@code clusterdns_snapshot_file_*}).
     */
    public void bind(List<SnapshotMeters.Meter> meters) {
        // Micrometer's function meters hold their object weakly: keep the descriptions alive here
        bound.addAll(meters);
        for (SnapshotMeters.Meter m : meters) {
            Tags tags = Tags.of(m.tags().entrySet().stream().map(e -> Tag.of(e.getKey(), e.getValue())).toList());
            if (m.counter()) {
                FunctionCounter.builder(m.name(), m, x -> x.value().getAsDouble()).description(m.description()).tags(tags).register(registry);
            } else {
                Gauge.builder(m.name(), m, x -> x.value().getAsDouble()).description(m.description()).baseUnit(m.baseUnit())
                        .tags(tags).register(registry);
            }
        }
    }

    private Timer timer(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS)
                .minimumExpectedValue(BUCKETS[0]).maximumExpectedValue(BUCKETS[BUCKETS.length - 1]).register(registry);
    }

    /** kube-proxy's buckets: 1 ms doubling to about 16 s. */
    private static Duration[] buckets() {
        Duration[] b = new Duration[15];
        for (int i = 0; i < b.length; i++) {
            b[i] = Duration.ofMillis(1L << i);
        }
        return b;
    }

    public void recordSync(Duration took, boolean full, boolean ok, long epochMillis) {
        syncDuration.record(took);
        (full ? fullSyncDuration : partialSyncDuration).record(took);
        if (ok) {
            lastSyncMillis.set(epochMillis);
        } else {
            syncFailures.increment();
        }
    }

    public void queued(long epochMillis) {
        lastQueuedMillis.set(epochMillis);
    }

    public void cleanupFailed() {
        cleanupFailures.increment();
    }

    public void conntrack(int deleted, int failures) {
        conntrackDeleted.increment(deleted);
        conntrackFailures.increment(failures);
    }

    /** The help text of the one-tag gauges {@link #gauge} makes (Prometheus shows {@code # HELP} for each). */
    private static final Map<String, String> GAUGE_HELP = Map.of(
            "clusterdns.agent.nftables.chains", "Chains in the agent's nftables table, by family.",
            "clusterdns.agent.nftables.rules", "Rules in the agent's nftables table, by family.",
            "clusterdns.agent.nftables.elements", "Set and map elements in the agent's nftables table, by family.",
            "clusterdns.agent.services", "Services programmed, by type.",
            "clusterdns.agent.services.invalid.annotation",
            "Services whose clusterdns.io annotation has a value the agent does not know (they get the node's setting).",
            "clusterdns.agent.service.ports", "Service ports programmed, by family.",
            "kubeproxy.sync.proxy.rules.no.local.endpoints",
            "Services with a Local traffic policy and no local endpoints, by traffic policy.",
            "clusterdns.agent.topology.service.ports",
            "Service ports by the topology in effect on this node: same-zone, same-node, or fallback (every endpoint).");

    /** A gauge with one tag, created on first use. */
    public void gauge(String name, String tagKey, String tagValue, long value) {
        gauges.computeIfAbsent(name + "|" + tagKey + "=" + tagValue, k -> {
            AtomicLong holder = new AtomicLong();
            Gauge.builder(name, holder, AtomicLong::get).description(GAUGE_HELP.get(name)).tags(Tags.of(tagKey, tagValue))
                    .register(registry);
            return holder;
        }).set(value);
    }

    public double syncFailures() {
        return syncFailures.count();
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
