package io.clusterdns.server.metrics;

import io.clusterdns.k8s.BuildVersion;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The server's Prometheus registry with what every process exports: {@code clusterdns_build_info},
 * the JVM (memory, GC, threads, classes), the process (CPU, uptime, file descriptors) through
 * Micrometer's binders, and the Prometheus-standard {@code process_*} series that CoreDNS
 * dashboards chart (see {@link ProcessMetrics}). One registry per server, so that servers in one
 * JVM (tests) do not share counters.
 */
public final class ServerMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    private final Counter panics;

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
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new ProcessMetrics().bindTo(registry);
    }

    /** {@code coredns_panics_total}: plugin bugs that cost a query a SERVFAIL. */
    public Counter panics() {
        return panics;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Unregisters the GC listeners (they would outlive the server otherwise). */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
