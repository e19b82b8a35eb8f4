package io.clusterdns.server.fast;

/**
 * The response to one {@link AnswerKey}, encoded once per snapshot: the bytes the chain sends for
 * the lower-cased question with ID 0 and RD, CD clear, at any size; plus the cuts made for clients
 * whose size limit it exceeds. Or, for a question the chain answers some other way (passes it on,
 * refuses it, looks an ExternalName's target up, shuffles it), the mark that it takes the chain.
 */
final class EncodedAnswer {
    /** Questions the fast path leaves to the chain. */
    static final EncodedAnswer CHAIN = new EncodedAnswer(null, 0);
    /** Truncated forms kept per answer; a client with yet another size limit takes the chain. */
    static final int MAX_CUTS = 4;

    private static final int CASE_UNKNOWN = 0;
    private static final int CASE_FREE = 1;
    private static final int CASE_COPIED = 2;

    /** A truncated form: the response cut for clients taking at most {@code limit} bytes. */
    record Cut(int limit, byte[] bytes) {
    }

    private final byte[] whole;
    private final int rcode;
    private volatile Cut[] cuts = new Cut[0];
    /**
     * Whether the response copies letters of the question literally (an SRV target ending in the
     * zone as typed) rather than pointing at the question: then a client that typed capitals
     * would need bytes of its own, and takes the chain. Found out on the first such client.
     */
    private volatile int caseUse = CASE_UNKNOWN;

    EncodedAnswer(byte[] whole, int rcode) {
        this.whole = whole;
        this.rcode = rcode;
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
    byte[] cut(int limit) {
        for (Cut c : cuts) {
            if (c.limit == limit) {
                return c.bytes;
            }
        }
        return null;
    }

    /** Keeps {@code bytes} as the cut for {@code limit}; false when this answer already keeps {@link #MAX_CUTS}. */
    synchronized boolean keepCut(int limit, byte[] bytes) {
        Cut[] now = cuts;
        if (now.length >= MAX_CUTS) {
            return false;
        }
        Cut[] next = java.util.Arrays.copyOf(now, now.length + 1);
        next[now.length] = new Cut(limit, bytes);
        cuts = next;
        return true;
    }

    /** True/false once known whether the question's case shows anywhere but the question; null while unknown. */
    Boolean caseFree() {
        int use = caseUse;
        return use == CASE_UNKNOWN ? null : use == CASE_FREE;
    }

    void caseFree(boolean free) {
        caseUse = free ? CASE_FREE : CASE_COPIED;
    }

    /** Bytes kept alive, roughly (the memory bound counts it). */
    int footprint() {
        return 64 + (whole == null ? 0 : whole.length);
    }
}
