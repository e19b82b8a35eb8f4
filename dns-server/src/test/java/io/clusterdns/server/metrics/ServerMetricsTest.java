package io.clusterdns.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

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

    private static List<String> enabledLines(ServerMetrics m) {
        return m.scrape().lines().filter(l -> l.startsWith("coredns_plugin_enabled{")).toList();
    }
}
