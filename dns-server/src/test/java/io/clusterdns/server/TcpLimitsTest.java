package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.ApiValidManifests;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.server.listen.TcpLimits;
import io.clusterdns.server.plan.CorefileSource;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * TCP listeners under clients that hold connections: caps per client and in all (a connection
 * over a cap is closed at once, those open keep working), queries that trickle in (slowloris:
 * closed after the read timeout, while UDP and well-behaved TCP clients are answered), clients
 * that never read their answers (closed after the write timeout), the pipelining cap (reading
 * pauses, every query is still answered) and {@code timeouts}' {@code maxtcpqueries}. Waits on
 * conditions only.
 */
class TcpLimitsTest {
    static final String WEB = "web.shop.svc.cluster.local.";

    @TempDir
    Path dir;

    DnsServer start(TcpLimits limits) throws IOException {
        return start(limits, "");
    }

    /** A server for the test cluster with {@code limits}, its block holding {@code lines} too. */
    DnsServer start(TcpLimits limits, String lines) throws IOException {
        Path manifests = ApiValidManifests.write(dir.resolve("m"));
        Path corefile = Files.writeString(dir.resolve("Corefile"), """
                .:0 {
                    %s
                    kubernetes cluster.local {
                        manifests %s
                    }
                }
                """.formatted(lines, manifests));
        return DnsServerMain.start(new CorefileSource(corefile, Map.of(), 53, limits, 1));
    }

    long closed(DnsServer server, String reason) {
        return (long) new Scrape(server.scrape()).value("clusterdns_tcp_connections_closed_total",
                Map.of("server", "dns://:" + server.port(), "reason", reason));
    }

    /** A raw TCP connection to the server on 127.0.0.1 from {@code local} (any 127/8 address). */
    static Socket connect(String local, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        s.setSoTimeout((int) Await.DEADLINE.toMillis());
        return s;
    }

    static byte[] frame(Message query) {
        byte[] wire = query.toWire();
        byte[] out = new byte[wire.length + 2];
        out[0] = (byte) (wire.length >>> 8);
        out[1] = (byte) wire.length;
        System.arraycopy(wire, 0, out, 2, wire.length);
        return out;
    }

    /** Asks for web's A record over {@code s} and returns the answer texts. */
    static List<String> ask(Socket s, int id) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(frame(Wire.query(id, WEB, Type.A)));
        out.flush();
        return Wire.texts(read(s), Section.ANSWER);
    }

    static Message read(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] body = new byte[in.readUnsignedShort()];
        in.readFully(body);
        return new Message(body);
    }

    /** True once the server has closed {@code s} (end of stream or reset); blocks up to the socket's timeout. */
    static boolean closedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Test
    void aClientOverItsCapIsClosedAtOnceAndItsOpenConnectionsAndOtherClientsKeepWorking() throws Exception {
        try (DnsServer server = start(TcpLimits.DEFAULT.withCaps(100, 3, 128).withReadTimeout(Duration.ofSeconds(30)))) {
            String answer = WEB + " 5 A " + ApiValidManifests.WEB_IP;
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    open.add(connect("127.0.0.1", server.port()));
                    assertThat(ask(open.get(i), i)).containsExactly(answer);
                }
                try (Socket fourth = connect("127.0.0.1", server.port())) {
                    assertThat(closedByServer(fourth)).as("the fourth connection of one client").isTrue();
                }
                Scrape s = new Scrape(server.scrape());
                assertThat(s.value("clusterdns_tcp_connections_closed_total", Map.of("server", "dns://:" + server.port(),
                        "reason", "limit"))).isEqualTo(1);
                assertThat(s.value("clusterdns_tcp_connections", Map.of("server", "dns://:" + server.port()))).isEqualTo(3);
                try (Socket other = connect("127.0.0.2", server.port())) {
                    assertThat(ask(other, 10)).as("another client").containsExactly(answer);
                }
                for (int i = 0; i < 3; i++) {
                    assertThat(ask(open.get(i), 20 + i)).as("an open connection").containsExactly(answer);
                }
                open.remove(0).close();
                // the count goes when the server sees the close: a new connection is taken once it has
                Await.until("a connection taken again after one closed", () -> {
                    try (Socket again = connect("127.0.0.1", server.port())) {
                        return ask(again, 30).contains(answer);
                    } catch (IOException e) {
                        return false;
                    }
                });
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    @Test
    void overTheCapInAllEveryNewConnectionIsClosed() throws Exception {
        try (DnsServer server = start(TcpLimits.DEFAULT.withCaps(2, 10, 128).withReadTimeout(Duration.ofSeconds(30)));
             Socket a = connect("127.0.0.1", server.port());
             Socket b = connect("127.0.0.2", server.port())) {
            assertThat(ask(a, 1)).isNotEmpty();
            assertThat(ask(b, 2)).isNotEmpty();
            try (Socket c = connect("127.0.0.3", server.port())) {
                assertThat(closedByServer(c)).isTrue();
            }
            assertThat(ask(a, 3)).isNotEmpty();
        }
    }

    /**
     * Slowloris: connections announce a large query and send it a byte at a time, so the idle
     * timeout never fires; each is closed once its query took longer than the frame timeout, and
     * meanwhile UDP and whole queries over TCP are answered.
     */
    @Test
    void queriesThatTrickleInAreClosedWhileOthersAreAnswered() throws Exception {
        try (DnsServer server = start(TcpLimits.DEFAULT.withCaps(1000, 1000, 128).withReadTimeout(Duration.ofSeconds(1)))) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    Socket s = connect("127.0.0." + (10 + i % 50), server.port());
                    s.getOutputStream().write(new byte[] {(byte) 0xEA, 0x60}); // a 60,000-byte query is coming
                    s.getOutputStream().flush();
                    slow.add(s);
                }
                try (UdpClient udp = new UdpClient(server.port()); Socket good = connect("127.0.0.1", server.port())) {
                    assertThat(Wire.texts(udp.exchange(Wire.query(500, WEB, Type.A)), Section.ANSWER)).isNotEmpty();
                    assertThat(ask(good, 501)).isNotEmpty();
                }
                List<Socket> open = new ArrayList<>(slow);
                // Await polls every few milliseconds: each poll is one more byte on every open connection
                Await.until("every trickling connection closed by the server", () -> {
                    open.removeIf(TcpLimitsTest::trickle);
                    return open.isEmpty();
                });
                assertThat(closed(server, "slow_query")).isEqualTo(100);
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    /** Sends {@code s} one more byte of its query; true when the server has closed it. */
    static boolean trickle(Socket s) {
        try {
            s.getOutputStream().write(0);
            s.getOutputStream().flush();
            s.setSoTimeout(1);
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset: closed
        }
    }

    /** With at most 2 queries answered at once per connection, 300 pipelined in one write are all answered, in order. */
    @Test
    void pipelinedQueriesPastTheCapAreAllAnswered() throws Exception {
        try (DnsServer server = start(TcpLimits.DEFAULT.withCaps(100, 10, 2).withReadTimeout(Duration.ofSeconds(30)));
             Socket s = connect("127.0.0.1", server.port())) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (int i = 0; i < 300; i++) {
                all.write(frame(Wire.query(i, WEB, Type.A)));
            }
            s.getOutputStream().write(all.toByteArray());
            s.getOutputStream().flush();
            for (int i = 0; i < 300; i++) {
                Message m = read(s);
                assertThat(m.getHeader().getID()).isEqualTo(i);
                assertThat(Wire.texts(m, Section.ANSWER)).isNotEmpty();
            }
        }
    }

    /**
     * A client that pipelines queries and never reads the answers: once they fill the socket
     * buffers the server stops reading it, and closes it after the write timeout; others are
     * answered meanwhile.
     */
    @Test
    void aClientThatNeverReadsIsClosedAfterTheWriteTimeout() throws Exception {
        TcpLimits limits = TcpLimits.DEFAULT.withWriteTimeout(Duration.ofSeconds(1)).withIdleTimeout(Duration.ofHours(1));
        try (DnsServer server = start(limits); Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            byte[] batch = batch(1000);
            Thread writer = new Thread(() -> {
                try {
                    while (true) {
                        s.getOutputStream().write(batch); // blocks once the server no longer reads
                    }
                } catch (IOException e) {
                    // closed by the server (or by the test's end)
                }
            }, "never-reading-client");
            writer.setDaemon(true);
            writer.start();
            Await.until("the connection closed for not reading", () -> closed(server, "slow_reader") == 1);
            Await.until("its connection no longer counted", () -> new Scrape(server.scrape()).value("clusterdns_tcp_connections",
                    Map.of("server", "dns://:" + server.port())) == 0);
            try (UdpClient udp = new UdpClient(server.port()); Socket good = connect("127.0.0.1", server.port())) {
                assertThat(Wire.texts(udp.exchange(Wire.query(1, WEB, Type.A)), Section.ANSWER)).isNotEmpty();
                assertThat(ask(good, 2)).isNotEmpty();
            }
            writer.join(Await.DEADLINE.toMillis());
            assertThat(writer.isAlive()).as("the writer saw the close").isFalse();
        }
    }

    static byte[] batch(int queries) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < queries; i++) {
            all.write(frame(Wire.query(i, WEB, Type.A)));
        }
        return all.toByteArray();
    }

    /** {@code maxtcpqueries 3}: five queries pipelined on one connection get three answers, in order, then the close. */
    @Test
    void maxTcpQueriesAnswersThatManyThenCloses() throws Exception {
        try (DnsServer server = start(TcpLimits.DEFAULT, "timeouts {\n maxtcpqueries 3\n }");
             Socket s = connect("127.0.0.1", server.port())) {
            s.getOutputStream().write(batch(5));
            s.getOutputStream().flush();
            for (int i = 0; i < 3; i++) {
                Message m = read(s);
                assertThat(m.getHeader().getID()).isEqualTo(i);
                assertThat(Wire.texts(m, Section.ANSWER)).isNotEmpty();
            }
            assertThat(closedByServer(s)).isTrue();
            try (Socket again = connect("127.0.0.1", server.port())) {
                assertThat(ask(again, 9)).as("a new connection asks again").isNotEmpty();
            }
        }
    }

    /** {@code timeouts { read 1s }} in the Corefile: a query trickling in is closed as with the flag-set read timeout. */
    @Test
    void theCorefilesReadTimeoutClosesATricklingQuery() throws Exception {
        try (DnsServer server = start(TcpLimits.DEFAULT.withReadTimeout(Duration.ofHours(1)), "timeouts {\n read 1s\n }");
             Socket s = connect("127.0.0.1", server.port())) {
            s.getOutputStream().write(new byte[] {(byte) 0xEA, 0x60, 0}); // a 60,000-byte query is coming
            s.getOutputStream().flush();
            Await.until("the trickling connection closed", () -> trickle(s));
            assertThat(closed(server, "slow_query")).isEqualTo(1);
        }
    }
}
