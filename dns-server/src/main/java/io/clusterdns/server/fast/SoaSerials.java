package io.clusterdns.server.fast;

import java.util.Arrays;

/**
 * Where the SOA serials sit in a response the chain encoded: the one value of an answer that
 * changes with every snapshot (the snapshot's time) whatever the answer reads, so kept answers get
 * the current one written in when served (4 bytes; it changes neither length nor compression).
 */
final class SoaSerials {
    private static final int TYPE_SOA = 6;
    private static final int[] NONE = new int[0];

    private SoaSerials() {
    }

    /** Offsets of the serial of every SOA record in {@code m} (a well-formed message: made by the encoder). */
    static int[] offsets(byte[] m) {
        int questions = FastQuery.u16(m, 4);
        int records = FastQuery.u16(m, 6) + FastQuery.u16(m, 8) + FastQuery.u16(m, 10);
        int at = FastQuery.HEADER;
        for (int i = 0; i < questions; i++) {
            at = skipName(m, at) + 4;
        }
        int[] out = NONE;
        for (int i = 0; i < records; i++) {
            at = skipName(m, at);
            int type = FastQuery.u16(m, at);
            int rdata = at + 10;
            if (type == TYPE_SOA) {
                out = Arrays.copyOf(out, out.length + 1);
                out[out.length - 1] = skipName(m, skipName(m, rdata)); // MNAME, RNAME, then SERIAL
            }
            at = rdata + FastQuery.u16(m, at + 8);
        }
        return out;
    }

    /** Writes {@code serial} at each of {@code offsets} in {@code m}. */
    static void write(byte[] m, int[] offsets, long serial) {
        for (int at : offsets) {
            m[at] = (byte) (serial >>> 24);
            m[at + 1] = (byte) (serial >>> 16);
            m[at + 2] = (byte) (serial >>> 8);
            m[at + 3] = (byte) serial;
        }
    }

    private static int skipName(byte[] m, int at) {
        while (true) {
            int label = m[at] & 0xFF;
            if (label == 0) {
                return at + 1;
            }
            if ((label & 0xC0) == 0xC0) {
                return at + 2;
            }
            at += label + 1;
        }
    }
}
