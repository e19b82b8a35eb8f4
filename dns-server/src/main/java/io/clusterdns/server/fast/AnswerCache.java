package io.clusterdns.server.fast;

import io.clusterdns.resolver.Dependency;
import io.clusterdns.resolver.IndexChange;
import io.clusterdns.resolver.Resolver;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The encoded answers of one block, following the resolver's indexes ({@code Resolver#indexId}:
 * one per snapshot applied; not the snapshot version, which a persisted snapshot and the live
 * source's first can share). Each answer notes the parts of the index it was read from
 * ({@link Dependency}); when the resolver moves on, the cache notes, per part the new indexes
 * changed ({@link IndexChange}), the last index that changed it, and an answer is served only
 * while none of its parts changed after the index it was last known right at. So a snapshot
 * drops the answers of the services, addresses and namespaces it changed, negative answers
 * included, and keeps the rest; the SOA serial, the one index-wide value in answers, is patched
 * in when they are served. Everything starts over (a new {@link Generation}) when the changes
 * since the cache's index are not known (the resolver keeps 16), one of them changed everything,
 * or the parts noted reach their bound.
 *
 * <p>No lock on the query path: answers are an {@link AnswerTable} (readers lock-free, inserts
 * one at a time), parts a concurrent map; the state (index, serial, generation) is replaced whole
 * through a volatile; the first query to see a new index notes its changes (a CAS elects it;
 * queries meanwhile take the chain) before publishing the state, so a query that reads the state
 * finds every change up to its index. A change noted for a later index while a query checks an
 * answer only makes the answer look stale: it is made again.
 *
 * <p>Bounded by a byte budget: past it the table evicts the answers not asked lately, a few at a
 * time (second chance), so a flood of random names costs the names asked once, and the answers
 * asked all the time stay.
 */
final class AnswerCache {
    /**
     * An eighth of the heap the JVM may grow to, within 16 to 256 MiB: {@link #defaultBudget}. An
     * answer with its key takes about 300 to 500 bytes; a 5,000-service zone asked the names of
     * the hit and NXDOMAIN mixes of {@code bench/vs-knot.sh} (25,678 and 66,111 distinct
     * questions: search paths make many names per service) holds about 40 MiB. The fixed 32 MiB
     * before was less than that: the answers started over every few seconds under those mixes and
     * most queries were encoded again (clusterdns_fastpath_misses_total as high as the hits).
     */
    static final long DEFAULT_BUDGET = defaultBudget(Runtime.getRuntime().maxMemory());
    static final long MIN_BUDGET = 16L << 20;
    static final long MAX_BUDGET = 256L << 20;
    /** Bytes of budget per part noted: at most about a tenth of it goes to them. */
    static final int BUDGET_PER_PART = 1024;

    /** Answers kept together since index {@code start}, and the last index after it that changed each part. */
    static final class Generation {
        final long start;
        final AnswerTable answers;
        /** By {@link EncodedAnswer#part}: a part's key, not its {@link Dependency} (see there). */
        final ConcurrentHashMap<Object, Long> changedAt = new ConcurrentHashMap<>();

        Generation(long start, long budget) {
            this.start = start;
            this.answers = new AnswerTable(budget);
        }
    }

    /** The index the answers follow, its SOA serial, and the generation holding them. */
    record State(long index, long serial, Generation generation) {
    }

    private final long budget;
    private final int maxParts;
    private final AtomicBoolean advancing = new AtomicBoolean();
    private volatile State state;
    final LongAdder hits = new LongAdder();
    final LongAdder encoded = new LongAdder();
    final LongAdder stale = new LongAdder();
    final LongAdder indexesFollowed = new LongAdder();
    final LongAdder startedOver = new LongAdder();
    final LongAdder evicted = new LongAdder();

    /** The budget for a JVM whose heap may grow to {@code maxHeap} bytes. */
    static long defaultBudget(long maxHeap) {
        return Math.max(MIN_BUDGET, Math.min(MAX_BUDGET, maxHeap / 8));
    }

    AnswerCache(long budget) {
        this.budget = budget;
        this.maxParts = (int) Math.max(16, Math.min(Integer.MAX_VALUE, budget / BUDGET_PER_PART));
        this.state = new State(-1, 0, new Generation(-1, budget));
    }

    /**
     * The state for the resolver's index {@code now}, brought to it when it is newer; null when the
     * query must take the chain: an older index (a late reader), or another query is bringing it.
     */
    State at(IndexChange now, Resolver resolver) {
        State s = state;
        if (s.index == now.id()) {
            return s;
        }
        if (s.index > now.id() || !advancing.compareAndSet(false, true)) {
            return null;
        }
        try {
            s = state;
            if (s.index >= now.id()) {
                return s.index == now.id() ? s : null;
            }
            State next = follow(s, now, resolver);
            state = next;
            return next.index == now.id() ? next : null;
        } finally {
            advancing.set(false);
        }
    }

    /** {@code s} brought to the resolver's current index: the parts changed noted, or a new generation. */
    private State follow(State s, IndexChange now, Resolver resolver) {
        List<IndexChange> changes = s.index < 0 ? null : resolver.changesSince(s.index);
        if (changes != null) {
            Generation g = s.generation;
            int parts = g.changedAt.size();
            for (IndexChange c : changes) {
                parts += c.changed().size();
            }
            if (parts <= maxParts) {
                for (IndexChange c : changes) {
                    for (Dependency d : c.changed()) {
                        g.changedAt.put(EncodedAnswer.part(d), c.id());
                    }
                }
                IndexChange last = changes.get(changes.size() - 1);
                indexesFollowed.add(changes.size());
                return new State(last.id(), last.serial(), g);
            }
        }
        startedOver.increment();
        return new State(now.id(), now.serial(), new Generation(now.id(), budget));
    }

    /**
     * True when {@code answer} (held by {@code s}'s generation) is still the resolver's answer at
     * {@code s}'s index, its serial aside: none of its parts changed after the index it was last
     * known right at.
     */
    boolean fresh(EncodedAnswer answer, State s) {
        long known = answer.knownAt();
        if (known == s.index) {
            return true;
        }
        ConcurrentHashMap<Object, Long> changedAt = s.generation.changedAt;
        for (int i = 0, n = answer.partCount(); i < n; i++) {
            Long at = changedAt.get(answer.part(i));
            if (at != null && at > known) {
                return false;
            }
        }
        answer.knownAt(s.index);
        return true;
    }

    /** Keeps {@code answer} in {@code g}; returns how many answers it evicted to stay within the budget. */
    int put(Generation g, EncodedAnswer answer) {
        int out = g.answers.put(answer);
        if (out > 0) {
            evicted.add(out);
        }
        return out;
    }

    /** Answers held by the current generation (tests, benchmarks). */
    int size() {
        return state.generation.answers.size();
    }

    long index() {
        return state.index;
    }
}
