package io.clusterdns.resolver;

import java.util.Set;

/**
 * What one zone index changed against the index it replaced: the {@link Dependency parts} whose
 * reads may now give something else. Answers that read none of them are the same bytes but for
 * the SOA serial, which every index carries ({@code serial}: the snapshot's time) and which is
 * the only index-wide value an answer holds.
 *
 * @param id         the index ({@link Resolver#indexId()})
 * @param previousId the index it replaced, -1 for the first
 * @param all        everything may have changed: the first index, or more parts changed than a quarter of
 *                   the services and than 256 ({@code changed} is then empty: not worth keeping)
 * @param changed    the parts changed, when not {@code all}
 */
public record IndexChange(long id, long previousId, long serial, boolean all, Set<Dependency> changed) {
    public IndexChange {
        changed = Set.copyOf(changed);
    }
}
