package io.clusterdns.server.plugin.forward;

import static io.clusterdns.server.plugin.forward.ForwardDnsmasqTest.a;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.server.CorefileServers;
import io.clusterdns.server.DnsServer;
import io.clusterdns.server.TcpClient;
import io.clusterdns.server.UdpClient;
import io.clusterdns.server.Wire;
import io.clusterdns.server.plugin.forward.FaultyUpstream.Mode;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Upstream faults over real sockets (issue 13, item 6): a {@link FaultyUpstream} on 127.0.0.5
 * that answers garbage, late, never, or is dead, in front of a real dnsmasq on 127.0.0.4
 * ({@code policy sequential}: the faulty one is asked first). Throughout, the client never sees
 * the garbage, cluster names keep being answered, and once the upstream behaves again forwarding
 * to it works without a restart.
 *
 * <p>Names: dnsmasq knows {@code during.test} and {@code web.test} (10.0.0.1, TTL 0); the faulty
 * upstream answers any A question with {@link FaultyUpstream#GOOD_IP}; the cluster is
 * {@code ApiValidManifests} ({@code web.shop.svc.cluster.local} = 10.96.0.80).
 */
class ForwardFaultsTest {
    static final String DNSMASQ_IP = "10.0.0.1";
    static final String CLUSTER_NAME = "web.shop.svc.cluster.local.";
    static final String CLUSTER_IP = "10.96.0.80";

    @TempDir
    Path dir;

    @BeforeEach
    void requireDnsmasq() {
        Dnsmasq.require();
    }

    static void assertClusterNameAnswered(DnsServer server) {
        try (UdpClient other = new UdpClient(server.port())) {
            Message m = other.exchange(Wire.query(99, CLUSTER_NAME, Type.A));
            assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(a(m)).isEqualTo(CLUSTER_IP);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Mode.class, names = "GOOD", mode = EnumSource.Mode.EXCLUDE)
    void aFaultyUpstreamIsNeverBelievedClusterNamesKeepWorkingAndItIsUsedAgainOnceItRecovers(Mode fault) {
        try (Dnsmasq dnsmasq = Dnsmasq.start(dir, "127.0.0.4", "10.0.0.1 during.test\n10.0.0.1 web.test\n");
             FaultyUpstream faulty = new FaultyUpstream("127.0.0.5");
             DnsServer server = CorefileServers.withCluster(dir, """
                     cache 30
                         forward . %s %s {
                             policy sequential
                             health_check 100ms
                             max_fails 1
                         }
                     """.formatted(faulty.target(), dnsmasq.target()));
             DnsServer solo = ForwardServers.start(dir, ". {\n forward . " + faulty.target() + "\n}\n");
             UdpClient client = new UdpClient(server.port());
             UdpClient soloClient = new UdpClient(solo.port())) {
            assertThat(a(client.exchange(Wire.query(1, "before.test.", Type.A)))).as("healthy: asked first").isEqualTo(FaultyUpstream.GOOD_IP);

            faulty.mode(fault);
            // a forwarded query in flight, a cluster name answered meanwhile
            client.send(Wire.bytes(Wire.query(2, "during.test.", Type.A)));
            assertClusterNameAnswered(server);
            Message during = Wire.parse(client.receive());
            assertThat(during.getHeader().getID()).isEqualTo(2);
            assertThat(during.getQuestion().getName().toString()).isEqualTo("during.test.");
            if (fault == Mode.TC_ALWAYS) {
                // a truncated answer is an answer: passed on (as CoreDNS does) for the client to retry over TCP, never cached
                assertThat(during.getHeader().getFlag(Flags.TC)).isTrue();
                assertThat(during.getSection(Section.ANSWER)).isEmpty();
                try (TcpClient tcp = new TcpClient(server.port())) {
                    Message overTcp = tcp.exchange(Wire.query(3, "during.test.", Type.A));
                    assertThat(overTcp.getSection(Section.ANSWER)).isEmpty();
                }
            } else {
                assertThat(during.getRcode()).isEqualTo(Rcode.NOERROR);
                assertThat(a(during)).as("the faulty upstream's attempt failed, dnsmasq answered").isEqualTo(DNSMASQ_IP);
            }

            // alone, the faulty upstream costs a SERVFAIL by the 5 s deadline: no hang, no garbage
            Message alone = soloClient.exchange(Wire.query(4, "alone.test.", Type.A));
            assertThat(alone.getHeader().getID()).isEqualTo(4);
            if (fault == Mode.TC_ALWAYS) {
                assertThat(alone.getHeader().getFlag(Flags.TC)).isTrue();
            } else {
                assertThat(alone.getRcode()).isEqualTo(Rcode.SERVFAIL);
            }
            assertThat(a(alone)).isEmpty();

            if (fault == Mode.WRONG_ID || fault == Mode.SLOW || fault == Mode.SILENT || fault == Mode.DEAD) {
                // health checks (root NS, 1 s each) fail too: marked down after max_fails + 1 and skipped
                Await.until("the faulty upstream marked down",
                        () -> ForwardFakeUpstreamTest.healthcheckFailures(server, faulty.target()) >= 2);
                assertThat(a(client.exchange(Wire.query(5, "web.test.", Type.A)))).isEqualTo(DNSMASQ_IP);
            }
            assertClusterNameAnswered(server);

            faulty.mode(Mode.GOOD);
            AtomicInteger n = new AtomicInteger();
            Await.until("the recovered upstream is asked first again", () -> FaultyUpstream.GOOD_IP.equals(
                    a(client.exchange(Wire.query(6, "after-" + n.incrementAndGet() + ".test.", Type.A)))));
            assertThat(soloClient.exchange(Wire.query(7, "alone.test.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);

            // nothing the faulty upstream sent was cached: not the poison, not a truncated answer
            assertThat(a(client.exchange(Wire.query(8, FaultyUpstream.POISON.toString(), Type.A)))).isEqualTo(FaultyUpstream.GOOD_IP);
            Message again = client.exchange(Wire.query(9, "during.test.", Type.A));
            assertThat(again.getHeader().getFlag(Flags.TC)).isFalse();
            assertThat(a(again)).isIn(DNSMASQ_IP, FaultyUpstream.GOOD_IP);
        }
    }

    @Test
    void serveStaleAnswersFromTheCacheWhileTheOnlyUpstreamIsDeadAndRefreshesOnceItIsBack() {
        try (FaultyUpstream faulty = new FaultyUpstream("127.0.0.5");
             DnsServer server = CorefileServers.withCluster(dir, """
                     cache 30 {
                             serve_stale 1h
                         }
                         forward . %s {
                             health_check 100ms
                         }
                     """.formatted(faulty.target()));
             UdpClient client = new UdpClient(server.port())) {
            Message fresh = client.exchange(Wire.query(1, "stale.test.", Type.A));
            assertThat(a(fresh)).isEqualTo(FaultyUpstream.GOOD_IP);

            faulty.mode(Mode.DEAD);
            Await.until("the expired entry answered with TTL 0 while the upstream is dead", () -> {
                Message m = client.exchange(Wire.query(2, "stale.test.", Type.A));
                return m.getRcode() == Rcode.NOERROR && m.getSection(Section.ANSWER).get(0).getTTL() == 0;
            });
            assertThat(a(client.exchange(Wire.query(3, "stale.test.", Type.A)))).isEqualTo(FaultyUpstream.GOOD_IP);
            assertThat(client.exchange(Wire.query(4, "uncached.test.", Type.A)).getRcode()).isEqualTo(Rcode.SERVFAIL);
            assertClusterNameAnswered(server);

            faulty.mode(Mode.GOOD);
            Await.until("a refresh replaced the stale entry", () -> {
                Message m = client.exchange(Wire.query(5, "stale.test.", Type.A));
                return m.getSection(Section.ANSWER).size() == 1 && m.getSection(Section.ANSWER).get(0).getTTL() > 0;
            });
            assertThat(a(client.exchange(Wire.query(6, "uncached.test.", Type.A)))).isEqualTo(FaultyUpstream.GOOD_IP);
        }
    }
}
