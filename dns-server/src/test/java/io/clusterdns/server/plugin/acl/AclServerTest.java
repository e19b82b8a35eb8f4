package io.clusterdns.server.plugin.acl;

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
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code acl} over real sockets, telling clients apart by their source address: 127.0.0.1,
 * 127.0.0.2 and 127.0.0.3 (the whole of 127/8 is this machine's on Linux; a client socket bound
 * to one of them sends from it, here to 127.0.0.1) and ::1. The server serves {@link ApiValidManifests}
 * ({@code web.shop.svc.cluster.local} is {@value ApiValidManifests#WEB_IP}) behind:
 *
 * <pre>
 * acl cluster.local {
 *     allow net 127.0.0.1              the node-local client
 *     drop net 127.0.0.3               a client that gets nothing
 *     filter type AAAA net 127.0.0.0/8
 *     block net 127.0.0.0/8 ::1        everyone else
 * }
 * acl {
 *     block type TXT                   outside cluster.local: no TXT, from anyone
 * }
 * </pre>
 */
class AclServerTest {
    static final String WEB = "web.shop.svc.cluster.local.";

    @TempDir
    static Path dir;
    static DnsServer server;

    @BeforeAll
    static void start() throws Exception {
        Path manifests = ApiValidManifests.write(dir.resolve("m"));
        Path corefile = Files.writeString(dir.resolve("Corefile"), """
                .:0 {
                    acl cluster.local {
                        allow net 127.0.0.1
                        drop net 127.0.0.3
                        filter type AAAA net 127.0.0.0/8
                        block net 127.0.0.0/8 ::1
                    }
                    acl {
                        block type TXT
                    }
                    kubernetes cluster.local {
                        manifests %s
                    }
                    prometheus 127.0.0.1:0
                }
                """.formatted(manifests));
        server = DnsServerMain.start(new CorefileSource(corefile, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 2));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A query from {@code client}; {@code edns}: with an OPT record. */
    record Case(String client, String name, int type, boolean edns, int rcode, List<String> answer, int extendedError) {
        @Override
        public String toString() {
            return client + " " + name + " " + Type.string(type) + (edns ? " +edns" : "");
        }
    }

    static Stream<Case> cases() {
        int none = -1;
        return Stream.of(
                new Case("127.0.0.1", WEB, Type.A, true, Rcode.NOERROR, List.of(WEB + " 5 A " + ApiValidManifests.WEB_IP), none),
                // allowed by the first line: the second line's TXT block is not looked at
                new Case("127.0.0.1", WEB, Type.TXT, true, Rcode.NOERROR, List.of(), none),
                new Case("127.0.0.2", WEB, Type.A, true, Rcode.REFUSED, List.of(), ExtendedErrorCodeOption.BLOCKED),
                new Case("127.0.0.2", WEB, Type.A, false, Rcode.REFUSED, List.of(), none),
                new Case("127.0.0.2", WEB, Type.AAAA, true, Rcode.NOERROR, List.of(), ExtendedErrorCodeOption.FILTERED),
                new Case("::1", WEB, Type.A, true, Rcode.REFUSED, List.of(), ExtendedErrorCodeOption.BLOCKED),
                new Case("::1", WEB, Type.AAAA, true, Rcode.REFUSED, List.of(), ExtendedErrorCodeOption.BLOCKED),
                // outside cluster.local only the second line applies
                new Case("127.0.0.2", "example.com.", Type.TXT, true, Rcode.REFUSED, List.of(), ExtendedErrorCodeOption.BLOCKED),
                // allowed; nothing after kubernetes answers it: SERVFAIL, as CoreDNS
                new Case("127.0.0.2", "example.com.", Type.A, true, Rcode.SERVFAIL, List.of(), none));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersByTheClientsAddress(Case c) {
        InetAddress client = address(c.client());
        try (UdpClient udp = client(client)) {
            Message query = Wire.query(11, c.name(), c.type());
            if (c.edns()) {
                Wire.withEdns(query, 1232, 0, false);
            }
            Message m = udp.exchange(query);
            assertThat(m.getRcode()).as("rcode").isEqualTo(c.rcode());
            assertThat(Wire.texts(m, Section.ANSWER)).as("answer").containsExactlyElementsOf(c.answer());
            OPTRecord opt = m.getOPT();
            assertThat(opt != null).as("EDNS in the response").isEqualTo(c.edns());
            List<Integer> errors = opt == null ? List.of() : opt.getOptions(EDNSOption.Code.EDNS_EXTENDED_ERROR).stream()
                    .map(o -> ((ExtendedErrorCodeOption) o).getErrorCode()).toList();
            assertThat(errors).as("extended DNS errors").isEqualTo(c.extendedError() < 0 ? List.of() : List.of(c.extendedError()));
        }
    }

    /**
     * A dropped query gets nothing: the same client's next query (allowed: outside cluster.local)
     * is the first answer it reads, over UDP and over one TCP connection, and both drops are counted.
     */
    @Test
    void aDroppedQueryIsNeverAnswered() throws Exception {
        InetAddress dropped = address("127.0.0.3");
        try (UdpClient udp = client(dropped)) {
            udp.send(Wire.bytes(Wire.query(21, WEB, Type.A)));
            Message next = udp.exchange(Wire.query(22, "example.com.", Type.A));
            assertThat(next.getHeader().getID()).isEqualTo(22);
        }
        try (Socket tcp = new Socket()) {
            tcp.bind(new InetSocketAddress(dropped, 0));
            tcp.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            tcp.setSoTimeout(UdpClient.DEADLINE_MS);
            OutputStream out = tcp.getOutputStream();
            out.write(Wire.framed(Wire.bytes(Wire.query(31, WEB, Type.A)), Wire.bytes(Wire.query(32, "example.com.", Type.A))));
            out.flush();
            DataInputStream in = new DataInputStream(tcp.getInputStream());
            byte[] frame = new byte[in.readUnsignedShort()];
            in.readFully(frame);
            assertThat(Wire.parse(frame).getHeader().getID()).isEqualTo(32);
        }
        String srv = "dns://:" + server.port();
        Map<String, String> labels = Map.of("server", srv, "zone", "cluster.local.", "view", "");
        Await.until("both drops counted", () -> new Scrape(server.scrape()),
                s -> s.value("coredns_acl_dropped_requests_total", labels) == 2);
        // as CoreDNS's metrics plugin: a query nobody answered is a NOERROR response that no plugin wrote
        Map<String, String> response = Map.of("server", srv, "zone", ".", "view", "", "rcode", "NOERROR", "plugin", "");
        Await.until("both drops counted as responses", () -> new Scrape(server.scrape()),
                s -> s.value("coredns_dns_responses_total", response) == 2);
    }

    @Test
    void countsWithCorednsSeries() {
        try (UdpClient blocked = client(address("127.0.0.2")); UdpClient allowed = client(address("127.0.0.1"))) {
            blocked.exchange(Wire.query(41, WEB, Type.A));
            allowed.exchange(Wire.query(42, WEB, Type.A));
        }
        Scrape s = new Scrape(server.scrape());
        String srv = "dns://:" + server.port();
        assertThat(s.value("coredns_acl_blocked_requests_total", Map.of("server", srv, "zone", "cluster.local.", "view", "")))
                .isGreaterThanOrEqualTo(1);
        assertThat(s.value("coredns_acl_allowed_requests_total", Map.of("server", srv, "view", ""))).isGreaterThanOrEqualTo(1);
        assertThat(s.types()).containsEntry("coredns_acl_blocked_requests_total", "counter");
    }

    /** A UDP client sending from {@code source}, to 127.0.0.1 (or ::1 from ::1), where the answer comes from. */
    static UdpClient client(InetAddress source) {
        InetAddress to = source.getAddress().length == 16 ? source : InetAddress.getLoopbackAddress();
        return new UdpClient(source, to, server.port());
    }

    static InetAddress address(String text) {
        try {
            InetAddress a = InetAddress.getByName(text);
            if (a.getAddress().length == 16) {
                Assumptions.assumeTrue(bindable(a), "this machine has no ::1");
            }
            return a;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean bindable(InetAddress a) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(a, 0))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
