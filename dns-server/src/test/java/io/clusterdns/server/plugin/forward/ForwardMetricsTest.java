package io.clusterdns.server.plugin.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.server.DnsServer;
import io.clusterdns.server.Scrape;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forward series every server exports, as CoreDNS registers them whether or not forward is used. */
class ForwardMetricsTest {
    @TempDir
    Path dir;

    @Test
    void theForwardCountersExistAtZeroWithoutForward() {
        try (DnsServer server = ForwardServers.start(dir, ". {\n errors\n}\n")) {
            String text = server.scrape();
            Scrape s = new Scrape(text);

            assertThat(s.value("coredns_forward_healthcheck_broken_total", Map.of())).isZero();
            assertThat(s.value("coredns_forward_max_concurrent_rejects_total", Map.of())).isZero();
            assertThat(s.types()).containsEntry("coredns_forward_healthcheck_broken_total", "counter")
                    .containsEntry("coredns_forward_max_concurrent_rejects_total", "counter");
            assertThat(text)
                    .contains("# HELP coredns_forward_healthcheck_broken_total Counter of the number of complete failures"
                            + " of the healthchecks.")
                    .contains("# HELP coredns_forward_max_concurrent_rejects_total Counter of the number of queries rejected because the"
                            + " concurrent queries were at maximum.");
            assertThat(s.names()).noneMatch(n -> n.startsWith("coredns_proxy_"));
        }
    }
}
