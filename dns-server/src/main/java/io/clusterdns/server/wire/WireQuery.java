package io.clusterdns.server.wire;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * The wire stage: what a received message is before any plugin sees it. Header checks come first
 * (no parse for what the 12 bytes decide), then one parse and the EDNS rules. Every outcome is a
 * result, never an exception: a {@link Query} for the plugin chain, a {@link Reply} this stage
 * already made (FORMERR, NOTIMP, BADVERS), or a {@link Drop}.
 */
public sealed interface WireQuery {

    /** A well-formed query with exactly one question, for the plugins. */
    record Query(Message message, ClientEdns edns, int limit) implements WireQuery {
    }

    /**
     * A response decided here. {@code qtype} is 0 when no question could be read (the metrics'
     * {@code type} label then says so).
     */
    record Reply(byte[] response, int rcode, int qtype, boolean dnssecOk) implements WireQuery {
    }

    /** Send nothing; {@code reason} is for debug logs and tests. */
    record Drop(String reason) implements WireQuery {
    }

    Drop TOO_SHORT = new Drop("shorter than a DNS header");
    Drop NOT_A_QUERY = new Drop("QR is set: a response, not a query");

    /** Reads {@code wire} (a whole message, without TCP's length prefix) received over {@code transport}. */
    static WireQuery parse(byte[] wire, Transport transport) {
        if (wire.length < WireHeader.LENGTH) {
            return TOO_SHORT;
        }
        if (WireHeader.isResponse(wire)) {
            // never answer a response: two servers could bounce errors at each other for ever
            return NOT_A_QUERY;
        }
        if (WireHeader.opcode(wire) != Opcode.QUERY) {
            return Parser.notImplemented(wire, transport);
        }
        if (WireHeader.questionCount(wire) != 1) {
            return Parser.headerOnly(wire, Rcode.FORMERR);
        }
        Message query = Parser.parse(wire);
        if (query == null || query.getSection(Section.QUESTION).size() != 1) {
            return Parser.headerOnly(wire, Rcode.FORMERR);
        }
        ClientEdns edns = ClientEdns.of(query);
        if (edns instanceof ClientEdns.Malformed malformed) {
            Parser.LOG.debug("FORMERR: {}", malformed.reason());
            return Parser.error(query, ClientEdns.ABSENT, Rcode.FORMERR, transport.defaultLimit());
        }
        int limit = edns.responseLimit(transport);
        if (edns instanceof ClientEdns.Present present && present.version() > 0) {
            return Parser.error(query, edns, Rcode.BADVERS, limit);
        }
        return new Query(query, edns, limit);
    }

    /** A header-only response to a message whose question cannot be echoed. */
    static Reply headerOnly(byte[] wire, int rcode) {
        return Parser.headerOnly(wire, rcode);
    }

    /** The helpers of {@link #parse}. */
    final class Parser {
        static final Logger LOG = LoggerFactory.getLogger(WireQuery.class);

        private Parser() {
        }

        /** NOTIMP for UPDATE, NOTIFY, STATUS, ...: echoes the question when there is exactly one that parses. */
        static WireQuery notImplemented(byte[] wire, Transport transport) {
            Message query = WireHeader.questionCount(wire) == 1 ? parse(wire) : null;
            if (query == null || query.getSection(Section.QUESTION).size() != 1) {
                return headerOnly(wire, Rcode.NOTIMP);
            }
            ClientEdns edns = ClientEdns.of(query);
            if (edns instanceof ClientEdns.Malformed) {
                edns = ClientEdns.ABSENT;
            }
            return error(query, edns, Rcode.NOTIMP, edns.responseLimit(transport));
        }

        /** Parses a message; null when it is not valid DNS wire format (truncated, bad labels, bad pointers, ...). */
        static Message parse(byte[] wire) {
            try {
                return new Message(wire);
            } catch (IOException | RuntimeException e) {
                LOG.debug("FORMERR: {}", e.getMessage());
                return null;
            }
        }

        static Reply headerOnly(byte[] wire, int rcode) {
            return new Reply(WireHeader.headerOnlyResponse(wire, rcode), rcode, 0, false);
        }

        static Reply error(Message query, ClientEdns edns, int rcode, int limit) {
            return new Reply(Responses.encode(Responses.error(query, edns, rcode), query, edns, limit), rcode,
                    query.getQuestion().getType(), edns.dnssecOk());
        }
    }
}
