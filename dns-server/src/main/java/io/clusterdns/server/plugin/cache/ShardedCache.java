package io.clusterdns.server.plugin.cache;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.StampedLock;
import org.xbill.DNS.Name;

/**
 * A bounded map of {@link Entry}s as CoreDNS's {@code plugin/pkg/cache}: 256 shards of
 * {@code capacity / 256} entries (at least 4), and a full shard makes room by evicting a random
 * entry. Expired entries are not swept: they stay until replaced or evicted (and serve stale
 * answers meanwhile), so the memory is bounded by the capacity alone.
 *
 * <p>Each shard is an open-addressing table (linear probing, backward-shift deletion) of at most
 * half load, looked up with the key's parts, so a lookup allocates nothing; it grows up to the
 * size its capacity needs. Lookups are optimistic reads of a {@link StampedLock} (no write to
 * shared memory on a hit), retried under the read lock only when a store raced them.
 */
final class ShardedCache {
    static final int SHARDS = 256;
    /** CoreDNS: a shard never holds fewer than 4 entries, so any capacity holds at least 1024. */
    static final int MIN_SHARD_CAPACITY = 4;
    /** Keeps the table sizes in int range (about a billion entries per cache). */
    static final int MAX_SHARD_CAPACITY = 1 << 22;
    private static final int INITIAL_SLOTS = 8;

    private final Shard[] shards = new Shard[SHARDS];

    ShardedCache(long capacity) {
        int perShard = shardCapacity(capacity);
        for (int i = 0; i < SHARDS; i++) {
            shards[i] = new Shard(perShard);
        }
    }

    /** Entries one shard holds for a cache of {@code capacity}. */
    static int shardCapacity(long capacity) {
        return (int) Math.max(MIN_SHARD_CAPACITY, Math.min(capacity / SHARDS, MAX_SHARD_CAPACITY));
    }

    /** The entry of that key, null when there is none (expired ones included). */
    Entry get(int hash, Name name, int qtype, int qclass, int flags) {
        return shard(hash).get(hash, name, qtype, qclass, flags);
    }

    /** Stores {@code e}, replacing the entry of its key; true when another entry was evicted to make room. */
    boolean put(Entry e) {
        return shard(e.hash).put(e);
    }

    /** Removes the entry of that key, if any. */
    void remove(int hash, Name name, int qtype, int qclass, int flags) {
        shard(hash).remove(hash, name, qtype, qclass, flags);
    }

    /** Entries held now, expired ones included (CoreDNS's {@code Len}). */
    int size() {
        int n = 0;
        for (Shard s : shards) {
            n += s.size;
        }
        return n;
    }

    private Shard shard(int hash) {
        return shards[hash >>> 24];
    }

    private static final class Shard {
        private final StampedLock lock = new StampedLock();
        private final int capacity;
        /** Length a power of two, at most half full; null is an empty slot. Written under the write lock. */
        private Entry[] slots = new Entry[INITIAL_SLOTS];
        private volatile int size;

        Shard(int capacity) {
            this.capacity = capacity;
        }

        Entry get(int hash, Name name, int qtype, int qclass, int flags) {
            long stamp = lock.tryOptimisticRead();
            if (stamp != 0L) {
                // may see a table in the middle of a change: the result is used only if no write happened
                Entry e = find(slots, hash, name, qtype, qclass, flags);
                if (lock.validate(stamp)) {
                    return e;
                }
            }
            stamp = lock.readLock();
            try {
                return find(slots, hash, name, qtype, qclass, flags);
            } finally {
                lock.unlockRead(stamp);
            }
        }

        /** Bounded by the table length, so a racing optimistic read cannot loop forever. */
        private static Entry find(Entry[] table, int hash, Name name, int qtype, int qclass, int flags) {
            int mask = table.length - 1;
            for (int i = hash & mask, n = 0; n <= mask; i = (i + 1) & mask, n++) {
                Entry e = table[i];
                if (e == null) {
                    return null;
                }
                if (e.hash == hash && e.matches(name, qtype, qclass, flags)) {
                    return e;
                }
            }
            return null;
        }

        boolean put(Entry e) {
            long stamp = lock.writeLock();
            try {
                int at = indexOf(e.hash, e.name, e.qtype, e.qclass, e.flags);
                if (at >= 0) {
                    slots[at] = e;
                    return false;
                }
                boolean evicted = false;
                if (size >= capacity) {
                    evictRandom();
                    evicted = true;
                }
                if ((size + 1) * 2 > slots.length) {
                    grow();
                }
                insert(slots, e);
                size++;
                return evicted;
            } finally {
                lock.unlockWrite(stamp);
            }
        }

        void remove(int hash, Name name, int qtype, int qclass, int flags) {
            long stamp = lock.writeLock();
            try {
                int at = indexOf(hash, name, qtype, qclass, flags);
                if (at >= 0) {
                    deleteAt(at);
                }
            } finally {
                lock.unlockWrite(stamp);
            }
        }

        private int indexOf(int hash, Name name, int qtype, int qclass, int flags) {
            Entry[] t = slots;
            int mask = t.length - 1;
            for (int i = hash & mask; t[i] != null; i = (i + 1) & mask) {
                if (t[i].hash == hash && t[i].matches(name, qtype, qclass, flags)) {
                    return i;
                }
            }
            return -1;
        }

        private static void insert(Entry[] t, Entry e) {
            int mask = t.length - 1;
            int i = e.hash & mask;
            while (t[i] != null) {
                i = (i + 1) & mask;
            }
            t[i] = e;
        }

        private void grow() {
            Entry[] bigger = new Entry[slots.length * 2];
            for (Entry e : slots) {
                if (e != null) {
                    insert(bigger, e);
                }
            }
            slots = bigger;
        }

        /** CoreDNS deletes the first key Go's randomized map iteration yields: here the first entry from a random slot on. */
        private void evictRandom() {
            Entry[] t = slots;
            int mask = t.length - 1;
            int i = ThreadLocalRandom.current().nextInt() & mask;
            while (t[i] == null) {
                i = (i + 1) & mask;
            }
            deleteAt(i);
        }

        /** Empties slot {@code hole} and moves later entries of the probe run back, so no lookup stops short. */
        private void deleteAt(int hole) {
            Entry[] t = slots;
            int mask = t.length - 1;
            int j = hole;
            while (true) {
                j = (j + 1) & mask;
                Entry e = t[j];
                if (e == null) {
                    break;
                }
                int home = e.hash & mask;
                // e may fill the hole unless its home slot lies cyclically in (hole, j]
                boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
                if (!stays) {
                    t[hole] = e;
                    hole = j;
                }
            }
            t[hole] = null;
            size--;
        }
    }
}
