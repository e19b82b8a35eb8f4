package io.clusterdns.server;

import io.clusterdns.k8s.model.IpAddresses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Builds queries and reads responses in tests, with dnsjava as the independent encoder/decoder. */
public final class Wire {
    private Wire() {
    }

    /** A standard query with RD set, as stub resolvers send it. */
    public static Message query(int id, String name, int type) {
        Message m = new Message(id);
        m.getHeader().setFlag(Flags.RD);
        m.addRecord(Record.newRecord(Name.fromConstantString(name), type, DClass.IN), Section.QUESTION);
        return m;
    }

    /** Adds an OPT record: {@code payload} bytes, EDNS {@code version}, DO bit. */
    public static Message withEdns(Message m, int payload, int version, boolean dnssecOk) {
        m.addRecord(new OPTRecord(payload, 0, version, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        return m;
    }

    public static byte[] bytes(Message m) {
        return m.toWire();
    }

    public static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (IOException e) {
            throw new UncheckedIOException("response does not parse: " + e.getMessage(), e);
        }
    }

    /** The bytes of a TCP stream carrying {@code messages}, each with its 2-byte length prefix. */
    public static byte[] framed(byte[]... messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] m : messages) {
            out.write(m.length >>> 8);
            out.write(m.length & 0xFF);
            out.writeBytes(m);
        }
        return out.toByteArray();
    }

    /** One record as "owner ttl TYPE rdata" with IPv6 compressed, the form expectations use. */
    public static String text(Record r) {
        String rdata = r instanceof AAAARecord a ? IpAddresses.format(a.getAddress()) : r.rdataToString();
        return r.getName() + " " + r.getTTL() + " " + Type.string(r.getType()) + " " + rdata;
    }

    /** The records of a section as text; the OPT pseudo-record is left out of the additional section. */
    public static List<String> texts(Message m, int section) {
        return m.getSection(section).stream().filter(r -> r.getType() != Type.OPT).map(Wire::text).collect(Collectors.toList());
    }

    /** The extended rcode: header rcode plus the OPT record's upper bits. */
    public static int rcode(Message m) {
        return m.getRcode();
    }

    /**
     * A UDP answer of {@code total} A records cut to {@code limit} bytes as CoreDNS cuts it: TC set,
     * within the limit, and as many of the records as fit (one more, 16 bytes with a compressed
     * name, would not), so that a stub resolver that never retries over TCP still gets addresses.
     */
    public static void assertTruncatedKeepingWhatFits(byte[] wire, int limit, int total) {
        org.assertj.core.api.Assertions.assertThat(wire.length).isLessThanOrEqualTo(limit).isGreaterThan(limit - 16);
        Message m = parse(wire);
        org.assertj.core.api.Assertions.assertThat(m.getHeader().getFlag(Flags.TC)).isTrue();
        org.assertj.core.api.Assertions.assertThat(m.getSection(Section.ANSWER)).isNotEmpty().hasSizeLessThan(total)
                .allMatch(r -> r.getType() == Type.A);
    }
}
