package io.clusterdns.server;

import io.clusterdns.k8s.testing.Commands;
import static io.clusterdns.server.TestCluster.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.Privileged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real clients: BIND's {@code dig} and Knot's {@code kdig} against the server, their text output
 * parsed (status, flags, sections).
 *
 * <p>Conventions: cluster {@link TestCluster} (default/web = 10.96.45.100, default/big = 100 ready
 * endpoints); server on 127.0.0.1 and a free port; dig waiting 30 s for an answer ({@code +time=30 +tries=1}).
 */
class DigInteropTest {
    static final Duration DEADLINE = Await.DEADLINE;
    static DnsServer server;

    @BeforeAll
    static void start() {
        server = DnsServer.start(TestCluster.config(), new SnapshotSource(TestCluster.snapshot()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** What dig printed: the status, the header flags and the records of each section. */
    record DigOutput(String status, List<String> flags, List<String> answer, List<String> authority, String raw) {
        static final Pattern STATUS = Pattern.compile("status: (\\w+)");
        static final Pattern FLAGS = Pattern.compile(";; flags: ([a-z ]*);");

        static DigOutput parse(String raw) {
            Matcher s = STATUS.matcher(raw);
            Matcher f = FLAGS.matcher(raw);
            return new DigOutput(s.find() ? s.group(1) : "?", f.find() ? List.of(f.group(1).trim().split(" ")) : List.of(),
                    section(raw, "ANSWER"), section(raw, "AUTHORITY"), raw);
        }

        private static List<String> section(String raw, String name) {
            List<String> records = new ArrayList<>();
            boolean in = false;
            for (String line : raw.split("\n")) {
                if (line.startsWith(";; " + name + " SECTION:")) {
                    in = true;
                } else if (in && (line.isBlank() || line.startsWith(";"))) {
                    break;
                } else if (in) {
                    records.add(String.join(" ", line.trim().split("\\s+")));
                }
            }
            return records;
        }
    }

    static DigOutput dig(String... args) {
        List<String> command = new ArrayList<>(List.of(Privileged.requireTool("dig", "bind9-dnsutils"), "@127.0.0.1", "-p",
                String.valueOf(server.port()), "+time=" + DEADLINE.toSeconds(), "+tries=1"));
        command.addAll(List.of(args));
        Commands.Result r = Commands.run(DEADLINE, command.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();
        return DigOutput.parse(r.output());
    }

    @Test
    void digOverUdp() {
        DigOutput out = dig(WEB.substring(0, WEB.length() - 1));

        assertThat(out.status()).as(out.raw()).isEqualTo("NOERROR");
        assertThat(out.flags()).containsExactlyInAnyOrder("qr", "aa", "rd");
        assertThat(out.answer()).containsExactly(WEB + " 5 IN A 10.96.45.100");
        assertThat(out.raw()).contains("udp: 1232");
    }

    @Test
    void digOverTcp() {
        DigOutput out = dig("+tcp", "web.default.svc.cluster.local");

        assertThat(out.status()).as(out.raw()).isEqualTo("NOERROR");
        assertThat(out.answer()).containsExactly(WEB + " 5 IN A 10.96.45.100");
    }

    @Test
    void digNegativeAnswersCarryTheSoa() {
        DigOutput nx = dig("nope.default.svc.cluster.local", "A");
        DigOutput noData = dig("web.default.svc.cluster.local", "AAAA");

        assertThat(nx.status()).isEqualTo("NXDOMAIN");
        assertThat(nx.flags()).contains("aa");
        assertThat(nx.authority()).containsExactly(TestCluster.SOA.replace(" 5 SOA ", " 5 IN SOA "));
        assertThat(noData.status()).isEqualTo("NOERROR");
        assertThat(noData.answer()).isEmpty();
        assertThat(noData.authority()).hasSize(1);
    }

    @Test
    void digSrvAndReverse() {
        assertThat(dig("_http._tcp.web.default.svc.cluster.local", "SRV").answer())
                .containsExactly("_http._tcp." + WEB + " 5 IN SRV 0 100 80 " + WEB);
        assertThat(dig("-x", "10.96.45.100").answer()).containsExactly("100.45.96.10.in-addr.arpa. 5 IN PTR " + WEB);
    }

    @Test
    void digRetriesTruncatedAnswersOverTcp() {
        DigOutput out = dig("+noedns", "big.default.svc.cluster.local");

        assertThat(out.raw()).contains("Truncated, retrying in TCP mode");
        assertThat(out.answer()).hasSize(TestCluster.BIG_ENDPOINTS);
    }

    @Test
    void digSeesRefusedOutsideTheZone() {
        DigOutput out = dig("kubernetes.io");

        assertThat(out.status()).isEqualTo("REFUSED");
        assertThat(out.flags()).doesNotContain("aa", "ra");
    }

    @Test
    void kdigOneQuery() {
        Commands.Result r = Commands.run(DEADLINE, Privileged.requireTool("kdig", "knot-dnsutils"), "@127.0.0.1", "-p",
                String.valueOf(server.port()), "+time=" + DEADLINE.toSeconds(), "+retry=0", "web.default.svc.cluster.local", "A");

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("status: NOERROR");
        assertThat(r.output().lines().map(l -> String.join(" ", l.trim().split("\\s+"))))
                .contains(WEB + " 5 IN A 10.96.45.100");
    }
}
