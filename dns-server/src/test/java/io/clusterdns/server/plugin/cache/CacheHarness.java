package io.clusterdns.server.plugin.cache;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.listen.Listener;
import io.clusterdns.server.wire.ClientEdns;
import io.clusterdns.server.wire.Responses;
import io.clusterdns.server.wire.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/**
 * A cache link in front of a fake next plugin, driven by a fake clock, with the client's side of
 * the encoder: what {@link #ask} returns is what the client would read (its ID and question, TC
 * at its size).
 *
 * <pre>
 * block zones  .  (server label dns://127.0.0.1:1053, zones label ".")
 * backend      answers every name with A 192.0.2.1, TTL 30, owner spelled as asked;
 *              {@link Backend#answer} replaces that (per test), {@link Backend#defer} holds requests
 * clock        starts at an arbitrary nanoTime; only {@link #advance} moves it
 * </pre>
 */
final class CacheHarness {
    static final Path FILE = Path.of("/etc/coredns/Corefile");
    static final String SERVER = "dns://127.0.0.1:1053";
    static final Listener LISTENER = Listener.of(ListenAddress.of("127.0.0.1:1053"));
    static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    static final String ADDRESS = "192.0.2.1";
    static final Name ZONE = Name.fromConstantString("example.org.");

    final AtomicLong nanos = new AtomicLong(7_000_000_000_000L);
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final Backend backend = new Backend();
    final CachePlugin cache;
    private final AtomicInteger ids = new AtomicInteger(1);

    /** @param cacheLines the cache line (and its block) as written in a {@code .:53} block */
    CacheHarness(String cacheLines) {
        Directive d = CorefileParser.parse(".:53 {\n" + cacheLines + "\n}\n", FILE, Map.of()).blocks().get(0).directives().get(0);
        CacheConfig config = CacheSetup.parse(d, List.of(Name.root));
        this.cache = new CachePlugin(config, new CacheStore(config), registry, nanos::get);
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    /** A query with RD, as stub resolvers send one. */
    Message query(String name, int type) {
        Message m = new Message(ids.getAndIncrement() & 0xFFFF);
        m.getHeader().setFlag(Flags.RD);
        m.addRecord(Record.newRecord(Name.fromConstantString(name), type, DClass.IN), Section.QUESTION);
        return m;
    }

    static Message edns(Message m, int payload, boolean dnssecOk) {
        m.addRecord(new OPTRecord(payload, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        return m;
    }

    static Request request(Message query, Transport transport) {
        ClientEdns edns = ClientEdns.of(query);
        return new Request(query, edns, edns.responseLimit(transport), transport, CLIENT, LISTENER, null, Name.root, 40, System.nanoTime());
    }

    /** Over UDP; the response the client reads. */
    Message ask(Message query) {
        return ask(query, Transport.UDP);
    }

    Message ask(Message query, Transport transport) {
        Client client = send(query, transport);
        Message m = client.response();
        if (m == null) {
            throw new AssertionError("no response (yet) to " + query.getQuestion());
        }
        return m;
    }

    /** Runs the query through the cache; the response may come later (a deferred backend). */
    Client send(Message query, Transport transport) {
        Request request = request(query, transport);
        Client client = new Client(request);
        cache.serve(request, client, backend);
        return client;
    }

    double counter(String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    Double gauge(String name, String... tags) {
        Gauge g = registry.find(name).tags(tags).gauge();
        return g == null ? null : g.value();
    }

    /** The innermost writer's part that matters to a client: the encoded bytes, read back. */
    static final class Client implements ResponseWriter {
        private final Request request;
        private final AtomicReference<byte[]> sent = new AtomicReference<>();
        private volatile List<String> owners = List.of();

        Client(Request request) {
            this.request = request;
        }

        @Override
        public int write(Message response) {
            // before encoding: dnsjava's name compression would point the owners at the question anyway
            owners = response.getSection(Section.ANSWER).stream().map(r -> r.getName().toString()).toList();
            byte[] bytes = Responses.encode(response, request.message(), request.edns(), request.limit());
            if (!sent.compareAndSet(null, bytes)) {
                throw new AssertionError("a second response to one query");
            }
            return bytes.length;
        }

        @Override
        public int fail(int rcode, String error) {
            return write(Responses.error(request.message(), request.edns(), rcode));
        }

        /** The answer's owner names in the message the writer was handed, spelled as they were there. */
        List<String> owners() {
            return owners;
        }

        /** What the client got; null while nothing was sent. */
        Message response() {
            byte[] bytes = sent.get();
            if (bytes == null) {
                return null;
            }
            try {
                return new Message(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** How the fake next plugin answers one request. */
    @FunctionalInterface
    interface Answer {
        void answer(Request request, ResponseWriter writer);
    }

    /** A request the backend holds until the test completes it (as forward completes later). */
    record Held(Request request, ResponseWriter writer) {
    }

    /** The fake next plugin: counts what it is asked, answers as told. */
    static final class Backend implements Chain {
        final AtomicInteger asked = new AtomicInteger();
        final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Held> held = new LinkedBlockingQueue<>();
        volatile Answer answer = addresses(30, 1);
        volatile boolean defer;

        @Override
        public void serve(Request request, ResponseWriter writer) {
            asked.incrementAndGet();
            requests.add(request);
            if (defer) {
                held.add(new Held(request, writer));
            } else {
                answer.answer(request, writer);
            }
        }

        int asked() {
            return asked.get();
        }
    }

    /** {@code count} A records for every name, owner spelled as asked: {@link #ADDRESS} when one, else 10.0.x.y. */
    static Answer addresses(long ttl, int count) {
        return (request, writer) -> {
            Message m = Responses.start(request.message(), Rcode.NOERROR);
            for (int i = 1; i <= count; i++) {
                m.addRecord(new ARecord(request.qname(), DClass.IN, ttl, address(count == 1 ? ADDRESS : "10.0." + (i / 250) + "." + i % 250)),
                        Section.ANSWER);
            }
            writer.write(m);
        };
    }

    /** {@code rcode} with the zone's SOA (TTL {@code ttl}) in authority: NXDOMAIN or NODATA. */
    static Answer denial(int rcode, long ttl) {
        return (request, writer) -> {
            Message m = Responses.start(request.message(), rcode);
            m.addRecord(new SOARecord(ZONE, DClass.IN, ttl, Name.fromConstantString("ns.example.org."),
                    Name.fromConstantString("host.example.org."), 1, 7200, 1800, 86400, ttl), Section.AUTHORITY);
            writer.write(m);
        };
    }

    /** A written response with {@code rcode} and no records (SERVFAIL from an upstream). */
    static Answer written(int rcode) {
        return (request, writer) -> writer.write(Responses.start(request.message(), rcode));
    }

    /** Nothing written: the server answers {@code rcode} (a failed forward). */
    static Answer failing(int rcode) {
        return (request, writer) -> writer.fail(rcode, "plugin/forward: no healthy upstream");
    }

    static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long ttl(Message m) {
        List<Record> answer = m.getSection(Section.ANSWER);
        return answer.isEmpty() ? m.getSection(Section.AUTHORITY).get(0).getTTL() : answer.get(0).getTTL();
    }
}
