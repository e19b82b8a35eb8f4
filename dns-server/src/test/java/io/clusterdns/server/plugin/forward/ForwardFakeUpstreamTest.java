package io.clusterdns.server.plugin.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.server.DnsServer;
import io.clusterdns.server.Scrape;
import io.clusterdns.server.UdpClient;
import io.clusterdns.server.Wire;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The forwarder against an upstream the test plays ({@link FakeUpstream}): what it accepts as an
 * answer, and what it does while answers do not come.
 *
 * <p>Conventions: the fake upstream listens on 127.0.0.5 (a second socket, the spoofer, on
 * 127.0.0.5 too); names are under {@code example.org}; answers carry 192.0.2.1 when right and
 * 198.51.100.66 when spoofed.
 */
class ForwardFakeUpstreamTest {
    static final String NAME = "www.example.org.";
    static final String RIGHT = "192.0.2.1";
    static final String SPOOFED = "198.51.100.66";

    @TempDir
    Path dir;

    static Message answer(Message query, Name name, int type, String ip) {
        Message m = new Message(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.RD);
        m.getHeader().setFlag(Flags.RA);
        m.addRecord(Record.newRecord(name, type, DClass.IN), Section.QUESTION);
        m.addRecord(new ARecord(name, DClass.IN, 60, ip(ip)), Section.ANSWER);
        return m;
    }

    static java.net.InetAddress ip(String ip) {
        try {
            return java.net.InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static Message answer(Message query, String ip) {
        return answer(query, query.getQuestion().getName(), query.getQuestion().getType(), ip);
    }

    @Test
    void ignoresAnswersWithAnotherIdOrQuestionOrSourceUntilTheRealOne() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream("127.0.0.5");
             DatagramSocket spoofer = new DatagramSocket(new InetSocketAddress(Dnsmasq.loopback("127.0.0.5"), 0));
             DnsServer server = ForwardServers.start(dir, ". {\n forward . " + upstream.target() + "\n}\n");
             UdpClient client = new UdpClient(server.port())) {
            client.send(Wire.bytes(Wire.query(4242, NAME, Type.A)));
            FakeUpstream.Query q = upstream.next();
            Message sent = q.message();
            assertThat(sent.getQuestion().getName()).isEqualTo(Name.fromConstantString(NAME));

            Message wrongId = answer(sent, SPOOFED);
            wrongId.getHeader().setID((q.id() + 1) & 0xFFFF);
            upstream.send(q.from(), wrongId);
            upstream.send(q.from(), answer(sent, Name.fromConstantString("evil.example.org."), Type.A, SPOOFED));
            upstream.send(q.from(), answer(sent, sent.getQuestion().getName(), Type.AAAA, SPOOFED));
            Message notAnswer = answer(sent, SPOOFED);
            notAnswer.getHeader().unsetFlag(Flags.QR);
            upstream.send(q.from(), notAnswer);
            FakeUpstream.send(spoofer, q.from(), answer(sent, SPOOFED));
            upstream.send(q.from(), answer(sent, RIGHT));

            Message response = Wire.parse(client.receive());
            assertThat(response.getHeader().getID()).isEqualTo(4242);
            assertThat(Wire.texts(response, Section.ANSWER)).containsExactly(NAME + " 60 A " + RIGHT);
        }
    }

    @Test
    void acceptsTheQuestionInAnotherCaseAndAnswersInTheClientsCase() {
        try (FakeUpstream upstream = new FakeUpstream("127.0.0.5");
             DnsServer server = ForwardServers.start(dir, ". {\n forward . " + upstream.target() + "\n}\n");
             UdpClient client = new UdpClient(server.port())) {
            client.send(Wire.bytes(Wire.query(7, "WwW.Example.ORG.", Type.A)));
            FakeUpstream.Query q = upstream.next();
            assertThat(q.message().getQuestion().getName().toString()).isEqualTo("WwW.Example.ORG.");
            upstream.send(q.from(), answer(q.message(), Name.fromConstantString("www.example.org."), Type.A, RIGHT));

            Message response = Wire.parse(client.receive());
            assertThat(response.getQuestion().getName().toString()).isEqualTo("WwW.Example.ORG.");
            assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        }
    }

    @Test
    void refusesQueriesBeyondMaxConcurrentUntilOthersFinish() {
        try (FakeUpstream upstream = new FakeUpstream("127.0.0.5");
             DnsServer server = ForwardServers.start(dir, ". {\n errors\n forward . " + upstream.target()
                     + " {\n  max_concurrent 2\n }\n}\n");
             UdpClient client = new UdpClient(server.port())) {
            client.send(Wire.bytes(Wire.query(1, "a.example.org.", Type.A)));
            client.send(Wire.bytes(Wire.query(2, "b.example.org.", Type.A)));
            List<FakeUpstream.Query> held = new ArrayList<>(List.of(upstream.next(), upstream.next()));

            Message refused = client.exchange(Wire.query(3, "c.example.org.", Type.A));
            assertThat(refused.getHeader().getID()).isEqualTo(3);
            assertThat(refused.getRcode()).isEqualTo(Rcode.REFUSED);
            assertThat(rejects(server)).isEqualTo(1.0);

            for (FakeUpstream.Query q : held) {
                upstream.send(q.from(), answer(q.message(), RIGHT));
            }
            List<Integer> answered = List.of(Wire.parse(client.receive()).getHeader().getID(),
                    Wire.parse(client.receive()).getHeader().getID());
            assertThat(answered).containsExactlyInAnyOrder(1, 2);

            client.send(Wire.bytes(Wire.query(4, "d.example.org.", Type.A)));
            FakeUpstream.Query q = upstream.next();
            upstream.send(q.from(), answer(q.message(), RIGHT));
            Message fourth = Wire.parse(client.receive());
            assertThat(fourth.getHeader().getID()).isEqualTo(4);
            assertThat(fourth.getRcode()).isEqualTo(Rcode.NOERROR);
        }
    }

    @Test
    void anUpstreamThatNeverAnswersGetsServfailWithinTheDeadlineThenItsHealthIsChecked() {
        try (FakeUpstream upstream = new FakeUpstream("127.0.0.5");
             DnsServer server = ForwardServers.start(dir, ". {\n forward . " + upstream.target() + "\n}\n");
             UdpClient client = new UdpClient(server.port())) {
            long start = System.nanoTime();
            Message response = client.exchange(Wire.query(9, NAME, Type.A));
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(response.getRcode()).isEqualTo(Rcode.SERVFAIL);
            // timers never fire early; the upper bound only leaves room for a busy machine
            assertThat(millis).as("SERVFAIL at the 5 s deadline").isBetween(4_900L, 10_000L);
            // 2 s per attempt: the query was sent again after each timeout, and the first failure started health checks
            List<FakeUpstream.Query> seen = upstream.drain();
            assertThat(seen.stream().filter(q -> q.message().getQuestion().getType() == Type.A).count()).isGreaterThanOrEqualTo(2);
            FakeUpstream.Query probe = seen.stream().filter(q -> q.message().getQuestion().getType() == Type.NS).findFirst()
                    .orElseThrow(() -> new AssertionError("no health check among " + seen));
            assertThat(probe.message().getQuestion().getName()).isEqualTo(Name.root);
            assertThat(probe.message().getHeader().getFlag(Flags.RD)).isTrue();
            Await.until("health check failures counted", () -> healthcheckFailures(server, upstream.target()) >= 1);
        }
    }

    @Test
    void anUpstreamThatRefusesConnectionsGetsServfailAfterThreeAttemptsNotASpin() {
        String to = "127.0.0.6:" + Dnsmasq.freePort(Dnsmasq.loopback("127.0.0.6"));
        try (DnsServer server = ForwardServers.start(dir, ". {\n forward . " + to + " {\n  force_tcp\n }\n}\n");
             UdpClient client = new UdpClient(server.port())) {
            assertThat(client.exchange(Wire.query(1, NAME, Type.A)).getRcode()).isEqualTo(Rcode.SERVFAIL);

            assertThat(new Scrape(server.scrape()).value("coredns_proxy_conn_cache_misses_total",
                    Map.of("proxy_name", "forward", "to", to, "proto", "tcp"))).isEqualTo(3.0);
        }
    }

    @Test
    void failfastAnswersServfailAtOnceWhenEveryUpstreamIsDown() {
        try (FakeUpstream upstream = new FakeUpstream("127.0.0.5");
             DnsServer server = ForwardServers.start(dir, ". {\n forward . " + upstream.target()
                     + " {\n  max_fails 1\n  health_check 50ms\n  failfast_all_unhealthy_upstreams\n }\n}\n");
             UdpClient client = new UdpClient(server.port())) {
            assertThat(client.exchange(Wire.query(1, NAME, Type.A)).getRcode()).isEqualTo(Rcode.SERVFAIL);
            Await.until("the upstream is down (2 failed health checks)", () -> healthcheckFailures(server, upstream.target()) >= 2);

            double connections = connections(server, upstream.target());
            Message response = client.exchange(Wire.query(2, NAME, Type.A));
            assertThat(response.getRcode()).isEqualTo(Rcode.SERVFAIL);
            // an attempt takes a connection (counted) before anything is sent: none was taken
            assertThat(connections(server, upstream.target())).isEqualTo(connections);
            assertThat(new Scrape(server.scrape()).value("coredns_forward_healthcheck_broken_total", Map.of())).isGreaterThanOrEqualTo(1.0);
        }
    }

    /** Connections taken for attempts to {@code to}: reused plus opened, both protocols. */
    static double connections(DnsServer server, String to) {
        Scrape s = new Scrape(server.scrape());
        double sum = 0;
        for (String name : new String[] {"coredns_proxy_conn_cache_hits_total", "coredns_proxy_conn_cache_misses_total"}) {
            sum += s.samples(name).stream().filter(x -> to.equals(x.labels().get("to"))).mapToDouble(Scrape.Sample::value).sum();
        }
        return sum;
    }

    static double rejects(DnsServer server) {
        return new Scrape(server.scrape()).value("coredns_forward_max_concurrent_rejects_total", Map.of());
    }

    static double healthcheckFailures(DnsServer server, String to) {
        Scrape s = new Scrape(server.scrape());
        return s.samples("coredns_proxy_healthcheck_failures_total").stream()
                .filter(x -> x.labels().equals(Map.of("proxy_name", "forward", "to", to)))
                .mapToDouble(Scrape.Sample::value).sum();
    }
}
