package io.clusterdns.server.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fuzz in CI: a smaller count than bench/fuzz.sh (30,000 UDP packets, 500 TCP sessions) with a
 * fixed seed, so that a failure is the same on every run. {@code -Dfuzz.seed=}, {@code -Dfuzz.udp=}
 * and {@code -Dfuzz.tcp=} change them; a failure prints the seed, the packet's index and its hex.
 */
class DnsFuzzTest {
    @TempDir
    Path dir;

    @Test
    void theServerAnswersEveryFuzzPacketWellOrNotAtAllAndKeepsAnsweringItsClients() throws Exception {
        DnsFuzz.Settings settings = new DnsFuzz.Settings(Long.getLong("fuzz.seed", 13), Long.getLong("fuzz.udp", 30_000),
                Integer.getInteger("fuzz.tcp", 500), 2, 8);
        try (FuzzTarget target = FuzzTarget.start(dir)) {
            DnsFuzz.Report report = new DnsFuzz(target.address(), settings, FuzzTarget.PROBES).run();
            System.out.println("dns fuzz: " + report.summary());
            assertThat(report.problems()).as(report.summary()).isEmpty();
            assertThat(report.probes().unanswered()).isZero();
            assertThat(report.probes().wrong()).isZero();
            assertThat(report.probes().answered()).isGreaterThan(FuzzTarget.PROBES.size());
            assertThat(target.panics()).as("coredns_panics_total").isZero();
            assertThat(target.logLinesSeen()).as("the server's log was watched (its start-up lines at least)").isPositive();
            assertThat(target.logLines()).as("ERROR lines and exceptions logged").isEmpty();
        }
    }
}
