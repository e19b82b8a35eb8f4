package io.clusterdns.server.fuzz;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Is this response a well-formed answer to that (possibly broken) query? dnsjava is the
 * independent decoder: what it cannot parse, a client cannot either. The rules:
 * <ul>
 * <li>the response parses, has QR set, the query's ID, opcode and RD;</li>
 * <li>over UDP it fits the client's size: 512 bytes, or the single OPT record's payload size when
 * larger (RFC 6891); TC or not, nothing bigger;</li>
 * <li>a question in the response is the query's question;</li>
 * <li>the rcode follows from the header where the header decides: NOTIMP for an opcode other than
 * QUERY, FORMERR for a QUERY without exactly one question or that does not parse, FORMERR for a
 * misused OPT (two, outside the additional section, not owned by the root), BADVERS for an EDNS
 * version above 0; never BADVERS otherwise;</li>
 * <li>an OPT record only to a client that sent one, with the DO bit echoed.</li>
 * </ul>
 */
final class ResponseCheck {
    static final int UDP_MIN = 512;
    static final int BADVERS = 16;

    private ResponseCheck() {
    }

    /** What is wrong with {@code response} to {@code query} received over UDP ({@code udp}) or TCP; empty when nothing. */
    static Optional<String> problem(byte[] query, byte[] response, boolean udp) {
        Message r;
        try {
            r = new Message(response);
        } catch (IOException | RuntimeException e) {
            return Optional.of("the response does not parse: " + e.getMessage());
        }
        if (!r.getHeader().getFlag(Flags.QR)) {
            return Optional.of("the response has QR=0");
        }
        if (query.length < 12) {
            return Optional.of("a message shorter than a header was answered");
        }
        if ((query[2] & 0x80) != 0) {
            return Optional.of("a response (QR=1) was answered");
        }
        if (r.getHeader().getID() != u16(query, 0)) {
            return Optional.of("ID " + r.getHeader().getID() + " answers a query with ID " + u16(query, 0));
        }
        int opcode = (query[2] >>> 3) & 0xF;
        if (r.getHeader().getOpcode() != opcode) {
            return Optional.of("opcode " + r.getHeader().getOpcode() + " answers opcode " + opcode);
        }
        boolean rd = (query[2] & 0x01) != 0;
        if (r.getHeader().getFlag(Flags.RD) != rd) {
            return Optional.of("RD=" + !rd + " answers RD=" + rd);
        }
        Message q = parse(query);
        Edns edns = Edns.of(q);
        int limit = udp ? Math.max(UDP_MIN, edns.payload()) : 65535;
        if (response.length > limit) {
            return Optional.of(response.length + " bytes over UDP to a client accepting " + limit
                    + (r.getHeader().getFlag(Flags.TC) ? " (TC set)" : ""));
        }
        List<Record> question = r.getSection(Section.QUESTION);
        if (question.size() > 1) {
            return Optional.of(question.size() + " questions in the response");
        }
        if (question.size() == 1 && (q == null || q.getQuestion() == null || !sameQuestion(q.getQuestion(), question.get(0)))) {
            return Optional.of("the response's question " + question.get(0) + " is not the query's");
        }
        int rcode = r.getRcode();
        Optional<String> rule = rcodeRule(opcode, u16(query, 4), q, edns, rcode);
        if (rule.isPresent()) {
            return rule;
        }
        OPTRecord opt = r.getOPT();
        if (opt != null && !(edns instanceof Edns.One)) {
            return Optional.of("an OPT record in the response to a query without (usable) EDNS");
        }
        if (edns instanceof Edns.One one && opcode == 0 && u16(query, 4) == 1) {
            if (opt == null) {
                return Optional.of("no OPT record in the response to an EDNS query");
            }
            boolean dnssecOk = (opt.getFlags() & ExtendedFlags.DO) != 0;
            if (dnssecOk != one.dnssecOk()) {
                return Optional.of("DO=" + dnssecOk + " in the response, DO=" + one.dnssecOk() + " in the query");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> rcodeRule(int opcode, int qdcount, Message q, Edns edns, int rcode) {
        String expected = null;
        if (opcode != 0) {
            expected = rcode == Rcode.NOTIMP ? null : "NOTIMP";
        } else if (qdcount != 1 || q == null || edns instanceof Edns.Misused) {
            expected = rcode == Rcode.FORMERR ? null : "FORMERR";
        } else if (edns instanceof Edns.One one && one.version() > 0) {
            expected = rcode == BADVERS ? null : "BADVERS";
        } else if (rcode == BADVERS) {
            expected = "not BADVERS";
        }
        return expected == null ? Optional.empty() : Optional.of("rcode " + Rcode.string(rcode) + ", expected " + expected);
    }

    private static boolean sameQuestion(Record asked, Record answered) {
        return asked.getName().equals(answered.getName()) && asked.getType() == answered.getType()
                && asked.getDClass() == answered.getDClass();
    }

    static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    /** The query's EDNS as a server must read it (RFC 6891 section 6.1.1). */
    sealed interface Edns {
        record None() implements Edns {
        }

        record One(int udpPayload, int version, boolean dnssecOk) implements Edns {
        }

        record Misused() implements Edns {
        }

        default int payload() {
            return this instanceof One one ? one.udpPayload() : 0;
        }

        static Edns of(Message q) {
            if (q == null) {
                return new None();
            }
            OPTRecord found = null;
            for (int s = Section.ANSWER; s <= Section.ADDITIONAL; s++) {
                for (Record rec : q.getSection(s)) {
                    if (rec.getType() != Type.OPT) {
                        continue;
                    }
                    if (s != Section.ADDITIONAL || found != null || !rec.getName().equals(Name.root)) {
                        return new Misused();
                    }
                    found = (OPTRecord) rec;
                }
            }
            return found == null ? new None()
                    : new One(found.getPayloadSize(), found.getVersion(), (found.getFlags() & ExtendedFlags.DO) != 0);
        }
    }
}
