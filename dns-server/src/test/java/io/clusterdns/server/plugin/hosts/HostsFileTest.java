package io.clusterdns.server.plugin.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.server.chain.Fallthrough;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/** The file's life: read at start, read again on the timer when it changed, kept when it goes away, the metrics. */
class HostsFileTest {
    static final Name A = Name.fromConstantString("a.example.");
    static final Name B = Name.fromConstantString("b.example.");

    @TempDir
    Path dir;
    final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    final MeterRegistry registry = new SimpleMeterRegistry();
    final List<String> warnings = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    HostsFile start(Path file, Duration reload, List<HostsConfig.Line> inline) {
        HostsConfig c = new HostsConfig(file, List.of(Name.root), inline, 3600, true, reload, Fallthrough.NONE, false);
        return new HostsFile(c, timer, new HostsMetrics(registry), warnings::add);
    }

    static List<String> v4(HostsFile f, Name name) {
        return f.data().addresses(name, false).stream().map(InetAddress::getHostAddress).toList();
    }

    double entries(Path file) {
        return registry.get("coredns.hosts.entries").tag("hostsfile", file.toString()).gauge().value();
    }

    double reloaded() {
        return registry.get("coredns.hosts.reload.timestamp").gauge().value();
    }

    @Test
    void anEditIsReadOnTheTimerAndTheMetricsFollow() throws Exception {
        Path file = Files.writeString(dir.resolve("hosts"), "192.0.2.1 a.example\n");
        try (HostsFile f = start(file, Duration.ofMillis(50), List.of(new HostsConfig.Line("198.51.100.1 c.example", "Corefile:3")))) {
            assertThat(v4(f, A)).containsExactly("192.0.2.1");
            assertThat(entries(file)).as("a.example, its PTR, c.example, its PTR").isEqualTo(4);
            assertThat(reloaded()).isEqualTo(Files.getLastModifiedTime(file).toMillis() / 1000.0, offset(0.001));

            Files.writeString(file, "192.0.2.1 a.example\n192.0.2.2 b.example\n");

            Await.until("b.example read from the edited file", () -> v4(f, B), l -> l.equals(List.of("192.0.2.2")));
            assertThat(v4(f, A)).containsExactly("192.0.2.1");
            Await.until("the entries gauge", () -> entries(file), n -> n == 6);
        }
    }

    @Test
    void aFileThatGoesAwayLeavesTheEntriesReadLastAndOneThatAppearsIsRead() throws Exception {
        Path file = Files.writeString(dir.resolve("hosts"), "192.0.2.1 a.example\n");
        try (HostsFile f = start(file, Duration.ofMillis(50), List.of())) {
            Files.delete(file);
            Await.until("the warning about the missing file", () -> !warnings.isEmpty());
            assertThat(warnings).containsExactly("plugin/hosts: cannot read " + file + " (it does not exist); serving the entries read last");
            assertThat(v4(f, A)).containsExactly("192.0.2.1");

            Files.writeString(file, "192.0.2.2 b.example\n");
            Await.until("the file read again", () -> v4(f, B), l -> l.equals(List.of("192.0.2.2")));
            assertThat(v4(f, A)).isEmpty();
        }
    }

    @Test
    void aFileMissingAtStartIsReadOnceItAppears() throws Exception {
        Path file = dir.resolve("NodeHosts");
        try (HostsFile f = start(file, Duration.ofMillis(50), List.of())) {
            assertThat(warnings).containsExactly("plugin/hosts: File does not exist: " + file);
            assertThat(registry.find("coredns.hosts.entries").gauge()).as("no series before a read, as CoreDNS").isNull();

            Files.writeString(file, "192.0.2.1 a.example\n");
            Await.until("the new file read", () -> v4(f, A), l -> l.equals(List.of("192.0.2.1")));
        }
    }

    @Test
    void reloadZeroReadsOnceAndSchedulesNothing() throws Exception {
        Path file = Files.writeString(dir.resolve("hosts"), "192.0.2.1 a.example\n");
        try (HostsFile f = start(file, Duration.ZERO, List.of())) {
            assertThat(v4(f, A)).containsExactly("192.0.2.1");
            assertThat(timer.getQueue()).isEmpty();
        }
    }

    @Test
    void closingStopsTheChecks() throws Exception {
        Path file = Files.writeString(dir.resolve("hosts"), "192.0.2.1 a.example\n");
        HostsFile f = start(file, Duration.ofMillis(50), List.of());
        assertThat(timer.getQueue()).hasSize(1);

        f.close();

        assertThat(timer.getQueue()).singleElement().satisfies(t -> assertThat(((Future<?>) t).isCancelled()).isTrue());
    }
}
