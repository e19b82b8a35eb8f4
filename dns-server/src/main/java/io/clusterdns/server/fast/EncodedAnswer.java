package io.clusterdns.server.fast;

import io.clusterdns.resolver.Dependency;

/**
 * The response to one {@link AnswerKey}, encoded once and kept while the parts of the index it was
 * read from stay unchanged ({@link AnswerCache}): the bytes the chain sends for the lower-cased
 * question with ID 0 and RD, CD clear, at any size; plus the cuts made for clients whose size
 * limit it exceeds; and where their SOA serials sit, patched when served. Or, for a question the
 * chain answers some other way (passes it on, refuses it, looks an ExternalName's target up,
 * shuffles it), the mark that it takes the chain, kept the same way.
 */
final class EncodedAnswer {
    private static final int[] NO_SERIALS = new int[0];
    private static final Cut[] NO_CUTS = new Cut[0];
    /** Truncated forms kept per answer; a client with yet another size limit takes the chain. */
    static final int MAX_CUTS = 4;

    private static final byte CASE_UNKNOWN = 0;
    private static final byte CASE_FREE = 1;
    private static final byte CASE_COPIED = 2;

    /** A truncated form: the response cut for clients taking at most {@code limit} bytes; {@code serials}: offsets of SOA serials. */
    record Cut(int limit, byte[] bytes, int[] serials) {
    }

    private static final byte[] NO_KEY = new byte[0];

    /*
     * A table holds tens of thousands of these (one per name and type asked), so the fields are
     * packed: 56 bytes rather than 72, with no empty cut list nor one-part list of their own.
     */

    /**
     * The question it answers, what the {@link AnswerTable} finds it by: the name and type as in
     * {@link AnswerKey#packed}, at {@code key[keyAt(), keyAt() + keyLength)}, which is the
     * response's own question (offset 12, the lower-cased name, never compressed, and the type)
     * where it has one ({@code key == whole}): then the bytes a hit compares are the ones it copies
     * next (one cache miss fewer per query), else a copy at 0. Then the EDNS form and
     * {@link AnswerKey#hash}.
     */
    private final byte[] key;
    private final short keyLength;
    private final byte edns;
    private final int hash;
    private final byte[] whole;
    private final int[] serials;
    /** At most 4095 (an extended rcode's 12 bits). */
    private final short rcode;
    /** The parts it was read from, each as its {@link #part(Dependency)}: null (none), the one, or an {@code Object[]} of them. */
    private final Object parts;
    /** The latest index this answer is known right at (made at it, or checked against the changes since). */
    private volatile long knownAt;
    private volatile Cut[] cuts = NO_CUTS;
    /**
     * Whether the response copies letters of the question literally (an SRV target ending in the
     * zone as typed) rather than pointing at the question: then a client that typed capitals
     * would need bytes of its own, and takes the chain. Found out on the first such client.
     */
    private volatile byte caseUse = CASE_UNKNOWN;
    /**
     * Asked since the {@link AnswerTable}'s eviction hand last passed (second chance). Plain: a
     * lost write costs at most an early eviction, and readers write it only when it is clear.
     */
    private boolean asked;

    /** The response {@code whole} (rcode {@code rcode}) to {@code key} made at index {@code made} from {@code dependencies}. */
    EncodedAnswer(AnswerKey key, byte[] whole, int rcode, long made, Dependency[] dependencies) {
        this(key.packed(), key.edns(), key.hash(), whole, rcode, made, dependencies);
    }

    private EncodedAnswer(byte[] packed, int edns, int hash, byte[] whole, int rcode, long made, Dependency[] dependencies) {
        int length = Math.max(0, packed.length - 1); // the name and type
        boolean inResponse = whole != null && whole.length >= FastQuery.HEADER + length
                && java.util.Arrays.equals(whole, FastQuery.HEADER, FastQuery.HEADER + length, packed, 0, length);
        this.key = inResponse ? whole : packed;
        this.keyLength = (short) length;
        this.edns = (byte) edns;
        this.hash = hash;
        this.whole = whole;
        this.serials = whole == null ? NO_SERIALS : SoaSerials.offsets(whole);
        this.rcode = (short) rcode;
        this.knownAt = made;
        this.parts = dependencies.length == 0 ? null : dependencies.length == 1 ? part(dependencies[0]) : parts(dependencies);
    }

    /**
     * A part as the answer keeps it: the {@link Dependency}'s key (a ServiceKey, a namespace's
     * String, an InetAddress), whose type tells the kind, or {@link Dependency#PODS} for the pods.
     * Not the Dependency itself, which would be an object of 24 bytes per answer (the key is the
     * service's own: see ZoneLookup), 1.2 MB with 50,000 names asked.
     */
    static Object part(Dependency d) {
        return d.key() == null ? Dependency.PODS : d.key();
    }

    private static Object[] parts(Dependency[] dependencies) {
        Object[] out = new Object[dependencies.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = part(dependencies[i]);
        }
        return out;
    }

    /** Where the question starts in {@link #key}: the response's question, or a copy of the packed key. */
    private int keyAt() {
        return key == whole ? FastQuery.HEADER : 0;
    }

    /** The mark that the chain answers {@code key}, made at index {@code made} from {@code dependencies}. */
    static EncodedAnswer chain(AnswerKey key, long made, Dependency[] dependencies) {
        return new EncodedAnswer(key, null, 0, made, dependencies);
    }

    /** {@link AnswerTable#GONE}: an answer to no question. */
    static EncodedAnswer gone() {
        return new EncodedAnswer(NO_KEY, -1, 0, null, 0, Long.MIN_VALUE, new Dependency[0]);
    }

    /** True when this answers the question packed in {@code q[0, length)} ({@link AnswerKey#packed}, as {@link FastQuery#key}). */
    boolean answers(byte[] q, int length) {
        int at = keyAt();
        return q[length - 1] == edns && java.util.Arrays.equals(key, at, at + keyLength, q, 0, length - 1);
    }

    /** True when this and {@code other} answer the same question. */
    boolean sameQuestion(EncodedAnswer other) {
        int at = keyAt();
        int otherAt = other.keyAt();
        return other.edns == edns && java.util.Arrays.equals(key, at, at + keyLength, other.key, otherAt, otherAt + other.keyLength);
    }

    /** The question, {@link AnswerKey#packed} (tests). */
    byte[] packedKey() {
        int at = keyAt();
        byte[] out = java.util.Arrays.copyOfRange(key, at, at + keyLength + 1);
        out[keyLength] = edns;
        return out;
    }

    int hash() {
        return hash;
    }

    /** Notes a hit for the eviction's second chance; writes only when not noted yet. */
    void asked() {
        if (!asked) {
            asked = true;
        }
    }

    boolean wasAsked() {
        return asked;
    }

    void clearAsked() {
        asked = false;
    }

    /** How many parts it was read from ({@link #part(int)}). */
    int partCount() {
        return parts == null ? 0 : parts instanceof Object[] all ? all.length : 1;
    }

    /** The {@code i}th part it was read from, as {@link #part(Dependency)}. */
    Object part(int i) {
        return parts instanceof Object[] all ? all[i] : parts;
    }

    long knownAt() {
        return knownAt;
    }

    void knownAt(long index) {
        if (index > knownAt) {
            knownAt = index; // a race may keep a smaller one: only a check more
        }
    }

    /** Offsets of the SOA serials in {@link #whole()}. */
    int[] serials() {
        return serials;
    }

    boolean takesChain() {
        return whole == null;
    }

    byte[] whole() {
        return whole;
    }

    int rcode() {
        return rcode;
    }

    /** The response cut to {@code limit} bytes, null when not made yet. */
    Cut cut(int limit) {
        for (Cut c : cuts) {
            if (c.limit == limit) {
                return c;
            }
        }
        return null;
    }

    /** Keeps {@code bytes} as the cut for {@code limit}; null when this answer already keeps {@link #MAX_CUTS}. */
    Cut keepCut(int limit, byte[] bytes) {
        Cut cut = new Cut(limit, bytes, SoaSerials.offsets(bytes));
        synchronized (this) {
            Cut[] now = cuts;
            if (now.length >= MAX_CUTS) {
                return null;
            }
            Cut[] next = java.util.Arrays.copyOf(now, now.length + 1);
            next[now.length] = cut;
            cuts = next;
        }
        return cut;
    }

    /** True/false once known whether the question's case shows anywhere but the question; null while unknown. */
    Boolean caseFree() {
        int use = caseUse;
        return use == CASE_UNKNOWN ? null : use == CASE_FREE;
    }

    void caseFree(boolean free) {
        caseUse = free ? CASE_FREE : CASE_COPIED;
    }

    /**
     * Bytes kept alive, roughly (the memory bound counts it): this object and its response's array
     * header, its key when apart, its parts (a part names a service by the service's own key, or,
     * for a name no service has, by one made from the question: counted between the two).
     */
    int footprint() {
        int count = partCount();
        return 72 + (key == whole ? 0 : 16 + key.length) + 40 * count + (count > 1 ? 16 + 4 * count : 0)
                + (whole == null ? 0 : whole.length);
    }
}
