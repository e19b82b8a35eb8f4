package io.clusterdns.server.plugin.cache;

/**
 * What a cache holds: the success and the denial entries. Apart from the {@link CachePlugin}
 * link that uses it so that a reload can hand the entries to the new link when the block's
 * {@code cache} line did not change, rather than starting every client over from cold.
 */
public final class CacheStore {
    private final ShardedCache success;
    private final ShardedCache denial;

    /** An empty store sized for {@code config}. */
    public CacheStore(CacheConfig config) {
        this.success = new ShardedCache(config.success().capacity());
        this.denial = new ShardedCache(config.denial().capacity());
    }

    ShardedCache success() {
        return success;
    }

    ShardedCache denial() {
        return denial;
    }

    ShardedCache of(Kind kind) {
        return kind == Kind.SUCCESS ? success : denial;
    }

    /** Entries held of {@code kind} (the {@code coredns_cache_entries} gauge). */
    public int size(Kind kind) {
        return of(kind).size();
    }

    /** The two caches, named as the {@code type} label of the metrics. */
    public enum Kind {
        SUCCESS("success"), DENIAL("denial");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }
}
