package io.clusterdns.server.fast;

import io.clusterdns.server.wire.ClientEdns;
import io.clusterdns.server.wire.Transport;

/**
 * A query the fast path recognises byte for byte, read without dnsjava: a plain QUERY (flags RD,
 * AD, CD at most) with one question of class IN, a name without compression pointers, and either
 * nothing else or exactly one OPT record of version 0 with no options and no flag but DO. Anything
 * else ({@link #read} returns null) takes the wire stage and the chain, which know every rule.
 *
 * @param key         the question as the answers are keyed: lower-cased name, type, EDNS and DO
 * @param nameLength  the question name's length on the wire (it starts at offset 12)
 * @param mixedCase   the name as typed has upper-case ASCII letters
 * @param limit       the largest response this client takes over its transport
 */
record FastQuery(AnswerKey key, int nameLength, boolean mixedCase, int limit) {
    static final int HEADER = 12;
    private static final int MAX_NAME = 255;
    private static final int TYPE_OPT = 41;
    private static final int CLASS_IN = 1;
    /** Byte 2: QR, opcode, AA, TC must be clear; RD is echoed. */
    private static final int FLAGS_HIGH_ALLOWED = 0x01;
    /** Byte 3: RA, Z and the rcode must be clear; AD is ignored (as the chain ignores it) and CD echoed. */
    private static final int FLAGS_LOW_ALLOWED = 0x30;
    private static final int DO_BIT = 0x8000;

    /** The recognised query in {@code m}, or null when the full path must take it. */
    static FastQuery read(byte[] m, Transport transport) {
        int length = m.length;
        if (length < HEADER + 5
                || (m[2] & ~FLAGS_HIGH_ALLOWED) != 0 || (m[3] & ~FLAGS_LOW_ALLOWED) != 0
                || u16(m, 4) != 1 || u16(m, 6) != 0 || u16(m, 8) != 0) {
            return null;
        }
        int additional = u16(m, 10);
        if (additional > 1) {
            return null;
        }
        byte[] name = new byte[Math.min(MAX_NAME, length - HEADER)];
        boolean mixedCase = false;
        int hash = 1;
        int at = HEADER;
        int n = 0;
        while (true) {
            if (at >= length) {
                return null;
            }
            int label = m[at] & 0xFF;
            if (label > 63 || n + label + 1 > name.length) {
                return null; // a pointer (0xC0), a reserved label type, a name too long or cut short
            }
            name[n++] = (byte) label;
            at++;
            if (label == 0) {
                break;
            }
            if (at + label > length) {
                return null;
            }
            for (int i = 0; i < label; i++) {
                byte b = m[at++];
                if (b >= 'A' && b <= 'Z') {
                    b += 'a' - 'A';
                    mixedCase = true;
                }
                name[n++] = b;
                hash = 31 * hash + b;
            }
        }
        if (at + 4 > length || u16(m, at + 2) != CLASS_IN) {
            return null;
        }
        int qtype = u16(m, at);
        at += 4;
        int edns = AnswerKey.NO_EDNS;
        int limit = transport.defaultLimit();
        if (additional == 1) {
            // root owner, type OPT, class = payload size, TTL = extended rcode 0, version 0, flags; no options
            if (at + 11 != length || m[at] != 0 || u16(m, at + 1) != TYPE_OPT || m[at + 5] != 0 || m[at + 6] != 0
                    || (u16(m, at + 7) & ~DO_BIT) != 0 || u16(m, at + 9) != 0) {
                return null;
            }
            edns = (u16(m, at + 7) & DO_BIT) != 0 ? AnswerKey.EDNS_DO : AnswerKey.EDNS;
            if (transport == Transport.UDP) {
                limit = Math.max(ClientEdns.MIN_UDP_PAYLOAD, u16(m, at + 3));
            }
        } else if (at != length) {
            return null;
        }
        byte[] exact = n == name.length ? name : java.util.Arrays.copyOf(name, n);
        return new FastQuery(new AnswerKey(exact, qtype, edns, 31 * (31 * hash + qtype) + edns), n, mixedCase, limit);
    }

    static int u16(byte[] m, int at) {
        return ((m[at] & 0xFF) << 8) | (m[at + 1] & 0xFF);
    }
}
