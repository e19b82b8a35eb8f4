package io.clusterdns.server.plugin.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code coredns_cache_*} series of one cache, with CoreDNS's names, help texts and labels
 * ({@code server}, {@code zones}: the cache's zones joined with commas, {@code view} empty, and
 * {@code type} success/denial where it applies). As in CoreDNS a series appears when it is first
 * counted; the two {@code coredns_cache_entries} gauges appear together at the first store.
 * Counters are looked up once per server and then kept, so counting costs an adder increment.
 */
final class CacheMetrics {
    private static final String VIEW = "";

    private final MeterRegistry registry;
    private final String zones;
    private final CacheStore store;
    private final ConcurrentHashMap<String, Server> servers = new ConcurrentHashMap<>();
    /** The last server asked for: almost always the only one. */
    private volatile Server last;

    CacheMetrics(MeterRegistry registry, String zones, CacheStore store) {
        this.registry = registry;
        this.zones = zones;
        this.store = store;
    }

    /** The meters of {@code server} (the listener's label, e.g. {@code dns://:53}). */
    Server server(String server) {
        Server s = last;
        if (s == null || !s.name.equals(server)) {
            s = servers.computeIfAbsent(server, Server::new);
            last = s;
        }
        return s;
    }

    /** The series of one server; each counter made on its first use. */
    final class Server {
        final String name;
        final Lazy requests;
        final Lazy misses;
        final Lazy drops;
        final Lazy prefetches;
        final Lazy servedStale;
        private final Lazy[] hits = new Lazy[2];
        private final Lazy[] evictions = new Lazy[2];
        private volatile boolean entries;

        Server(String name) {
            this.name = name;
            requests = new Lazy("coredns.cache.requests", "The count of cache requests.", null);
            misses = new Lazy("coredns.cache.misses",
                    "The count of cache misses. Deprecated, derive misses from cache hits/requests counters.", null);
            drops = new Lazy("coredns.cache.drops", "The number responses that are not cached, because the reply is malformed.", null);
            prefetches = new Lazy("coredns.cache.prefetch", "The number of times the cache has prefetched a cached item.", null);
            servedStale = new Lazy("coredns.cache.served_stale", "The number of requests served from stale cache entries.", null);
            for (CacheStore.Kind kind : CacheStore.Kind.values()) {
                hits[kind.ordinal()] = new Lazy("coredns.cache.hits", "The count of cache hits.", kind);
                evictions[kind.ordinal()] = new Lazy("coredns.cache.evictions", "The count of cache evictions.", kind);
            }
        }

        Lazy hits(CacheStore.Kind kind) {
            return hits[kind.ordinal()];
        }

        Lazy evictions(CacheStore.Kind kind) {
            return evictions[kind.ordinal()];
        }

        /**
         * After a store: the entries gauges exist from now on. A gauge left by an earlier cache
         * of the same labels (before a reload) is replaced, so the series follows the store in use.
         */
        void stored() {
            if (entries) {
                return;
            }
            synchronized (this) {
                if (entries) {
                    return;
                }
                for (CacheStore.Kind kind : CacheStore.Kind.values()) {
                    Meter old = registry.find("coredns.cache.entries").tags("server", name, "type", kind.label, "zones", zones, "view", VIEW)
                            .gauge();
                    if (old != null) {
                        registry.remove(old);
                    }
                    Gauge.builder("coredns.cache.entries", store, s -> s.size(kind))
                            .description("The number of elements in the cache.")
                            .tags("server", name, "type", kind.label, "zones", zones, "view", VIEW)
                            .strongReference(true)
                            .register(registry);
                }
                entries = true;
            }
        }

        /** A counter registered on its first increment, as a Prometheus label set appears on first use. */
        final class Lazy {
            private final String meter;
            private final String help;
            private final CacheStore.Kind kind;
            private volatile Counter counter;

            Lazy(String meter, String help, CacheStore.Kind kind) {
                this.meter = meter;
                this.help = help;
                this.kind = kind;
            }

            void increment() {
                Counter c = counter;
                if (c == null) {
                    // two threads may both register: the registry hands both the same counter
                    Counter.Builder b = Counter.builder(meter).description(help).tags("server", name, "zones", zones, "view", VIEW);
                    if (kind != null) {
                        b.tag("type", kind.label);
                    }
                    c = b.register(registry);
                    counter = c;
                }
                c.increment();
            }
        }
    }
}
