package io.clusterdns.server.plugin.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.server.chain.BlockChain;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.QueryDispatcher;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.chain.Router;
import io.clusterdns.server.listen.DnsListeners;
import io.clusterdns.server.listen.Futures;
import io.clusterdns.server.listen.TcpLimits;
import io.clusterdns.server.metrics.DnsMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The cache behind real UDP and TCP listeners on 127.0.0.1 (the server's dispatcher, router and
 * encoder), in front of a plugin that counts what reaches it: {@code big.example.org.} has 100 A
 * records (TTL 30), every other name one, 192.0.2.1. The block is {@code .} with {@code cache 30}.
 */
class CacheOverSocketsTest {
    static final int DEADLINE_MS = (int) Await.DEADLINE.toMillis();
    static Vertx vertx;
    static DnsListeners listeners;
    static final AtomicInteger asked = new AtomicInteger();
    static final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @BeforeAll
    static void start() {
        Plugin counting = new Plugin() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public void serve(Request request, ResponseWriter writer, Chain next) {
                asked.incrementAndGet();
                boolean big = request.qname().equals(Name.fromConstantString("big.example.org."));
                CacheHarness.addresses(30, big ? 100 : 1).answer(request, writer);
            }
        };
        CacheConfig config = new CacheConfig(List.of(Name.root), new CacheConfig.Kind(10_000, 30, 5), new CacheConfig.Kind(10_000, 30, 5),
                CacheConfig.DEFAULT_SERVFAIL, CacheConfig.Prefetch.OFF, CacheConfig.ServeStale.OFF, List.of(), List.of(), false);
        CachePlugin cache = new CachePlugin(config, new CacheStore(config), registry, System::nanoTime);
        Router router = new Router(List.of(BlockChain.of(List.of(Name.root), List.of(cache, counting))));
        QueryDispatcher dispatcher = new QueryDispatcher(() -> router, new DnsMetrics(registry), Counter.builder("panics").register(registry));
        vertx = Vertx.vertx();
        listeners = DnsListeners.deploy(vertx, ListenAddress.of("127.0.0.1:0"), dispatcher, 1, false, TcpLimits.DEFAULT);
    }

    @AfterAll
    static void stop() {
        Futures.await(vertx.close(), "closing the listeners");
    }

    static Message query(int id, String name) {
        Message m = new Message(id);
        m.getHeader().setFlag(Flags.RD);
        m.addRecord(Record.newRecord(Name.fromConstantString(name), Type.A, DClass.IN), Section.QUESTION);
        return m;
    }

    static Message udp(Message query) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(DEADLINE_MS);
            byte[] q = query.toWire();
            socket.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), listeners.address().port()));
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            socket.receive(p);
            return new Message(Arrays.copyOf(buf, p.getLength()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Message tcp(Message query) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), listeners.address().port())) {
            socket.setSoTimeout(DEADLINE_MS);
            byte[] q = query.toWire();
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(q.length);
            out.write(q);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] body = new byte[in.readUnsignedShort()];
            in.readFully(body);
            return new Message(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void answersRepeatedQueriesFromTheCacheInTheClientsSpelling() {
        int before = asked.get();

        Message first = udp(query(101, "Web.Example.org."));
        Message second = udp(query(102, "web.EXAMPLE.org."));
        Message overTcp = tcp(query(103, "WEB.example.ORG."));

        assertThat(asked.get() - before).isEqualTo(1);
        assertThat(first.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(30);
        assertThat(second.getHeader().getID()).isEqualTo(102);
        assertThat(second.getQuestion().getName().toString()).isEqualTo("web.EXAMPLE.org.");
        assertThat(second.getSection(Section.ANSWER).get(0).getName().toString()).isEqualTo("web.EXAMPLE.org.");
        assertThat(second.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(overTcp.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo(CacheHarness.ADDRESS);
    }

    @Test
    void truncatesABigCachedAnswerPerClientTransport() {
        int before = asked.get();

        Message udpMiss = udp(query(201, "big.example.org."));
        Message tcpHit = tcp(query(202, "big.example.org."));
        Message udpHit = udp(query(203, "big.example.org."));

        assertThat(asked.get() - before).isEqualTo(1);
        assertThat(udpMiss.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(tcpHit.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(tcpHit.getSection(Section.ANSWER)).hasSize(100);
        assertThat(udpHit.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(udpHit.getSection(Section.ANSWER)).as("the records that fit in 512 bytes, as CoreDNS").isNotEmpty().hasSizeLessThan(100);
        assertThat(registry.scrape()).contains("coredns_cache_hits_total{server=\"dns://127.0.0.1:" + listeners.address().port()
                + "\",type=\"success\",view=\"\",zones=\".\"}");
    }
}
