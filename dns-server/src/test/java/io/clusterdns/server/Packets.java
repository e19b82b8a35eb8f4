package io.clusterdns.server;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Hand-made packets, good and broken, byte by byte. Every fixture has ID {@link #ID} and RD set
 * so that responses can be checked to carry both.
 */
final class Packets {
    static final int ID = 0xBEEF;
    static final int RD = 0x0100;
    /** Expected "rcode" of fixtures the server must not answer at all. */
    static final int DROPPED = -1;

    private Packets() {
    }

    /** A fixture: what is sent, and the rcode expected back (or {@link #DROPPED}); echoed = question in the response. */
    record Fixture(String name, byte[] bytes, int rcode, boolean echoesQuestion) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Fixture> all() {
        byte[] web = name("web", "default", "svc", "cluster", "local");
        byte[] q = question(web, Type.A, 1);
        return List.of(
                new Fixture("empty packet", new byte[0], DROPPED, false),
                new Fixture("truncated header (11 bytes)", Arrays.copyOf(header(0, 1, 0, 0, 0), 11), DROPPED, false),
                new Fixture("response (QR=1)", cat(header(0x8000, 1, 0, 0, 0), q), DROPPED, false),
                new Fixture("qdcount 0", header(0, 0, 0, 0, 0), Rcode.FORMERR, false),
                new Fixture("qdcount 2", cat(header(0, 2, 0, 0, 0), q, q), Rcode.FORMERR, false),
                new Fixture("compression pointer to itself", cat(header(0, 1, 0, 0, 0), bytes(0xC0, 12), typeClass(Type.A, 1)),
                        Rcode.FORMERR, false),
                new Fixture("compression pointer forward", cat(header(0, 1, 0, 0, 0), bytes(0xC0, 40), typeClass(Type.A, 1), new byte[40]),
                        Rcode.FORMERR, false),
                new Fixture("compression pointer loop", cat(header(0, 1, 0, 0, 0), bytes(1, 'a', 0xC0, 12), typeClass(Type.A, 1)),
                        Rcode.FORMERR, false),
                new Fixture("label length 64 (reserved label type)", cat(header(0, 1, 0, 0, 0), bytes(64), new byte[64], bytes(0),
                        typeClass(Type.A, 1)), Rcode.FORMERR, false),
                new Fixture("label type 0x80", cat(header(0, 1, 0, 0, 0), bytes(0x81, 'a', 0), typeClass(Type.A, 1)),
                        Rcode.FORMERR, false),
                new Fixture("name longer than 255 bytes", cat(header(0, 1, 0, 0, 0), longName(), typeClass(Type.A, 1)),
                        Rcode.FORMERR, false),
                new Fixture("question cut inside the name", cat(header(0, 1, 0, 0, 0), Arrays.copyOf(web, 10)), Rcode.FORMERR, false),
                new Fixture("question without type and class", cat(header(0, 1, 0, 0, 0), web), Rcode.FORMERR, false),
                new Fixture("question with type but no class", cat(header(0, 1, 0, 0, 0), web, bytes(0, 1)), Rcode.FORMERR, false),
                new Fixture("ancount 1 without an answer", cat(header(0, 1, 1, 0, 0), q), Rcode.FORMERR, false),
                new Fixture("arcount 3 with one record", cat(header(0, 1, 0, 0, 3), q, opt(1232, 0)), Rcode.FORMERR, false),
                new Fixture("rdlength past the end", cat(header(0, 1, 0, 0, 1), q, bytes(0, 0, 41, 4, 0xD0, 0, 0, 0, 0, 0, 50)),
                        Rcode.FORMERR, false),
                new Fixture("two OPT records", cat(header(0, 1, 0, 0, 2), q, opt(1232, 0), opt(1232, 0)), Rcode.FORMERR, true),
                new Fixture("OPT in the answer section", cat(header(0, 1, 1, 0, 0), q, opt(1232, 0)), Rcode.FORMERR, true),
                new Fixture("OPT not owned by the root", cat(header(0, 1, 0, 0, 1), q, bytes(1, 'x', 0, 0, 41, 4, 0xD0, 0, 0, 0, 0, 0, 0)),
                        Rcode.FORMERR, true),
                new Fixture("EDNS version 1", cat(header(0, 1, 0, 0, 1), q, opt(1232, 1)), Rcode.BADVERS, true),
                new Fixture("opcode IQUERY", cat(header(Opcode.IQUERY << 11, 1, 0, 0, 0), q), Rcode.NOTIMP, true),
                new Fixture("opcode STATUS", cat(header(Opcode.STATUS << 11, 1, 0, 0, 0), q), Rcode.NOTIMP, true),
                new Fixture("opcode NOTIFY", cat(header(Opcode.NOTIFY << 11, 1, 0, 0, 0), question(web, Type.SOA, 1)), Rcode.NOTIMP, true),
                new Fixture("opcode UPDATE", cat(header(Opcode.UPDATE << 11, 1, 0, 0, 0), question(name("cluster", "local"), Type.SOA, 1)),
                        Rcode.NOTIMP, true),
                new Fixture("opcode NOTIFY without question", header(Opcode.NOTIFY << 11, 0, 0, 0, 0), Rcode.NOTIMP, false),
                new Fixture("opcode 15 with a broken question", cat(header(15 << 11, 1, 0, 0, 0), bytes(0xC0, 12)), Rcode.NOTIMP, false),
                new Fixture("AXFR", cat(header(0, 1, 0, 0, 0), question(name("cluster", "local"), Type.AXFR, 1)), Rcode.REFUSED, true),
                new Fixture("IXFR", cat(header(0, 1, 0, 0, 0), question(name("cluster", "local"), Type.IXFR, 1)), Rcode.REFUSED, true),
                new Fixture("class CHAOS", cat(header(0, 1, 0, 0, 0), question(name("version", "bind"), Type.TXT, 3)), Rcode.REFUSED, true),
                new Fixture("class HESIOD", cat(header(0, 1, 0, 0, 0), question(web, Type.A, 4)), Rcode.REFUSED, true),
                new Fixture("out of zone", cat(header(0, 1, 0, 0, 0), question(name("example", "com"), Type.A, 1)), Rcode.REFUSED, true),
                new Fixture("class ANY", cat(header(0, 1, 0, 0, 0), question(web, Type.A, 255)), Rcode.NOERROR, true),
                new Fixture("TC set in the query, question cut", cat(header(0x0200, 1, 0, 0, 0), Arrays.copyOf(web, 10)),
                        Rcode.FORMERR, false),
                new Fixture("valid A query", cat(header(0, 1, 0, 0, 0), q), Rcode.NOERROR, true));
    }

    /** A 12-byte header with ID {@link #ID}, RD and the given extra flags and counts. */
    static byte[] header(int flags, int qd, int an, int ns, int ar) {
        int f = flags | RD;
        return bytes(ID >>> 8, ID & 0xFF, f >>> 8, f & 0xFF, 0, qd, 0, an, 0, ns, 0, ar);
    }

    static byte[] name(String... labels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String l : labels) {
            out.write(l.length());
            out.writeBytes(l.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        out.write(0);
        return out.toByteArray();
    }

    static byte[] question(byte[] name, int type, int dclass) {
        return cat(name, typeClass(type, dclass));
    }

    static byte[] typeClass(int type, int dclass) {
        return bytes(type >>> 8, type & 0xFF, dclass >>> 8, dclass & 0xFF);
    }

    /** An OPT record: root owner, payload size, extended rcode 0, the given version, DO clear, no options. */
    static byte[] opt(int payload, int version) {
        return bytes(0, 0, 41, payload >>> 8, payload & 0xFF, 0, version, 0, 0, 0, 0);
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Five 63-byte labels: 321 bytes on the wire, over the 255-byte limit. */
    private static byte[] longName() {
        String label = "a".repeat(63);
        return name(label, label, label, label, label);
    }
}
