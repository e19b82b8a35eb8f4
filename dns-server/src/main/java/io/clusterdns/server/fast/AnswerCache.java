package io.clusterdns.server.fast;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The encoded answers of one block, for one snapshot version at a time: a new version starts an
 * empty generation (whole-cache invalidation; every negative answer carries the SOA serial, which
 * is the snapshot's time and changes with every version anyway). Bounded by a byte budget: when
 * a generation grows past it, it starts over, which a flood of random names needs and which costs
 * the names asked again one encoding each.
 */
final class AnswerCache {
    /** Enough for every answer of a 5,000-service zone several times over. */
    static final long DEFAULT_BUDGET = 32L << 20;

    /** The answers of one snapshot version. */
    static final class Generation {
        final long version;
        final ConcurrentHashMap<AnswerKey, EncodedAnswer> answers = new ConcurrentHashMap<>();
        final AtomicLong bytes = new AtomicLong();

        Generation(long version) {
            this.version = version;
        }
    }

    private final long budget;
    private volatile Generation current = new Generation(-1);

    AnswerCache(long budget) {
        this.budget = budget;
    }

    /** The generation of {@code version}, started when it is newer; null when an older version is asked for (a late reader). */
    Generation at(long version) {
        Generation g = current;
        if (g.version == version) {
            return g;
        }
        if (g.version > version) {
            return null;
        }
        Generation next = new Generation(version);
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

    long version() {
        return current.version;
    }
}
