package io.clusterdns.server.plugin.hosts;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hosts plugin's series, one set per server as CoreDNS has one per process:
 * {@code coredns_hosts_reload_timestamp_seconds} (the modification time of the hosts file read
 * last, by any hosts plugin; registered at start, 0 until a file is read, as CoreDNS's) and
 * {@code coredns_hosts_entries{hostsfile}} (per file path, from its first read on).
 */
public final class HostsMetrics {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, AtomicLong> entries = new ConcurrentHashMap<>();
    private volatile double reloaded;

    public HostsMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("coredns.hosts.reload.timestamp", this, m -> m.reloaded)
                .description("The timestamp of the last reload of hosts file.")
                .baseUnit("seconds")
                .strongReference(true)
                .register(registry);
    }

    /** {@code file} was read: {@code count} entries (with the inline ones), modified at {@code modified}. */
    void read(String file, int count, FileTime modified) {
        // the timestamp first: whoever sees the new count sees the new timestamp too
        reloaded = modified.to(TimeUnit.NANOSECONDS) / 1e9;
        entries.computeIfAbsent(file, f -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("coredns.hosts.entries", value, AtomicLong::get)
                    .description("The combined number of entries in hosts and Corefile.")
                    .tag("hostsfile", f)
                    .strongReference(true)
                    .register(registry);
            return value;
        }).set(count);
    }
}
