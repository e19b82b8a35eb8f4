package io.clusterdns.server.fast;

import io.clusterdns.server.listen.ResponsePatch;
import io.clusterdns.server.wire.ClientEdns;
import io.clusterdns.server.wire.Transport;
import java.util.Arrays;

/**
 * A query the fast path recognises byte for byte, read without dnsjava: a plain QUERY (flags RD,
 * AD, CD at most) with one question of class IN, a name without compression pointers, and either
 * nothing else or exactly one OPT record of version 0 with no options and no flag but DO. Anything
 * else ({@link #read} returns false) takes the wire stage and the chain, which know every rule.
 *
 * <p>Mutable and reused: each thread that serves queries keeps one ({@link #current}), so reading
 * a query and looking its answer up allocate nothing; the {@link AnswerKey} (a copy of the name)
 * is made only when an answer is encoded and kept. It is also the probe of the answers'
 * {@link AnswerTable}: its name buffer holds the question as the table packs keys (lower-cased
 * name, type, EDNS form: {@link #key}, {@link #keyLength}) and its hash is the key's, computed while
 * the name is read. And, once answered, it is the response ({@link ResponsePatch}): the kept bytes
 * and this client's part, which the UDP socket writes straight into its send buffer.
 */
final class FastQuery implements ResponsePatch {
    static final int HEADER = 12;
    private static final int MAX_NAME = 255;
    private static final int TYPE_OPT = 41;
    private static final int CLASS_IN = 1;
    /** Byte 2: QR, opcode, AA, TC must be clear; RD is echoed. */
    private static final int FLAGS_HIGH_ALLOWED = 0x01;
    /** Byte 3: RA, Z and the rcode must be clear; AD is ignored (as the chain ignores it) and CD echoed. */
    private static final int FLAGS_LOW_ALLOWED = 0x30;
    private static final int DO_BIT = 0x8000;
    private static final ThreadLocal<FastQuery> CURRENT = ThreadLocal.withInitial(FastQuery::new);

    /** The question name lower-cased, wire form: {@code name[0, nameLength)}; then the type and EDNS form ({@link AnswerKey#packed}). */
    private final byte[] name = new byte[AnswerKey.packedLength(MAX_NAME)];
    private int nameLength;
    private int qtype;
    private int edns;
    private int hash;
    private boolean mixedCase;
    private int limit;
    /** Set by {@link FastBlock#answer}: how the answer was found, for the metrics. */
    FastBlock.Found found;
    /** Set by {@link FastBlock#answer}: answers evicted to keep this query's, for the metrics. */
    int evicted;
    /** Set by {@link #answer}: the response's kept bytes, where its SOA serials go and which, its rcode, the query's bytes. */
    private byte[] template;
    private int[] serials;
    private long serial;
    private int rcode;
    private byte[] wire;

    private FastQuery() {
    }

    /** This thread's query object: valid until the thread reads the next query. */
    static FastQuery current() {
        return CURRENT.get();
    }

    /** A query object of its own (tests). */
    static FastQuery create() {
        return new FastQuery();
    }

    /** Reads {@code m}; false when the full path must take it (this object then holds nothing useful). */
    boolean read(byte[] m, Transport transport) {
        int length = m.length;
        if (length < HEADER + 5
                || (m[2] & ~FLAGS_HIGH_ALLOWED) != 0 || (m[3] & ~FLAGS_LOW_ALLOWED) != 0
                || u16(m, 4) != 1 || u16(m, 6) != 0 || u16(m, 8) != 0) {
            return false;
        }
        int additional = u16(m, 10);
        if (additional > 1) {
            return false;
        }
        int nameEnd = nameEnd(m);
        if (nameEnd < 0) {
            return false;
        }
        // the name lower-cased, hashed on the way
        int n = nameEnd - HEADER;
        boolean upper = false;
        int h = 1;
        for (int i = 0; i < n; i++) {
            byte b = m[HEADER + i];
            if (b >= 'A' && b <= 'Z') {
                // label lengths are at most 63, below every letter: only letters change
                b += 'a' - 'A';
                upper = true;
            }
            name[i] = b;
            h = 31 * h + b;
        }
        int at = nameEnd;
        if (at + 4 > length || u16(m, at + 2) != CLASS_IN) {
            return false;
        }
        int type = u16(m, at);
        at += 4;
        int opt = AnswerKey.NO_EDNS;
        int max = transport.defaultLimit();
        if (additional == 1) {
            // root owner, type OPT, class = payload size, TTL = extended rcode 0, version 0, flags; no options
            if (at + 11 != length || m[at] != 0 || u16(m, at + 1) != TYPE_OPT || m[at + 5] != 0 || m[at + 6] != 0
                    || (u16(m, at + 7) & ~DO_BIT) != 0 || u16(m, at + 9) != 0) {
                return false;
            }
            opt = (u16(m, at + 7) & DO_BIT) != 0 ? AnswerKey.EDNS_DO : AnswerKey.EDNS;
            if (transport == Transport.UDP) {
                max = Math.max(ClientEdns.MIN_UDP_PAYLOAD, u16(m, at + 3));
            }
        } else if (at != length) {
            return false;
        }
        AnswerKey.pack(name, n, type, opt);
        nameLength = n;
        qtype = type;
        edns = opt;
        hash = AnswerKey.hash(h, type, opt);
        mixedCase = upper;
        limit = max;
        found = null;
        evicted = 0;
        template = null;
        wire = null;
        return true;
    }

    /** The response: {@code template} with the SOA serial {@code serial} at {@code serials} and this client's ID, flags and case from {@code wire}. */
    void answer(byte[] template, int[] serials, long serial, int rcode, byte[] wire) {
        this.template = template;
        this.serials = serials;
        this.serial = serial;
        this.rcode = rcode;
        this.wire = wire;
    }

    @Override
    public byte[] template() {
        return template;
    }

    @Override
    public void apply(io.netty.buffer.ByteBuf out, int start) {
        FastBlock.patch(out, start, template, wire, nameLength, serials, serial);
    }

    int rcode() {
        return rcode;
    }

    /** The question as answers are made: a copy of the name (made when an answer is encoded). */
    AnswerKey answerKey() {
        return new AnswerKey(Arrays.copyOf(name, nameLength), qtype, edns, hash);
    }

    /** The question packed as the {@link AnswerTable} keeps keys: {@code [0, keyLength())} of it. */
    byte[] key() {
        return name;
    }

    int keyLength() {
        return AnswerKey.packedLength(nameLength);
    }

    /** {@link AnswerKey#hash} of the question. */
    int hash() {
        return hash;
    }

    /** The lower-cased name's bytes: {@code [0, nameLength())} of it are the name. */
    byte[] nameBytes() {
        return name;
    }

    /** The question name's length on the wire (it starts at offset 12). */
    int nameLength() {
        return nameLength;
    }

    int qtype() {
        return qtype;
    }

    int edns() {
        return edns;
    }

    /** The name as typed has upper-case ASCII letters. */
    boolean mixedCase() {
        return mixedCase;
    }

    /** The largest response this client takes over its transport. */
    int limit() {
        return limit;
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
