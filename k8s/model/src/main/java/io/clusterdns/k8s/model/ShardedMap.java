package io.clusterdns.k8s.model;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Function;

/**
 * An immutable map split into 4096 hash shards so that a new version with a few changed keys
 * shares every untouched shard with the old one: an update costs O(changed keys × shard size)
 * plus one 16 KB array copy, instead of copying the whole map. With 250,000 endpoint addresses a
 * shard holds about 60 entries, which is what lets a 50,000-service snapshot and zone index be
 * republished for a one-service change in about 150 µs (256 shards: about 1 ms, the shard copies
 * dominating). Reads are one shard pick plus one probe of that shard's table.
 *
 * <p>A built shard is a {@link Frozen} open-addressing table rather than the HashMap it was edited
 * in: a HashMap costs a 32-byte node and a table slot per entry, about 37 bytes, and a zone
 * index at 50,000 services holds some 350,000 entries in these maps (services, slices, index
 * entries, PTR owners), 600,000 with pods; the frozen table costs about 12 bytes per entry. A
 * shard keyed by IPv4 addresses only ({@link V4Keyed}) keeps them as sorted ints, so the
 * reverse maps hold no address objects (the model's endpoints keep theirs as ints too). A map
 * whose values tell their own key ({@link #keyedByValue}) keeps no keys at all ({@link ValueKeyed}):
 * the snapshot's pods by name, 6 bytes an entry rather than 12.
 */
public final class ShardedMap<K, V> extends AbstractMap<K, V> {
    private static final int SHARDS = 4096;
    private static final ShardedMap<?, ?> EMPTY = new ShardedMap<>(emptyShards(), 0, null);

    private final Map<K, V>[] shards;
    private final int size;
    /** The key of a value, when the frozen shards keep values only; null when they keep keys. */
    private final Function<? super V, ? extends K> keyOf;

    private ShardedMap(Map<K, V>[] shards, int size, Function<? super V, ? extends K> keyOf) {
        this.shards = shards;
        this.size = size;
        this.keyOf = keyOf;
    }

    @SuppressWarnings("unchecked")
    public static <K, V> ShardedMap<K, V> empty() {
        return (ShardedMap<K, V>) EMPTY;
    }

    /**
     * An empty map whose values each tell their key ({@code keyOf}, equal to the key they are put
     * with): its frozen shards keep the values only and find a key by its value's.
     */
    @SuppressWarnings("unchecked")
    public static <K, V> ShardedMap<K, V> keyedByValue(Function<? super V, ? extends K> keyOf) {
        return new ShardedMap<>((Map<K, V>[]) EMPTY.shards, 0, java.util.Objects.requireNonNull(keyOf, "keyOf"));
    }

    public static <K, V> ShardedMap<K, V> copyOf(Map<K, V> source) {
        Editor<K, V> e = ShardedMap.<K, V>empty().edit();
        source.forEach(e::put);
        return e.build();
    }

    @SuppressWarnings("unchecked")
    private static <K, V> Map<K, V>[] emptyShards() {
        Map<K, V>[] s = new Map[SHARDS];
        Arrays.fill(s, Map.of());
        return s;
    }

    private static int shard(Object key) {
        int h = key.hashCode();
        h ^= h >>> 16;
        return (h ^ (h >>> 8)) & (SHARDS - 1);
    }

    @Override
    public V get(Object key) {
        return shards[shard(key)].get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return shards[shard(key)].containsKey(key);
    }

    @Override
    public int size() {
        return size;
    }

    /** Starts a batch of changes; unchanged shards stay shared with this map. */
    public Editor<K, V> edit() {
        return new Editor<>(this);
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<K, V>> iterator() {
                return new Iterator<>() {
                    private int shard = 0;
                    private Iterator<Entry<K, V>> current = shards[0].entrySet().iterator();

                    @Override
                    public boolean hasNext() {
                        while (!current.hasNext()) {
                            if (++shard >= SHARDS) {
                                return false;
                            }
                            current = shards[shard].entrySet().iterator();
                        }
                        return true;
                    }

                    @Override
                    public Entry<K, V> next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        return current.next();
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** Collects puts and removes, copying each touched shard once; not thread-safe, single use. */
    public static final class Editor<K, V> {
        private final Map<K, V>[] shards;
        private final boolean[] copied = new boolean[SHARDS];
        private final Function<? super V, ? extends K> keyOf;
        private int size;
        private boolean built;

        private Editor(ShardedMap<K, V> base) {
            this.shards = base.shards.clone();
            this.size = base.size;
            this.keyOf = base.keyOf;
        }

        private Map<K, V> writable(int i) {
            if (built) {
                throw new IllegalStateException("editor already built");
            }
            if (!copied[i]) {
                shards[i] = new HashMap<>(shards[i]);
                copied[i] = true;
            }
            return shards[i];
        }

        public Editor<K, V> put(K key, V value) {
            java.util.Objects.requireNonNull(key, "key");
            java.util.Objects.requireNonNull(value, "value");
            if (keyOf != null && !key.equals(keyOf.apply(value))) {
                throw new IllegalArgumentException("value " + value + " has another key than " + key);
            }
            if (writable(shard(key)).put(key, value) == null) {
                size++;
            }
            return this;
        }

        public Editor<K, V> remove(Object key) {
            int i = shard(key);
            if (shards[i].containsKey(key) && writable(i).remove(key) != null) {
                size--;
            }
            return this;
        }

        public V get(Object key) {
            return shards[shard(key)].get(key);
        }

        public ShardedMap<K, V> build() {
            built = true;
            for (int i = 0; i < SHARDS; i++) {
                if (copied[i]) {
                    shards[i] = shards[i].isEmpty() ? Map.of() : keyOf != null ? ValueKeyed.copyOf(shards[i], keyOf)
                            : Frozen.copyOf(shards[i]);
                }
            }
            return new ShardedMap<>(shards, size, keyOf);
        }
    }

    /**
     * A frozen shard in one open-addressing table of {@code slots} slots, probed linearly from a
     * slot picked by the key's hash, at most two thirds full: what {@link Frozen} and
     * {@link ValueKeyed} share (each has its own {@code get}, the look-up on the query path, on
     * its own array). Iteration order is the table's: fixed for a given content, as a HashMap's is.
     */
    abstract static class OpenTable<K, V> extends AbstractMap<K, V> {
        final int slots;
        private final int size;

        OpenTable(int slots, int size) {
            this.slots = slots;
            this.size = size;
        }

        /** The first slot to probe: the high bits of a multiplicative hash (the shard used the low ones). */
        final int slot(Object key) {
            long h = (key.hashCode() * 0x9E3779B9) & 0xffffffffL;
            return (int) ((h * slots) >>> 32);
        }

        /** The key in {@code slot}, null when the slot is empty. */
        abstract K keyAt(int slot);

        /** The value in {@code slot}, which is not empty. */
        abstract V valueAt(int slot);

        @Override
        public final boolean containsKey(Object key) {
            return get(key) != null;
        }

        @Override
        public final int size() {
            return size;
        }

        @Override
        public final Set<Entry<K, V>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<K, V>> iterator() {
                    return new Iterator<>() {
                        private int next = advance(0);

                        private int advance(int from) {
                            int i = from;
                            while (i < slots && keyAt(i) == null) {
                                i++;
                            }
                            return i;
                        }

                        @Override
                        public boolean hasNext() {
                            return next < slots;
                        }

                        @Override
                        public Entry<K, V> next() {
                            if (next >= slots) {
                                throw new NoSuchElementException();
                            }
                            Entry<K, V> e = new SimpleImmutableEntry<>(keyAt(next), valueAt(next));
                            next = advance(next + 1);
                            return e;
                        }
                    };
                }

                @Override
                public int size() {
                    return size;
                }
            };
        }
    }

    /** A frozen shard keeping keys and values in one array ({@link OpenTable}). */
    static final class Frozen<K, V> extends OpenTable<K, V> {
        /** Keys at even indexes, each key's value after it; null where no key is. */
        private final Object[] table;

        private Frozen(Object[] table, int size) {
            super(table.length / 2, size);
            this.table = table;
        }

        static <K, V> Map<K, V> copyOf(Map<K, V> source) {
            int v4 = 0;
            for (K key : source.keySet()) {
                if (key instanceof java.net.Inet4Address) {
                    v4++;
                }
            }
            if (v4 > 0) {
                return V4Keyed.copyOf(source, v4);
            }
            int n = source.size();
            int slots = n + (n >> 1) + 1;
            Frozen<K, V> f = new Frozen<>(new Object[2 * slots], n);
            for (Map.Entry<K, V> e : source.entrySet()) {
                int i = f.slot(e.getKey());
                while (f.table[2 * i] != null) {
                    i = i + 1 == slots ? 0 : i + 1;
                }
                f.table[2 * i] = e.getKey();
                f.table[2 * i + 1] = e.getValue();
            }
            return f;
        }

        @Override
        @SuppressWarnings("unchecked")
        public V get(Object key) {
            if (key == null) {
                return null;
            }
            int i = slot(key);
            while (true) {
                Object k = table[2 * i];
                if (k == null) {
                    return null;
                }
                if (k.equals(key)) {
                    return (V) table[2 * i + 1];
                }
                i = i + 1 == slots ? 0 : i + 1;
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        K keyAt(int slot) {
            return (K) table[2 * slot];
        }

        @Override
        @SuppressWarnings("unchecked")
        V valueAt(int slot) {
            return (V) table[2 * slot + 1];
        }
    }

    /**
     * A frozen shard of a {@link #keyedByValue} map: the values alone in an open-addressing table
     * (at most two thirds full), a key found by comparing it with each probed value's own key.
     */
    static final class ValueKeyed<K, V> extends OpenTable<K, V> {
        private final Object[] table;
        private final Function<? super V, ? extends K> keyOf;

        private ValueKeyed(Object[] table, Function<? super V, ? extends K> keyOf, int size) {
            super(table.length, size);
            this.table = table;
            this.keyOf = keyOf;
        }

        static <K, V> Map<K, V> copyOf(Map<K, V> source, Function<? super V, ? extends K> keyOf) {
            int n = source.size();
            ValueKeyed<K, V> f = new ValueKeyed<>(new Object[n + (n >> 1) + 1], keyOf, n);
            for (Map.Entry<K, V> e : source.entrySet()) {
                int i = f.slot(e.getKey());
                while (f.table[i] != null) {
                    i = i + 1 == f.table.length ? 0 : i + 1;
                }
                f.table[i] = e.getValue();
            }
            return f;
        }

        @Override
        @SuppressWarnings("unchecked")
        public V get(Object key) {
            if (key == null) {
                return null;
            }
            int i = slot(key);
            while (true) {
                V v = (V) table[i];
                if (v == null) {
                    return null;
                }
                if (key.equals(keyOf.apply(v))) {
                    return v;
                }
                i = i + 1 == table.length ? 0 : i + 1;
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        K keyAt(int slot) {
            Object v = table[slot];
            return v == null ? null : keyOf.apply((V) v);
        }

        @Override
        @SuppressWarnings("unchecked")
        V valueAt(int slot) {
            return (V) table[slot];
        }
    }

    /**
     * A frozen shard with IPv4 address keys: those addresses as sorted ints (8 bytes an entry with
     * the value, no key objects), found by binary search, and the other keys (IPv6 addresses of a
     * dual-stack cluster) in a {@link Frozen} table beside them; iteration makes the IPv4 keys.
     */
    static final class V4Keyed<K, V> extends AbstractMap<K, V> {
        private final int[] keys;
        private final Object[] values;
        private final Map<K, V> rest;

        private V4Keyed(int[] keys, Object[] values, Map<K, V> rest) {
            this.keys = keys;
            this.values = values;
            this.rest = rest;
        }

        /** {@code source}, of which {@code v4} keys are IPv4 addresses. */
        static <K, V> Map<K, V> copyOf(Map<K, V> source, int v4) {
            long[] sorted = new long[v4];
            Object[] byIndex = new Object[v4];
            Map<K, V> others = new java.util.HashMap<>();
            int n = 0;
            for (Map.Entry<K, V> e : source.entrySet()) {
                if (!(e.getKey() instanceof java.net.Inet4Address a)) {
                    others.put(e.getKey(), e.getValue());
                    continue;
                }
                // the key's int in the high half (signed order is fine: lookups search the same way), its entry's index below
                sorted[n] = ((long) IpAddresses.v4(a) << 32) | n;
                byIndex[n++] = e.getValue();
            }
            Arrays.sort(sorted);
            int[] keys = new int[n];
            Object[] values = new Object[n];
            for (int i = 0; i < n; i++) {
                keys[i] = (int) (sorted[i] >> 32);
                values[i] = byIndex[(int) sorted[i]];
            }
            return new V4Keyed<>(keys, values, others.isEmpty() ? Map.of() : Frozen.copyOf(others));
        }

        @Override
        @SuppressWarnings("unchecked")
        public V get(Object key) {
            if (!(key instanceof java.net.Inet4Address a)) {
                return key == null ? null : rest.get(key);
            }
            int i = Arrays.binarySearch(keys, IpAddresses.v4(a));
            return i < 0 ? null : (V) values[i];
        }

        @Override
        public boolean containsKey(Object key) {
            return get(key) != null;
        }

        @Override
        public int size() {
            return keys.length + rest.size();
        }

        @Override
        public Set<Entry<K, V>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<K, V>> iterator() {
                    return new Iterator<>() {
                        private int next;
                        private final Iterator<Entry<K, V>> others = rest.entrySet().iterator();

                        @Override
                        public boolean hasNext() {
                            return next < keys.length || others.hasNext();
                        }

                        @Override
                        @SuppressWarnings("unchecked")
                        public Entry<K, V> next() {
                            if (next >= keys.length) {
                                return others.next();
                            }
                            Entry<K, V> e = new SimpleImmutableEntry<>((K) IpAddresses.v4(keys[next]), (V) values[next]);
                            next++;
                            return e;
                        }
                    };
                }

                @Override
                public int size() {
                    return V4Keyed.this.size();
                }
            };
        }
    }
}
