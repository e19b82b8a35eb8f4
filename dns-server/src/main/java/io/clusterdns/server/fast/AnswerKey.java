package io.clusterdns.server.fast;

import java.util.Arrays;

/**
 * What an encoded answer depends on: the question name lower-cased (its wire form), the type, and
 * whether the query had EDNS and the DO bit (the response's OPT record). The case the client typed,
 * its ID and flags, and its size limit are patched in when the answer is served.
 *
 * @param name wire form of the name, ASCII letters lower-cased, ending with the root label
 * @param edns {@link #NO_EDNS}, {@link #EDNS} or {@link #EDNS_DO}
 */
record AnswerKey(byte[] name, int qtype, int edns, int hash) {
    static final int NO_EDNS = 0;
    static final int EDNS = 1;
    static final int EDNS_DO = 2;

    /** The key's hash from the hash of its name's bytes ({@code 31 * h + b} from 1, as {@link java.util.Arrays#hashCode(byte[])}). */
    static int hash(int nameHash, int qtype, int edns) {
        return 31 * (31 * nameHash + qtype) + edns;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnswerKey k && k.hash == hash && k.qtype == qtype && k.edns == edns && Arrays.equals(k.name, name);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Arrays.toString(name) + " " + qtype + " edns=" + edns;
    }

    /** Bytes of {@link #packed}: the name, the type, the EDNS form. */
    static int packedLength(int nameLength) {
        return nameLength + 3;
    }

    /**
     * The key as the {@link AnswerTable} compares it, in one array: the name, the type (two bytes,
     * network order), the EDNS form (one byte); as {@link FastQuery} lays out the query's.
     */
    byte[] packed() {
        byte[] out = Arrays.copyOf(name, packedLength(name.length));
        pack(out, name.length, qtype, edns);
        return out;
    }

    /** Writes the type and EDNS form after the name, which ends at {@code nameLength}. */
    static void pack(byte[] key, int nameLength, int qtype, int edns) {
        key[nameLength] = (byte) (qtype >>> 8);
        key[nameLength + 1] = (byte) qtype;
        key[nameLength + 2] = (byte) edns;
    }
}
