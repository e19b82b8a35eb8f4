package io.clusterdns.server;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.resolver.Answer;
import io.clusterdns.resolver.Resolver;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Turns the bytes of one received DNS message into the bytes of its response, or into a drop.
 * Per query: a header check, one parse, one resolver lookup, one encode. Every failure is a
 * result (FORMERR, NOTIMP, REFUSED, ...) rather than an exception, and an unexpected exception
 * costs only the packet that caused it. Thread-safe and non-blocking: called on event loops.
 */
public final class QueryHandler {
    private static final Logger log = LoggerFactory.getLogger(QueryHandler.class);

    /** Where in-class questions are answered: the resolver (tests substitute failing ones). */
    @FunctionalInterface
    interface ZoneAnswers {
        Answer resolve(Name qname, int type);
    }

    private final ZoneAnswers lookup;
    private final Zones zones;
    private final QueryMetrics metrics;

    /** A handler that records no metrics. */
    public QueryHandler(Resolver resolver) {
        this(resolver, QueryMetrics.NONE);
    }

    /**
     * A handler recording the CoreDNS per-query metrics into {@code registry}, labelled with
     * {@code server} (the server wires its own; benchmarks and tools use this).
     */
    public static QueryHandler instrumented(Resolver resolver, PrometheusMeterRegistry registry, ListenAddress server) {
        DnsMetrics metrics = new DnsMetrics(registry, new Zones(resolver.config().zones()));
        metrics.listening(server);
        return new QueryHandler(resolver, metrics);
    }

    QueryHandler(Resolver resolver, QueryMetrics metrics) {
        this(resolver::resolve, new Zones(resolver.config().zones()), metrics);
    }

    QueryHandler(ZoneAnswers lookup, Zones zones, QueryMetrics metrics) {
        this.lookup = lookup;
        this.zones = zones;
        this.metrics = metrics;
    }

    /** Handles one message from an IPv4 client received over {@code transport} ({@code wire} excludes the TCP length prefix). */
    public QueryOutcome handle(byte[] wire, Transport transport) {
        return handle(wire, transport, false);
    }

    /** Handles one message received over {@code transport}; {@code ipv6Client} only labels the metrics. */
    public QueryOutcome handle(byte[] wire, Transport transport, boolean ipv6Client) {
        long start = System.nanoTime();
        QueryOutcome outcome;
        try {
            outcome = process(wire, transport);
        } catch (RuntimeException e) {
            // A bug (ours or a library's) must cost this one answer, never the listener or the next packet.
            log.debug("query of {} bytes failed; answering SERVFAIL", wire.length, e);
            outcome = wire.length < WireHeader.LENGTH ? QueryOutcome.TOO_SHORT : headerOnly(wire, Rcode.SERVFAIL);
        }
        if (outcome instanceof QueryOutcome.Response response) {
            try {
                metrics.record(response, transport, ipv6Client, wire.length, System.nanoTime() - start);
            } catch (RuntimeException e) {
                // Metrics are worth less than the answer.
                log.debug("recording metrics failed", e);
            }
        }
        return outcome;
    }

    private QueryOutcome process(byte[] wire, Transport transport) {
        if (wire.length < WireHeader.LENGTH) {
            return QueryOutcome.TOO_SHORT;
        }
        if (WireHeader.isResponse(wire)) {
            // Never answer a response: two servers could bounce errors at each other forever.
            return QueryOutcome.NOT_A_QUERY;
        }
        if (WireHeader.opcode(wire) != Opcode.QUERY) {
            return notImplemented(wire, transport);
        }
        if (WireHeader.questionCount(wire) != 1) {
            return headerOnly(wire, Rcode.FORMERR);
        }
        Message query = parse(wire);
        if (query == null || query.getSection(Section.QUESTION).size() != 1) {
            return headerOnly(wire, Rcode.FORMERR);
        }
        ClientEdns edns = ClientEdns.of(query);
        if (edns instanceof ClientEdns.Malformed malformed) {
            log.debug("FORMERR: {}", malformed.reason());
            return error(query, ClientEdns.ABSENT, Rcode.FORMERR, transport.defaultLimit(), Zones.DROPPED);
        }
        int limit = edns.responseLimit(transport);
        if (edns instanceof ClientEdns.Present present && present.version() > 0) {
            return error(query, edns, Rcode.BADVERS, limit, Zones.DROPPED);
        }
        Record question = query.getQuestion();
        int dclass = question.getDClass();
        if (dclass != DClass.IN && dclass != DClass.ANY) {
            return error(query, edns, Rcode.REFUSED, limit, Zones.DROPPED);
        }
        int type = question.getType();
        if (type == Type.AXFR || type == Type.IXFR) {
            // The cluster zone is generated from live state; it is not offered for transfer.
            return error(query, edns, Rcode.REFUSED, limit, zones.indexOf(question.getName()));
        }
        Answer answer = lookup.resolve(question.getName(), type);
        // the resolver says which zone answered; Zones.ROOT (-1) is Answer.NO_ZONE
        return new QueryOutcome.Response(ResponseEncoder.answer(query, edns, answer, limit), answer.rcode(), type, answer.zone(),
                !(answer instanceof Answer.NotAuthoritative), dnssecOk(edns));
    }

    private static boolean dnssecOk(ClientEdns edns) {
        return edns instanceof ClientEdns.Present p && p.dnssecOk();
    }

    /** NOTIMP for UPDATE, NOTIFY, STATUS, ...: echoes the question when there is exactly one that parses. */
    private static QueryOutcome notImplemented(byte[] wire, Transport transport) {
        Message query = WireHeader.questionCount(wire) == 1 ? parse(wire) : null;
        if (query == null || query.getSection(Section.QUESTION).size() != 1) {
            return headerOnly(wire, Rcode.NOTIMP);
        }
        ClientEdns edns = ClientEdns.of(query);
        if (edns instanceof ClientEdns.Malformed) {
            edns = ClientEdns.ABSENT;
        }
        return error(query, edns, Rcode.NOTIMP, edns.responseLimit(transport), Zones.DROPPED);
    }

    /** Parses a message; null when it is not valid DNS wire format (truncated, bad labels, bad pointers, ...). */
    private static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (IOException | RuntimeException e) {
            log.debug("FORMERR: {}", e.getMessage());
            return null;
        }
    }

    private static QueryOutcome headerOnly(byte[] wire, int rcode) {
        return new QueryOutcome.Response(WireHeader.headerOnlyResponse(wire, rcode), rcode, 0, Zones.DROPPED, false, false);
    }

    private static QueryOutcome error(Message query, ClientEdns edns, int rcode, int limit, int zone) {
        return new QueryOutcome.Response(ResponseEncoder.error(query, edns, rcode, limit), rcode,
                query.getQuestion().getType(), zone, false, dnssecOk(edns));
    }
}
