package io.clusterdns.server.plugin.timeouts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.listen.TcpLimits;
import io.clusterdns.server.listen.Wildcard;
import io.clusterdns.server.plan.CorefilePlan;
import io.clusterdns.server.plan.ServerPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code timeouts} blocks → the TCP listeners' timeouts, CoreDNS's setup table (its positive and
 * negative cases) plus where the values land when several blocks share a listener.
 */
class TimeoutsSetupTest {
    static final Path FILE = Path.of("/etc/coredns/Corefile");

    static ServerPlan plan(String corefile) {
        return new ServerPlan(CorefilePlan.blocks(CorefileParser.parse(corefile, FILE, Map.of()), 53), TcpLimits.DEFAULT, 1, null, "");
    }

    /** The limits of the listener on every address, port 53, for a block holding {@code lines}. */
    static TcpLimits limits(String lines) {
        return plan(". {\n" + lines + "\n}\n").tcpLimits(Wildcard.on(53));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            timeouts { \\n read 30s \\n }                             | 30s | 5s  | 10s | -1
            timeouts { \\n read 1m \\n write 2m \\n }                 | 60s | 120s | 10s | -1
            timeouts { \\n idle 1h \\n }                              | 3s  | 5s  | 3600s | -1
            timeouts { \\n read 10 \\n write 20 \\n idle 60 \\n }     | 10s | 20s | 60s | -1
            timeouts { \\n maxtcpqueries 128 \\n }                    | 3s  | 5s  | 10s | 128
            timeouts { \\n max_queries 5 \\n }                        | 3s  | 5s  | 10s | 5
            timeouts { \\n maxtcpqueries -1 \\n }                     | 3s  | 5s  | 10s | -1
            timeouts { \\n read 24h \\n write 1s \\n }                | 86400s | 1s | 10s | -1
            """)
    void valuesOverTheDefaults(String text, String read, String write, String idle, int maxQueries) {
        TcpLimits l = limits(text.replace("\\n", "\n"));
        assertThat(l.readTimeout()).isEqualTo(Duration.parse("PT" + read));
        assertThat(l.writeTimeout()).isEqualTo(Duration.parse("PT" + write));
        assertThat(l.idleTimeout()).isEqualTo(Duration.parse("PT" + idle));
        assertThat(l.maxQueries()).isEqualTo(maxQueries);
        assertThat(l.maxConnections()).as("the caps are the flags'").isEqualTo(TcpLimits.DEFAULT.maxConnections());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            timeouts                                   | /etc/coredns/Corefile:2: timeouts: timeouts block with no timeouts or limits specified
            timeouts { \\n }                           | /etc/coredns/Corefile:2: timeouts: timeouts block with no timeouts or limits specified
            timeouts 10s { \\n read 10s \\n }          | /etc/coredns/Corefile:2: timeouts: wrong argument count: expected no arguments, got 1
            timeouts { \\n read 10s \\n giraffe 30s \\n } | /etc/coredns/Corefile:4: timeouts: unknown property 'giraffe'
            timeouts { \\n read 10s 20s \\n write 30s \\n } | /etc/coredns/Corefile:3: timeouts/read: wrong argument count: expected 1 argument, got 2
            timeouts { \\n write snake \\n }           | /etc/coredns/Corefile:3: timeouts/write: expected a duration like 500ms, 30s, 1m30s or 2h (or whole seconds), got "snake"
            timeouts { \\n idle 0s \\n }               | /etc/coredns/Corefile:3: timeouts/idle: must be 1s..24h, got "0s"
            timeouts { \\n read 48h \\n }              | /etc/coredns/Corefile:3: timeouts/read: must be 1s..24h, got "48h"
            timeouts { \\n maxtcpqueries 0 \\n }       | /etc/coredns/Corefile:3: timeouts/maxtcpqueries: must be a positive integer or -1 (unlimited), got "0"
            timeouts { \\n maxtcpqueries -2 \\n }      | /etc/coredns/Corefile:3: timeouts/maxtcpqueries: must be -1..2147483647, got "-2"
            timeouts { \\n maxtcpqueries many \\n }    | /etc/coredns/Corefile:3: timeouts/maxtcpqueries: expected a whole number, got "many"
            """)
    void refused(String text, String error) {
        assertThatThrownBy(() -> limits(text.replace("\\n", "\n"))).isInstanceOf(ConfigException.class).hasMessage(error);
    }

    @Test
    void twiceInOneBlockIsRefused() {
        assertThatThrownBy(() -> limits("timeouts {\nread 5s\n}\ntimeouts {\nidle 5s\n}"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("/etc/coredns/Corefile:5:");
    }

    /** Blocks sharing a listener share its TCP settings: what a later block sets wins (CoreDNS's NewServer); other ports keep theirs. */
    @Test
    void blocksSharingAListenerShareItsSettingsTheLaterOneWinning() {
        ServerPlan plan = plan("""
                example.org {
                    timeouts {
                        read 7s
                        idle 30s
                    }
                }
                cluster.local {
                    timeouts {
                        idle 20s
                    }
                }
                .:5353 {
                    timeouts {
                        write 9s
                    }
                }
                """);
        TcpLimits on53 = plan.tcpLimits(Wildcard.on(53));
        assertThat(on53.readTimeout()).isEqualTo(Duration.ofSeconds(7));
        assertThat(on53.idleTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(on53.writeTimeout()).isEqualTo(TcpLimits.DEFAULT.writeTimeout());
        TcpLimits on5353 = plan.tcpLimits(Wildcard.on(5353));
        assertThat(on5353.writeTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(on5353.idleTimeout()).isEqualTo(TcpLimits.DEFAULT.idleTimeout());
    }
}
