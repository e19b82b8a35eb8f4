package io.clusterdns.resolver;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What one {@link Resolver#resolve(org.xbill.DNS.Name, int, Dependencies)} read: the index it
 * answered from and the parts of it ({@link Dependency}). Filled by one lookup, on one thread.
 */
public final class Dependencies {
    private final Set<Dependency> read = new LinkedHashSet<>();
    private long indexId = -1;

    void add(Dependency d) {
        read.add(d);
    }

    void indexId(long id) {
        indexId = id;
    }

    /** The index the answer came from ({@link Resolver#indexId()}), -1 when none (not synced). */
    public long indexId() {
        return indexId;
    }

    public Set<Dependency> read() {
        return read;
    }
}
