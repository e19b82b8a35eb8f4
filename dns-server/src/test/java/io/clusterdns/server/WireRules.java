package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.resolver.Resolver;
import java.io.IOException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What the wire rules say must become of one received packet, worked out from its bytes (dnsjava
 * only parses them) and from the resolver's answer, without the server's wire stage and chain: the fuzz
 * tests' independent expectation.
 *
 * <ul>
 *   <li>shorter than a header, or QR set (a response): dropped;</li>
 *   <li>an opcode other than QUERY: NOTIMP;</li>
 *   <li>not exactly one question, or not parseable: FORMERR;</li>
 *   <li>an OPT record outside the additional section, two of them, or one not owned by the
 *       root: FORMERR; EDNS version above 0: BADVERS (RFC 6891);</li>
 *   <li>a class other than IN or ANY, or a zone transfer: REFUSED;</li>
 *   <li>otherwise the resolver's rcode.</li>
 * </ul>
 *
 * Every answer carries the query's ID, QR, its opcode and RD, and echoes the question when one
 * was parsed; otherwise it is a bare 12-byte header.
 */
final class WireRules {
    private static final int HEADER = 12;

    private WireRules() {
    }

    /** Dropped, or answered with {@code rcode}, echoing {@code question} (null: a bare header). */
    record Expected(boolean dropped, int rcode, Record question) {
        static final Expected DROPPED = new Expected(true, -1, null);

        @Override
        public String toString() {
            return dropped ? "dropped" : Rcode.string(rcode) + (question == null ? " (header only)" : " for " + question);
        }
    }

    static Expected expect(byte[] packet, Resolver resolver) {
        if (packet.length < HEADER) {
            return Expected.DROPPED;
        }
        int flags = u16(packet, 2);
        if ((flags & 0x8000) != 0) {
            return Expected.DROPPED;
        }
        Message query = u16(packet, 4) == 1 ? parse(packet) : null;
        Record question = query == null ? null : query.getQuestion();
        if (((flags >>> 11) & 0xF) != Opcode.QUERY) {
            return new Expected(false, Rcode.NOTIMP, question);
        }
        if (question == null) {
            return new Expected(false, Rcode.FORMERR, null);
        }
        OPTRecord opt = null;
        for (int section = Section.ANSWER; section <= Section.ADDITIONAL; section++) {
            for (Record r : query.getSection(section)) {
                if (r.getType() == Type.OPT) {
                    if (section != Section.ADDITIONAL || opt != null || !r.getName().equals(Name.root)) {
                        return new Expected(false, Rcode.FORMERR, question);
                    }
                    opt = (OPTRecord) r;
                }
            }
        }
        if (opt != null && opt.getVersion() > 0) {
            return new Expected(false, Rcode.BADVERS, question);
        }
        if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
            return new Expected(false, Rcode.REFUSED, question);
        }
        if (question.getType() == Type.AXFR || question.getType() == Type.IXFR) {
            return new Expected(false, Rcode.REFUSED, question);
        }
        return new Expected(false, resolver.resolve(question.getName(), question.getType()).rcode(), question);
    }

    /** Checks {@code response} against what {@code packet} must get; {@code where} names the packet. */
    static void check(byte[] packet, byte[] response, Expected expected, String where) {
        assertThat(expected.dropped()).as(where + ": answered, but the rules drop it").isFalse();
        Message m = Wire.parse(response);
        assertThat(u16(response, 0)).as(where + ": ID").isEqualTo(u16(packet, 0));
        assertThat(m.getHeader().getFlag(Flags.QR)).as(where + ": QR").isTrue();
        assertThat(m.getHeader().getOpcode()).as(where + ": opcode").isEqualTo((u16(packet, 2) >>> 11) & 0xF);
        assertThat(m.getHeader().getFlag(Flags.RD)).as(where + ": RD").isEqualTo((u16(packet, 2) & 0x0100) != 0);
        assertThat(Rcode.string(Wire.rcode(m))).as(where + ": rcode").isEqualTo(Rcode.string(expected.rcode()));
        if (expected.question() == null) {
            assertThat(response.length).as(where + ": a bare header").isEqualTo(HEADER);
        } else {
            Record echoed = m.getQuestion();
            assertThat(echoed).as(where + ": question echoed").isNotNull();
            assertThat(echoed.getName()).as(where + ": question name").isEqualTo(expected.question().getName());
            assertThat(echoed.getType()).as(where + ": question type").isEqualTo(expected.question().getType());
            assertThat(echoed.getDClass()).as(where + ": question class").isEqualTo(expected.question().getDClass());
            assertThat(m.getSection(Section.QUESTION)).as(where + ": one question").hasSize(1);
        }
    }

    private static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static int u16(byte[] m, int offset) {
        return ((m[offset] & 0xFF) << 8) | (m[offset + 1] & 0xFF);
    }
}
