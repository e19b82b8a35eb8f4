package io.clusterdns.server.plugin.rrl;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The rrl series of one server (every rrl line of every block counts into them), a bounded set
 * whatever the clients:
 *
 * <pre>
 * coredns_rrl_requests_exceeded_total                 requests over requests-per-second (CoreDNS's name, without its client_ip label)
 * coredns_rrl_responses_exceeded_total                responses over their allowance
 * clusterdns_rrl_limited_total{kind,action}           kind request|response|nodata|nxdomain|referral|error,
 *                                                     action dropped|slipped|reported (report-only)
 * clusterdns_rrl_table_entries                        accounts held
 * clusterdns_rrl_table_evictions_total                accounts forgotten because the table was full
 * clusterdns_rrl_top_clients{rank,client}             the 10 client prefixes limited most in the last 10 s: queries limited
 * </pre>
 *
 * CoreDNS labels its two counters with every client address it ever limited, which a spoofed
 * flood turns into millions of series; here the addresses are only in the top-10 gauge, which
 * is replaced every period. Kept across reloads while any block has an rrl line.
 */
public final class RrlMetrics implements AutoCloseable {
    static final int TOP = 10;
    static final Duration PERIOD = Duration.ofSeconds(10);

    /** What was done with a query over its limit. */
    enum Action {
        DROPPED, SLIPPED, REPORTED;

        final String label = name().toLowerCase(java.util.Locale.ROOT);
    }

    private final MeterRegistry registry;
    private final Counter requestsExceeded;
    private final Counter responsesExceeded;
    private final Counter[][] limited = new Counter[Kind.values().length][Action.values().length];
    private final Counter evictions;
    private final Gauge entries;
    private final MultiGauge top;
    private final Set<AccountTable> tables = new CopyOnWriteArraySet<>();
    private final TopClients clients = new TopClients();
    private final ScheduledFuture<?> rotation;
    private final List<Meter> meters = new ArrayList<>();

    /** @param timer publishes the top clients every {@link #PERIOD}; null: only when {@link #publishTopClients} is called (tests) */
    public RrlMetrics(MeterRegistry registry, ScheduledExecutorService timer) {
        this.registry = registry;
        this.requestsExceeded = add(Counter.builder("coredns.rrl.requests.exceeded")
                .description("Counter of requests exceeding QPS limit.").register(registry));
        this.responsesExceeded = add(Counter.builder("coredns.rrl.responses.exceeded")
                .description("Counter of responses exceeding QPS limit.").register(registry));
        for (Kind k : Kind.values()) {
            for (Action a : Action.values()) {
                if (k == Kind.REQUEST && a == Action.SLIPPED) {
                    continue; // a dropped request has no response to slip
                }
                limited[k.ordinal()][a.ordinal()] = add(Counter.builder("clusterdns.rrl.limited")
                        .description("Queries over an rrl limit, by what was counted and what was done.")
                        .tags("kind", k.label, "action", a.label).register(registry));
            }
        }
        this.evictions = add(Counter.builder("clusterdns.rrl.table.evictions")
                .description("rrl accounts forgotten because the table was full.").register(registry));
        this.entries = add(Gauge.builder("clusterdns.rrl.table.entries", tables, t -> t.stream().mapToInt(AccountTable::size).sum())
                .description("rrl accounts held.").register(registry));
        this.top = MultiGauge.builder("clusterdns.rrl.top.clients")
                .description("Queries limited in the last period from the client prefixes limited most (rank 1 the most).")
                .register(registry);
        long p = PERIOD.toNanos();
        this.rotation = timer == null ? null : timer.scheduleAtFixedRate(this::publishTopClients, p, p, TimeUnit.NANOSECONDS);
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }

    /** A new table for {@code config}'s accounts, counted in the entries gauge until it is closed. */
    public AccountTable table(RrlConfig config) {
        AccountTable[] made = new AccountTable[1];
        made[0] = new AccountTable(config.maxTableSize(), config.windowNanos(), config.slipRatio(), evictions::increment,
                () -> tables.remove(made[0]));
        tables.add(made[0]);
        return made[0];
    }

    /** A query of {@code client} over the limit of {@code kind}. */
    void limited(Kind kind, Action action, ClientPrefix client) {
        (kind == Kind.REQUEST ? requestsExceeded : responsesExceeded).increment();
        limited[kind.ordinal()][action.ordinal()].increment();
        clients.limited(client);
    }

    /** Replaces the top-clients rows with the period just ended, and starts a new one. */
    public void publishTopClients() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        List<TopClients.Entry> best = clients.rotate(TOP);
        for (int i = 0; i < best.size(); i++) {
            rows.add(MultiGauge.Row.of(Tags.of("rank", Integer.toString(i + 1), "client", best.get(i).client().toString()),
                    best.get(i).limited()));
        }
        top.register(rows, true);
    }

    @Override
    public void close() {
        if (rotation != null) {
            rotation.cancel(false);
        }
        top.register(List.of(), true);
        meters.forEach(registry::remove);
    }
}
