package io.clusterdns.server.wire;

import org.xbill.DNS.Header;

/**
 * Reads the fixed 12-byte DNS header straight from the received bytes, so that packets which
 * can be answered (or dropped) from the header alone never cost a {@link org.xbill.DNS.Message}.
 */
public final class WireHeader {
    public static final int LENGTH = Header.LENGTH;

    private static final int QR = 0x8000;
    private static final int RD = 0x0100;
    private static final int CD = 0x0010;

    private WireHeader() {
    }

    static int flags(byte[] m) {
        return u16(m, 2);
    }

    static boolean isResponse(byte[] m) {
        return (flags(m) & QR) != 0;
    }

    static int opcode(byte[] m) {
        return (flags(m) >>> 11) & 0xF;
    }

    static int questionCount(byte[] m) {
        return u16(m, 4);
    }

    /**
     * A response carrying only a header: the query's ID, opcode, RD and CD, QR set, the rcode
     * (0..15) and all counts zero. Used when the question cannot be echoed because it could not be
     * parsed, or because there is not exactly one.
     */
    public static byte[] headerOnlyResponse(byte[] query, int rcode) {
        int flags = flags(query);
        int out = QR | (flags & 0x7800) | (flags & RD) | (flags & CD) | (rcode & 0xF);
        byte[] r = new byte[LENGTH];
        r[0] = query[0];
        r[1] = query[1];
        r[2] = (byte) (out >>> 8);
        r[3] = (byte) out;
        return r;
    }

    private static int u16(byte[] m, int offset) {
        return ((m[offset] & 0xFF) << 8) | (m[offset + 1] & 0xFF);
    }
}
