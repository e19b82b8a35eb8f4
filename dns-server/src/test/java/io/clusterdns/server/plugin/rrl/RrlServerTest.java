package io.clusterdns.server.plugin.rrl;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.ApiValidManifests;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.server.DnsServer;
import io.clusterdns.server.DnsServerMain;
import io.clusterdns.server.Scrape;
import io.clusterdns.server.UdpClient;
import io.clusterdns.server.Wire;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code rrl} and forward's load shedding over real sockets, on a server started from a Corefile
 * serving {@link ApiValidManifests}: a flooding client on 127.0.0.2 and a well-behaved one on
 * 127.0.0.3 (both sending to 127.0.0.1; clients are told apart by /32 here). Nothing waits on
 * wall time: limits are either far above what the well-behaved client sends, or so low (one
 * answer per 100 s) that every query after the first is over them however slow the machine;
 * a dropped query is shown by a later one, outside rrl's zone, being the next answer read.
 */
public class RrlServerTest {
    public static final String WEB = "web.shop.svc.cluster.local.";
    public static final InetAddress FLOODER = address("127.0.0.2");
    static final InetAddress NORMAL = address("127.0.0.3");

    @TempDir
    Path dir;

    DnsServer start(String rrl) throws IOException {
        return start(rrl, "");
    }

    DnsServer start(String rrl, String more) throws IOException {
        return DnsServerMain.start(new CorefileSource(write(dir, rrl, more), Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 2));
    }

    /** The test's Corefile: {@code rrl} lines, then the kubernetes plugin, then {@code more} lines. */
    public static Path write(Path dir, String rrl, String more) throws IOException {
        Path manifests = ApiValidManifests.write(dir.resolve("m"));
        return Files.writeString(dir.resolve("Corefile"), """
                .:0 {
                    %s
                    kubernetes cluster.local {
                        manifests %s
                    }
                    %s
                    prometheus 127.0.0.1:0
                }
                """.formatted(rrl, manifests, more));
    }

    /** Every answer a client reads, on a thread of its own, so that none is lost in a full socket buffer. */
    static final class Reader implements AutoCloseable {
        final UdpClient udp;
        final BlockingQueue<Message> answers = new LinkedBlockingQueue<>();
        final Thread thread;

        Reader(InetAddress source, int port) {
            udp = new UdpClient(source, InetAddress.getLoopbackAddress(), port);
            thread = new Thread(() -> {
                try {
                    while (true) {
                        answers.add(Wire.parse(udp.receive()));
                    }
                } catch (RuntimeException | AssertionError e) {
                    // closed, or nothing for the deadline: the test's own waits report what is missing
                }
            }, "rrl-test-reader");
            thread.setDaemon(true);
            thread.start();
        }

        /**
         * Sends a query outside rrl's zone (id 60000 and up) until one is answered; returns every
         * answer read before it: what the server sent for the queries sent before.
         */
        List<Message> drain() throws InterruptedException {
            java.util.ArrayList<Message> before = new java.util.ArrayList<>();
            int sentinel = 60000;
            long deadline = System.nanoTime() + Await.DEADLINE.toNanos();
            while (System.nanoTime() < deadline) {
                udp.send(Wire.bytes(Wire.query(sentinel++, "example.com.", Type.A)));
                Message m;
                while ((m = answers.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
                    if (m.getHeader().getID() >= 60000) {
                        return before;
                    }
                    before.add(m);
                }
            }
            throw new AssertionError("no answer to a query outside rrl's zone within " + Await.DEADLINE);
        }

        @Override
        public void close() {
            udp.close();
        }
    }

    @Test
    void aFloodingClientIsLimitedWhileAnotherIsAllAnswered() throws Exception {
        try (DnsServer server = start("rrl cluster.local {\n requests-per-second 50\n ipv4-prefix-length 32\n}");
             Reader flooder = new Reader(FLOODER, server.port());
             UdpClient normal = new UdpClient(NORMAL, InetAddress.getLoopbackAddress(), server.port())) {
            long began = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                flooder.udp.send(Wire.bytes(Wire.query(i, WEB, Type.A)));
                if (i % 100 == 0) {
                    // the other client asks between the flood's packets, one query at a time: every one answered
                    Message m = normal.exchange(Wire.query(i, WEB, Type.A));
                    assertThat(Wire.texts(m, Section.ANSWER)).containsExactly(WEB + " 5 A " + ApiValidManifests.WEB_IP);
                }
            }
            List<Message> answered = flooder.drain();
            double seconds = (System.nanoTime() - began) / 1e9;
            // a second's allowance, and what the time taken added (none once in debt: it never stops sending)
            assertThat(answered.size()).isGreaterThanOrEqualTo(1).isLessThanOrEqualTo((int) (50 + 50 * seconds));
            assertThat(answered).allSatisfy(m -> assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR));
            // TCP is never limited: the flooder gets its answer there
            assertThat(tcp(FLOODER, server.port(), Wire.query(7, WEB, Type.A)).getSection(Section.ANSWER)).hasSize(1);
            Scrape s = new Scrape(server.scrape());
            assertThat(s.value("clusterdns_rrl_limited_total", Map.of("kind", "request", "action", "dropped")))
                    .isEqualTo(s.value("coredns_rrl_requests_exceeded_total", Map.of()))
                    .isGreaterThanOrEqualTo(1)
                    // (the kernel drops what overflows the server's socket buffer: those never reach rrl)
                    .isLessThanOrEqualTo(2000 - answered.size());
            // the top-clients gauge names the flooder, once its 10 s period ends
            Await.until("the flooder at rank 1", () -> new Scrape(server.scrape()).samples("clusterdns_rrl_top_clients"),
                    rows -> rows.size() == 1 && rows.get(0).labels().equals(Map.of("rank", "1", "client", "127.0.0.2/32"))
                            && rows.get(0).value() >= 1);
        }
    }

    @Test
    void responsesOverTheLimitSlipAsTruncatedAnswersThatTheClientRetriesOverTcp() throws Exception {
        try (DnsServer server = start("rrl {\n responses-per-second 0.01\n slip-ratio 1\n ipv4-prefix-length 32\n}");
             UdpClient flooder = new UdpClient(FLOODER, InetAddress.getLoopbackAddress(), server.port());
             UdpClient normal = new UdpClient(NORMAL, InetAddress.getLoopbackAddress(), server.port())) {
            assertThat(flooder.exchange(Wire.query(1, WEB, Type.A)).getSection(Section.ANSWER)).hasSize(1);
            for (int i = 2; i < 10; i++) {
                Message slipped = flooder.exchange(Wire.query(i, WEB, Type.A));
                assertThat(slipped.getHeader().getID()).isEqualTo(i);
                assertThat(slipped.getHeader().getFlag(Flags.TC)).isTrue();
                assertThat(slipped.getHeader().getFlag(Flags.AA)).isTrue();
                assertThat(slipped.getRcode()).isEqualTo(Rcode.NOERROR);
                assertThat(slipped.getSection(Section.ANSWER)).isEmpty();
                assertThat(slipped.getQuestion().getName().toString()).isEqualTo(WEB);
            }
            assertThat(tcp(FLOODER, server.port(), Wire.query(10, WEB, Type.A)).getSection(Section.ANSWER)).hasSize(1);
            // another name is another token; another client another account
            assertThat(flooder.exchange(Wire.query(11, "api.shop.svc.cluster.local.", Type.A)).getHeader().getFlag(Flags.TC)).isFalse();
            assertThat(normal.exchange(Wire.query(12, WEB, Type.A)).getSection(Section.ANSWER)).hasSize(1);
            Scrape s = new Scrape(server.scrape());
            assertThat(s.value("clusterdns_rrl_limited_total", Map.of("kind", "response", "action", "slipped"))).isEqualTo(8);
        }
    }

    @Test
    void anNxdomainStormStaysWithinItsRateAndLeavesOtherClientsAlone() throws Exception {
        try (DnsServer server = start("rrl {\n nxdomains-per-second 0.01\n slip-ratio 2\n ipv4-prefix-length 32\n}");
             Reader flooder = new Reader(FLOODER, server.port());
             UdpClient normal = new UdpClient(NORMAL, InetAddress.getLoopbackAddress(), server.port())) {
            // its own first NXDOMAIN is within its allowance
            assertThat(normal.exchange(Wire.query(1, "nope.shop.svc.cluster.local.", Type.A)).getRcode()).isEqualTo(Rcode.NXDOMAIN);
            for (int i = 0; i < 200; i++) {
                // the ndots:5 search path: an outside name tried under each search domain first
                flooder.udp.send(Wire.bytes(Wire.query(i, "api" + i + ".example.com.shop.svc.cluster.local.", Type.A)));
                if (i % 20 == 0) {
                    assertThat(normal.exchange(Wire.query(i, WEB, Type.A)).getSection(Section.ANSWER)).hasSize(1);
                }
            }
            List<Message> answered = flooder.drain();
            assertThat(answered.stream().filter(m -> !m.getHeader().getFlag(Flags.TC))).hasSize(1);
            // every second one over the limit slips, the rest get nothing (one more or less if the kernel lost a query)
            assertThat(answered.stream().filter(m -> m.getHeader().getFlag(Flags.TC)).count()).isBetween(1L, 100L);
            assertThat(answered).allSatisfy(m -> assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN));
            // 200 names, one account for the flooder (and one for the other client)
            assertThat(new Scrape(server.scrape()).value("clusterdns_rrl_table_entries", Map.of())).isLessThanOrEqualTo(2);
        }
    }

    /** The lookup a plugin makes of the server for a client's answer (a template CNAME's target) is not counted again. */
    @Test
    void aPluginsLookupForTheAnswerIsNotCountedAgainstTheClient() throws Exception {
        String template = """
                template IN A alias.example {
                    answer "{{ .Name }} 60 IN CNAME web.shop.svc.cluster.local."
                }
                """;
        try (DnsServer server = start("rrl {\n responses-per-second 0.01\n slip-ratio 1\n}", template);
             UdpClient client = new UdpClient(FLOODER, InetAddress.getLoopbackAddress(), server.port())) {
            Message alias = client.exchange(Wire.query(1, "www.alias.example.", Type.A));
            assertThat(Wire.texts(alias, Section.ANSWER)).hasSize(2).last().asString().endsWith("A " + ApiValidManifests.WEB_IP);
            // the target's own account is untouched: the client's first question of it is answered in full
            assertThat(client.exchange(Wire.query(2, WEB, Type.A)).getHeader().getFlag(Flags.TC)).isFalse();
            assertThat(client.exchange(Wire.query(3, WEB, Type.A)).getHeader().getFlag(Flags.TC)).isTrue();
        }
    }

    /**
     * Load shedding: with forward's {@code max_concurrent} reached (an upstream that never
     * answers), more forwarded queries are REFUSED at once, while cluster names keep being answered.
     */
    @Test
    void aSaturatedForwarderShedsForwardedQueriesAndClusterNamesAreStillAnswered() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             DnsServer server = start("", "forward . 127.0.0.1:" + silent.getLocalPort() + " {\n max_concurrent 2\n}");
             Reader client = new Reader(NORMAL, server.port());
             UdpClient cluster = new UdpClient(FLOODER, InetAddress.getLoopbackAddress(), server.port())) {
            client.udp.send(Wire.bytes(Wire.query(1, "one.example.com.", Type.A)));
            client.udp.send(Wire.bytes(Wire.query(2, "two.example.com.", Type.A)));
            // one socket, one event loop: those two are in flight before the next is read
            for (int i = 3; i < 13; i++) {
                client.udp.send(Wire.bytes(Wire.query(i, "more" + i + ".example.com.", Type.A)));
                Message refused = Await.next("REFUSED", client.answers);
                assertThat(refused.getHeader().getID()).isEqualTo(i);
                assertThat(refused.getRcode()).isEqualTo(Rcode.REFUSED);
                Message m = cluster.exchange(Wire.query(i, WEB, Type.A));
                assertThat(Wire.texts(m, Section.ANSWER)).containsExactly(WEB + " 5 A " + ApiValidManifests.WEB_IP);
            }
            assertThat(new Scrape(server.scrape()).value("coredns_forward_max_concurrent_rejects_total", Map.of())).isEqualTo(10);
        }
    }

    /** One query over a TCP connection from {@code source}. */
    static Message tcp(InetAddress source, int port, Message query) {
        try (Socket tcp = new Socket()) {
            tcp.bind(new InetSocketAddress(source, 0));
            tcp.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            tcp.setSoTimeout(UdpClient.DEADLINE_MS);
            tcp.getOutputStream().write(Wire.framed(Wire.bytes(query)));
            DataInputStream in = new DataInputStream(tcp.getInputStream());
            byte[] frame = new byte[in.readUnsignedShort()];
            in.readFully(frame);
            return Wire.parse(frame);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
