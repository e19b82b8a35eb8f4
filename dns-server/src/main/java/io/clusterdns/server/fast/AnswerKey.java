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

    /** Bytes this key keeps alive with its map entry, roughly (the memory bound counts it): the name, two objects, the map's node. */
    int footprint() {
        return name.length + 96;
    }
}
