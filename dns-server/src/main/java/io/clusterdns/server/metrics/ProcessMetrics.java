package io.clusterdns.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process series every Prometheus client library exports and CoreDNS dashboards chart
 * ({@code process_cpu_seconds_total}, {@code process_resident_memory_bytes},
 * {@code process_virtual_memory_bytes}, {@code process_open_fds}, {@code process_max_fds}), which
 * Micrometer's binders name differently. Linux values come from {@code /proc/self}; elsewhere the
 * memory gauges are absent. Read when scraped, on a worker thread.
 */
final class ProcessMetrics implements MeterBinder {
    private static final Path STATUS = Path.of("/proc/self/status");

    @Override
    public void bindTo(MeterRegistry registry) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            FunctionCounter.builder("process.cpu", sun, b -> b.getProcessCpuTime() / 1e9)
                    .description("Total user and system CPU time spent in seconds.").baseUnit("seconds").register(registry);
        }
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            Gauge.builder("process.open.fds", unix, b -> b.getOpenFileDescriptorCount())
                    .description("Number of open file descriptors.").register(registry);
            Gauge.builder("process.max.fds", unix, b -> b.getMaxFileDescriptorCount())
                    .description("Maximum number of open file descriptors.").register(registry);
        }
        if (Files.isReadable(STATUS)) {
            Gauge.builder("process.resident.memory", () -> statusBytes("VmRSS:"))
                    .description("Resident memory size in bytes.").baseUnit("bytes").register(registry);
            Gauge.builder("process.virtual.memory", () -> statusBytes("VmSize:"))
                    .description("Virtual memory size in bytes.").baseUnit("bytes").register(registry);
        }
    }

    /**
     * A size line of /proc/self/status ({@code VmRSS:   123456 kB}) in bytes; NaN when unreadable.
     * Read there rather than from statm, which counts pages of a size Java cannot ask for.
     */
    static double statusBytes(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // below
        }
        return Double.NaN;
    }
}
