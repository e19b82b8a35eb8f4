package io.clusterdns.server.metrics;

import io.clusterdns.k8s.BuildVersion;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's Prometheus registry with what every process exports: {@code clusterdns_build_info},
 * the JVM (memory, GC once someone reads them, threads, classes), the process (CPU, uptime, file descriptors) through
 * Micrometer's binders, and the Prometheus-standard {@code process_*} series that CoreDNS
 * dashboards chart (see {@link ProcessMetrics}). One registry per server, so that servers in one
 * JVM (tests) do not share counters.
 */
public final class ServerMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Bound on demand ({@link #bindGcMeters()}); guarded by this. */
    private JvmGcMetrics gc;
    private boolean closed;
    /** Completes once the JVM and process binders are bound (on their own thread, see the constructor). */
    private final CompletableFuture<Void> processMeters = new CompletableFuture<>();

    private final Counter panics;
    private final Counter reloadFailed;
    private final Timer healthDuration;
    private final Counter healthFailures;
    private final Map<String, Gauge> pluginEnabled = new ConcurrentHashMap<>();
    private final AtomicReference<Gauge> reloadVersion = new AtomicReference<>();

    public ServerMetrics() {
        Gauge.builder("clusterdns.build.info", () -> 1)
                .description("A metric with a constant '1' value labeled by the version clusterdns was built from.")
                .tag("version", BuildVersion.get())
                .tag("javaversion", Runtime.version().toString())
                .register(registry);
        // CoreDNS's own: dashboards and alerts read these (revision and goversion as CoreDNS fills them)
        Gauge.builder("coredns.build.info", () -> 1)
                .description("A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.")
                .tag("version", BuildVersion.get())
                .tag("revision", "clusterdns")
                .tag("goversion", "java" + Runtime.version().feature())
                .register(registry);
        this.panics = Counter.builder("coredns.panics").description("A metrics that counts the number of panics.").register(registry);
        this.reloadFailed = Counter.builder("coredns.reload.failed")
                .description("Counter of the number of failed reload attempts.").register(registry);
        this.healthDuration = Timer.builder("coredns.health.request.duration")
                .description("Histogram of the time (in seconds) each request took.")
                .serviceLevelObjectives(SLIM_TIME_BUCKETS).register(registry);
        this.healthFailures = Counter.builder("coredns.health.request.failures")
                .description("The number of times the health check failed.").register(registry);
        // The JVM and process binders load the management beans (a few hundred classes, a tenth of a
        // second or more on a cold JVM) that no DNS answer needs: bound beside the start, and every
        // scrape waits for them, so no scrape ever lacks their series.
        Thread binder = new Thread(() -> {
            try {
                new JvmMemoryMetrics().bindTo(registry);
                new JvmThreadMetrics().bindTo(registry);
                new ClassLoaderMetrics().bindTo(registry);
                new ProcessorMetrics().bindTo(registry);
                new UptimeMetrics().bindTo(registry);
                new FileDescriptorMetrics().bindTo(registry);
                new ProcessMetrics().bindTo(registry);
                processMeters.complete(null);
            } catch (RuntimeException | Error e) {
                processMeters.completeExceptionally(e);
            }
        }, "clusterdns-process-meters");
        binder.setDaemon(true);
        binder.start();
    }

    /** Waits for the JVM and process series; a binder that failed is this scrape's error. */
    private void awaitProcessMeters() {
        processMeters.join();
    }

    /**
     * Binds the {@code jvm_gc_*} series, once: before the first scrape (or when {@code /metrics}
     * is served, {@link #serveGcMeters()}), not at start. Micrometer's GC binder listens to the
     * JVM's GC notifications, and with a listener every collection has the JVM build a
     * {@code GcInfo} (each memory pool's usage before and after) and hand it over on its
     * notification thread: 0.5 ms of CPU per young collection with the image's flags (the pinned
     * server, {@code /proc} schedstat of that thread), run on the event loop's CPU right after the
     * pause, so every collection stalled the loop about twice as long. With nothing reading the
     * series ({@code --metrics off}) the collections now go without.
     */
    private synchronized void bindGcMeters() {
        if (gc == null && !closed) {
            gc = new JvmGcMetrics();
            gc.bindTo(registry);
        }
    }

    /** {@code /metrics} is (going to be) served: the GC series from now on, bound once the JVM binders are (off the start). */
    public void serveGcMeters() {
        processMeters.thenRun(this::bindGcMeters);
    }

    /** CoreDNS's {@code SlimTimeBuckets}: 0.25 ms × 10^0..4. */
    static final Duration[] SLIM_TIME_BUCKETS = {Duration.ofNanos(250_000), Duration.ofNanos(2_500_000), Duration.ofMillis(25),
        Duration.ofMillis(250), Duration.ofMillis(2500)};

    /** {@code coredns_reload_failed_total}. */
    public Counter reloadFailed() {
        return reloadFailed;
    }

    /** {@code coredns_health_request_duration_seconds}. */
    public Timer healthDuration() {
        return healthDuration;
    }

    /** {@code coredns_health_request_failures_total}. */
    public Counter healthFailures() {
        return healthFailures;
    }

    /**
     * {@code coredns_plugin_enabled{server,zone,view,name}}: 1 for every chain plugin of every block,
     * labelled with the block's first zone, as CoreDNS sets it; the previous set goes (a reload).
     */
    public void pluginsEnabled(List<String[]> serverZoneName) {
        Map<String, Gauge> next = new HashMap<>();
        for (String[] s : serverZoneName) {
            String key = String.join("\0", s);
            if (next.containsKey(key)) {
                continue; // the same plugin twice in a block (two forward lines): one series
            }
            Gauge g = pluginEnabled.get(key);
            if (g == null) {
                g = Gauge.builder("coredns.plugin.enabled", () -> 1)
                        .description("A metric that indicates whether a plugin is enabled on per server and zone basis.")
                        .tags("server", s[0], "zone", s[1], "view", "", "name", s[2]).register(registry);
            }
            next.put(key, g);
        }
        pluginEnabled.forEach((k, g) -> {
            if (!next.containsKey(k)) {
                registry.remove(g);
            }
        });
        pluginEnabled.clear();
        pluginEnabled.putAll(next);
    }

    /** {@code coredns_reload_version_info{hash="sha512",value}}: the digest of the Corefile last tried (absent before). */
    public void reloadVersion(String digest) {
        Gauge old = reloadVersion.getAndSet(Gauge.builder("coredns.reload.version.info", () -> 1)
                .description("A metric with a constant '1' value labeled by hash, and value which type of hash generated.")
                .tags("hash", "sha512", "value", digest).register(registry));
        if (old != null && !old.getId().getTag("value").equals(digest)) {
            registry.remove(old);
        }
    }

    /** {@code coredns_panics_total}: plugin bugs that cost a query a SERVFAIL. */
    public Counter panics() {
        return panics;
    }

    /** The text exposition of every series, with bucket bounds written as CoreDNS's ({@link PrometheusText}). */
    public String scrape() {
        awaitProcessMeters();
        bindGcMeters();
        return PrometheusText.goNumbers(registry.scrape());
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Unregisters the GC listeners (they would outlive the server otherwise). */
    @Override
    public void close() {
        processMeters.handle((v, e) -> null).join(); // the binders are done by then
        synchronized (this) {
            closed = true;
            if (gc != null) {
                gc.close();
            }
        }
        registry.close();
    }
}
