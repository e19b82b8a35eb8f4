package io.clusterdns.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerMetricsTest {

    /** Two forward lines in one block are one plugin_enabled series, and a reload drops what went. */
    @Test
    void pluginEnabledIsOneSeriesPerServerZoneAndPlugin() {
        ServerMetrics m = new ServerMetrics();
        m.pluginsEnabled(List.of(new String[] {"dns://:53", ".", "forward"}, new String[] {"dns://:53", ".", "forward"},
                new String[] {"dns://:53", ".", "cache"}));

        assertThat(enabledLines(m)).containsExactlyInAnyOrder(
                "coredns_plugin_enabled{name=\"cache\",server=\"dns://:53\",view=\"\",zone=\".\"} 1",
                "coredns_plugin_enabled{name=\"forward\",server=\"dns://:53\",view=\"\",zone=\".\"} 1");

        m.pluginsEnabled(List.<String[]>of(new String[] {"dns://:53", ".", "forward"}));

        assertThat(enabledLines(m)).containsExactly(
                "coredns_plugin_enabled{name=\"forward\",server=\"dns://:53\",view=\"\",zone=\".\"} 1");
    }

    /**
     * The GC series (a GC notification listener: work for the JVM after every collection) exist
     * once someone reads them: not when the other JVM binders are done, but at the first scrape.
     */
    @Test
    void gcSeriesAreBoundByTheFirstScrape() {
        try (ServerMetrics m = new ServerMetrics()) {
            Await.until("the JVM and process binders", () -> m.registry().find("process.virtual.memory").gauge() != null);
            assertThat(m.registry().find("jvm.gc.memory.allocated").counter()).as("no GC listener before a scrape").isNull();

            assertThat(m.scrape()).contains("jvm_gc_memory_allocated_bytes_total");
            assertThat(m.registry().find("jvm.gc.memory.allocated").counter()).isNotNull();
        }
    }

    /** A served /metrics binds them without waiting for a scrape (so its first scrape counts the collections before it). */
    @Test
    void servedMetricsBindTheGcSeries() {
        try (ServerMetrics m = new ServerMetrics()) {
            m.serveGcMeters();
            Await.until("the GC series", () -> m.registry().find("jvm.gc.memory.allocated").counter() != null);
        }
    }

    private static List<String> enabledLines(ServerMetrics m) {
        return m.scrape().lines().filter(l -> l.startsWith("coredns_plugin_enabled{")).toList();
    }
}
