package io.clusterdns.server.chain;

import io.clusterdns.server.listen.Listener;
import io.clusterdns.server.listen.QueryReceiver;
import io.clusterdns.server.listen.ReplySink;
import io.clusterdns.server.metrics.DnsMetrics;
import io.clusterdns.server.metrics.ZoneMeters;
import io.clusterdns.server.wire.Responses;
import io.clusterdns.server.wire.Transport;
import io.clusterdns.server.wire.WireQuery;
import io.micrometer.core.instrument.Counter;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * From received bytes to the plugin chain: the wire stage ({@link WireQuery}), the server block
 * that owns the name ({@link Router}: longest zone), the chain, and the one encoder on the way
 * out ({@link ClientWriter}). What no block takes is answered REFUSED and counted with
 * {@code zone="dropped"}, as are the wire stage's own replies. A plugin that throws costs only its
 * own query: SERVFAIL, {@code coredns_panics_total}, one log line.
 */
public final class QueryDispatcher implements QueryReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(QueryDispatcher.class);

    private final Supplier<Router> router;
    private final DnsMetrics metrics;
    private final Counter panics;
    private final ConcurrentHashMap<String, ZoneMeters> dropped = new ConcurrentHashMap<>();

    /**
     * @param router the listener's current router (a reload replaces it)
     * @param panics {@code coredns_panics_total}
     */
    public QueryDispatcher(Supplier<Router> router, DnsMetrics metrics, Counter panics) {
        this.router = router;
        this.metrics = metrics;
        this.panics = panics;
    }

    @Override
    public void receive(byte[] wire, Transport transport, InetSocketAddress client, Listener listener, ReplySink sink) {
        long received = System.nanoTime();
        Router current = router.get();
        if (current.front().serve(wire, transport, client, listener, sink, received)) {
            return;
        }
        WireQuery parsed = WireQuery.parse(wire, transport);
        if (parsed instanceof WireQuery.Drop drop) {
            LOG.debug("dropped {} bytes from {}: {}", wire.length, client, drop.reason());
            return;
        }
        if (parsed instanceof WireQuery.Reply reply) {
            sink.send(reply.response());
            countDropped(listener, transport, client, reply.qtype(), reply.dnssecOk(), wire.length, reply.rcode(), reply.response().length,
                    received);
            return;
        }
        WireQuery.Query query = (WireQuery.Query) parsed;
        Message message = query.message();
        int qclass = message.getQuestion().getDClass();
        Router.Route route = current.route(message.getQuestion().getName());
        if (route == null || !acceptsClass(route.block(), qclass)) {
            byte[] refused = Responses.encode(Responses.error(message, query.edns(), Rcode.REFUSED), message, query.edns(), query.limit());
            sink.send(refused);
            countDropped(listener, transport, client, message.getQuestion().getType(), query.edns().dnssecOk(), wire.length,
                    Rcode.REFUSED, refused.length, received);
            return;
        }
        Request request = new Request(message, query.edns(), query.limit(), transport, client, listener, route.block(), route.zone(),
                wire.length, received, current.lookup());
        ClientWriter writer = new ClientWriter(request, sink);
        try {
            route.block().head().serve(request, writer);
        } catch (RuntimeException e) {
            // a plugin bug must cost this one answer, never the listener or the next query
            panics.increment();
            LOG.error("Recovered from panic in server: \"{}\" {}", listener.label(), e.toString(), e);
            writer.fail(Rcode.SERVFAIL, null);
        }
    }

    /** Classes other than IN (and ANY) only go to a block that can answer them (chaos, forward), else REFUSED. */
    private static boolean acceptsClass(BlockChain block, int qclass) {
        if (qclass == DClass.IN || qclass == DClass.ANY) {
            return true;
        }
        return block.plugin("chaos") != null || block.plugin("forward") != null;
    }

    private void countDropped(Listener listener, Transport transport, InetSocketAddress client, int qtype, boolean dnssecOk,
                              int requestBytes, int rcode, int responseBytes, long received) {
        ZoneMeters meters = dropped.computeIfAbsent(listener.label(), server -> metrics.zone(server, DnsMetrics.DROPPED));
        meters.record(transport == Transport.TCP, client.getAddress().getAddress().length == 16, qtype, dnssecOk, requestBytes, rcode,
                "", responseBytes, System.nanoTime() - received);
    }
}
