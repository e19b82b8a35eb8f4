package io.clusterdns.server.fast;

/**
 * The encoded answers of one {@link AnswerCache.Generation}, by key: an open-addressing table made
 * for the fast path's look-up, in place of a {@code ConcurrentHashMap} (whose node, key record and
 * name array were three dependent cache misses per query before the answer itself at 50,000
 * services). A look-up reads the slot, the answer (its hash and EDNS form), then its key's bytes
 * (the lower-cased name and the type), compared in one {@code Arrays.equals} with the query's:
 * those are the response's own question, so the bytes the hit then copies are already at hand.
 *
 * <p><b>Concurrency</b>: readers (the event loops) take no lock; inserts and evictions take this
 * table's lock (one writer at a time; a writer has just encoded an answer, microseconds, so the
 * lock is rarely contended). A reader loads the slot array through one volatile ({@link Slots},
 * replaced whole when the table is rebuilt: copy-on-grow), then each slot with a plain read. An
 * answer's fields that a reader compares and serves are final, so an answer seen through a racy
 * slot read is complete. A writer only ever puts an answer into a slot, replaces the answer of the
 * same key, or replaces an answer by {@link #GONE} (eviction); it never empties a slot (a probe
 * ends at an empty slot). So every interleaving a reader can see gives it either an answer for its
 * very key (kept at some moment, and checked for freshness by the cache as before) or nothing, and
 * nothing only costs an encoding: the answer is made again and put back.
 *
 * <p><b>Bound and eviction</b>: the answers' {@link EncodedAnswer#footprint} plus their slots are
 * kept within the budget by evicting gradually, second-chance (CLOCK): a hit sets the answer's
 * reference mark (a plain write, only when not set: hot answers are not written per query); when an
 * insert passes the budget the hand sweeps on over the slots, clearing marks and evicting the
 * answers whose mark was clear, until the table is back under its low-water mark. So answers asked
 * since the hand last passed survive, and a flood of new names evicts the names asked once.
 * Evicted slots stay marked {@link #GONE} (a probe goes on past them; an insert reuses them) until
 * the table is rebuilt, when marked and held slots pass half the slots.
 */
final class AnswerTable {
    /** An evicted slot: probes go past it; its key (empty) matches no query. */
    static final EncodedAnswer GONE = EncodedAnswer.gone();
    /** Bytes counted per slot: a reference, a quarter to a half of the slots held. */
    static final int SLOT_BYTES = 16;
    private static final int MIN_CAPACITY = 64;

    /** The answers, slot by slot; null: never used. Replaced whole (copy-on-grow). */
    private static final class Slots {
        final EncodedAnswer[] answers;
        final int shift;

        Slots(int capacity) {
            answers = new EncodedAnswer[capacity];
            shift = 32 - Integer.numberOfTrailingZeros(capacity);
        }

        /** The first slot to probe: the top bits of the hash times the golden ratio (the hash is a plain polynomial). */
        int home(int hash) {
            return (hash * 0x9E3779B9) >>> shift;
        }
    }

    private final long budget;
    private final long lowWater;
    private volatile Slots slots = new Slots(MIN_CAPACITY);
    /** Guarded by this: answers held, slots used (held or {@link #GONE}), the clock hand, bytes counted. */
    private int held;
    private int used;
    private int hand;
    private long bytes;
    /** {@link #held} for readers that are not the writer (tests, the size). */
    private volatile int heldSeen;

    /** A table whose answers and slots stay within {@code budget} bytes (roughly: {@link EncodedAnswer#footprint}). */
    AnswerTable(long budget) {
        this.budget = budget;
        this.lowWater = budget - budget / 32;
    }

    /**
     * The answer held for the key {@code key[0, length)} ({@link AnswerKey#packed}) whose hash is
     * {@code hash} ({@link AnswerKey#hash}); null when none. Marks it asked (second chance).
     */
    EncodedAnswer get(byte[] key, int length, int hash) {
        Slots s = slots;
        EncodedAnswer[] answers = s.answers;
        int mask = answers.length - 1;
        for (int i = s.home(hash); ; i = (i + 1) & mask) {
            EncodedAnswer a = answers[i];
            if (a == null) {
                return null;
            }
            if (a.hash() == hash && a.answers(key, length)) {
                a.asked();
                return a;
            }
        }
    }

    /**
     * Keeps {@code answer} under its key ({@link EncodedAnswer#key}), in place of any answer held
     * for it; evicts answers not asked since the hand last passed while the answers take more than
     * the budget. Returns how many it evicted.
     */
    synchronized int put(EncodedAnswer answer) {
        Slots s = slots;
        if ((used + 1) * 2L > s.answers.length) {
            s = rebuild(s);
        }
        int hash = answer.hash();
        EncodedAnswer[] answers = s.answers;
        int mask = answers.length - 1;
        int free = -1;
        int i = s.home(hash);
        for (; ; i = (i + 1) & mask) {
            EncodedAnswer a = answers[i];
            if (a == null) {
                break;
            }
            if (a == GONE) {
                if (free < 0) {
                    free = i;
                }
            } else if (a.hash() == hash && a.sameQuestion(answer)) {
                answers[i] = answer;
                bytes += answer.footprint() - a.footprint();
                return evictOverBudget(s);
            }
        }
        if (free >= 0) {
            i = free;
        } else {
            used++;
        }
        answers[i] = answer;
        held++;
        heldSeen = held;
        bytes += answer.footprint() + SLOT_BYTES;
        return evictOverBudget(s);
    }

    /** Answers held (tests, benchmarks). */
    int size() {
        return heldSeen;
    }

    /** Bytes counted for the answers held and their slots (tests). */
    synchronized long bytes() {
        return bytes;
    }

    /**
     * Evicts, second chance, while the answers take more than the budget: down to the low-water
     * mark, so that an overflow costs a sweep now and then rather than one per insert.
     */
    private int evictOverBudget(Slots s) {
        if (bytes <= budget) {
            return 0;
        }
        EncodedAnswer[] answers = s.answers;
        int capacity = answers.length;
        int evicted = 0;
        // two turns clear every mark; readers setting marks meanwhile cannot keep the hand going past that
        for (long steps = 0; bytes > lowWater && held > 1; steps++) {
            int i = hand;
            hand = (i + 1) & (capacity - 1);
            EncodedAnswer a = answers[i];
            if (a == null || a == GONE) {
                continue;
            }
            if (a.wasAsked() && steps < 2L * capacity) {
                a.clearAsked();
                continue;
            }
            answers[i] = GONE;
            held--;
            bytes -= a.footprint() + SLOT_BYTES;
            evicted++;
        }
        heldSeen = held;
        return evicted;
    }

    /**
     * The answers moved to new slots, evicted ones left out: twice as many when more than a
     * quarter of the slots would be held, else as many or fewer. Published whole; readers still
     * on the old slots find what they held then. The hand keeps its place: an answer's home slot
     * is the top bits of its spread hash at every size, so the answers it had passed (whose marks
     * it cleared) stay behind it, and none gets passed twice without a chance to be asked.
     */
    private Slots rebuild(Slots old) {
        int capacity = MIN_CAPACITY;
        while (capacity < 4L * (held + 1)) {
            capacity <<= 1;
        }
        Slots s = new Slots(capacity);
        int mask = capacity - 1;
        for (EncodedAnswer a : old.answers) {
            if (a != null && a != GONE) {
                int i = s.home(a.hash());
                while (s.answers[i] != null) {
                    i = (i + 1) & mask;
                }
                s.answers[i] = a;
            }
        }
        used = held;
        hand = (int) ((long) hand * capacity / old.answers.length);
        slots = s;
        return s;
    }
}
