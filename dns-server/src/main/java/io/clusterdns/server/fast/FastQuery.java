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
        int nameEnd = nameEnd(m);
        if (nameEnd < 0) {
            return null;
        }
        // the name lower-cased, hashed on the way
        byte[] name = new byte[nameEnd - HEADER];
        boolean mixedCase = false;
        int hash = 1;
        for (int i = 0; i < name.length; i++) {
            byte b = m[HEADER + i];
            if (b >= 'A' && b <= 'Z') {
                // label lengths are at most 63, below every letter: only letters change
                b += 'a' - 'A';
                mixedCase = true;
            }
            name[i] = b;
            hash = 31 * hash + b;
        }
        int at = nameEnd;
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
        return new FastQuery(new AnswerKey(name, qtype, edns, 31 * (31 * hash + qtype) + edns), name.length, mixedCase, limit);
    }

    /**
     * Where the question name that starts at offset 12 ends (after its root label); -1 when it is
     * not a plain name: a compression pointer or reserved label type, longer than 255 bytes, or cut short.
     */
    private static int nameEnd(byte[] m) {
        int at = HEADER;
        while (at < m.length && at - HEADER < MAX_NAME) {
            int label = m[at] & 0xFF;
            if (label == 0) {
                return at + 1;
            }
            if (label > 63) {
                return -1;
            }
            at += label + 1;
        }
        return -1;
    }

    static int u16(byte[] m, int at) {
        return ((m[at] & 0xFF) << 8) | (m[at + 1] & 0xFF);
    }
}
