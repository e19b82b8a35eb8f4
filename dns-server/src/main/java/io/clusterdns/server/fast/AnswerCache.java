package io.clusterdns.server.fast;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The encoded answers of one block, for one resolver index at a time ({@code Resolver#indexId}:
 * one per snapshot applied; not the snapshot version, which a persisted snapshot and the live
 * source's first can share): a new index starts an empty generation (whole-cache invalidation;
 * every negative answer carries the SOA serial, which is the snapshot's time and changes with
 * every snapshot anyway). Bounded by a byte budget: when
 * a generation grows past it, it starts over, which a flood of random names needs and which costs
 * the names asked again one encoding each.
 */
final class AnswerCache {
    /** Enough for every answer of a 5,000-service zone several times over. */
    static final long DEFAULT_BUDGET = 32L << 20;

    /** The answers of one resolver index (by its id). */
    static final class Generation {
        final long index;
        final ConcurrentHashMap<AnswerKey, EncodedAnswer> answers = new ConcurrentHashMap<>();
        final AtomicLong bytes = new AtomicLong();

        Generation(long index) {
            this.index = index;
        }
    }

    private final long budget;
    private volatile Generation current = new Generation(-1);

    AnswerCache(long budget) {
        this.budget = budget;
    }

    /** The generation of {@code index}, started when it is newer; null when an older index is asked for (a late reader). */
    Generation at(long index) {
        Generation g = current;
        if (g.index == index) {
            return g;
        }
        if (g.index > index) {
            return null;
        }
        Generation next = new Generation(index);
        current = next; // two readers may both start one: one wins, the other's answers are made again
        return next;
    }

    void put(Generation g, AnswerKey key, EncodedAnswer answer) {
        long size = key.footprint() + answer.footprint();
        if (g.bytes.addAndGet(size) > budget) {
            g.answers.clear();
            g.bytes.set(size);
        }
        g.answers.put(key, answer);
    }

    /** Answers held by the current generation (tests, benchmarks). */
    int size() {
        return current.answers.size();
    }

    long index() {
        return current.index;
    }
}
