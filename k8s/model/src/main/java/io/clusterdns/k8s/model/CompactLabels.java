package io.clusterdns.k8s.model;

import java.util.AbstractCollection;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable label map of two or more entries as one array of keys and values, sorted by key: a
 * Pod's labels are one of these per ReplicaSet ({@link SharedValues#labels}), and {@code Map.of}'s
 * form of two labels cost 80 bytes (the map and a table twice the entries' size), this 48 (not an
 * AbstractMap, whose two cached views would take 8 more). A map as any other: equal to, hashing and
 * printed as any map of the same entries; iterated in key order; its views made on each call.
 */
final class CompactLabels implements Map<String, String> {
    /** Keys at even indexes in ascending order, each key's value after it. */
    private final String[] entries;

    private CompactLabels(String[] entries) {
        this.entries = entries;
    }

    /** {@code labels} as an immutable map; null keys and values are refused as {@code Map.copyOf} does. */
    static Map<String, String> copyOf(Map<String, String> labels) {
        if (labels.size() < 2) {
            return Map.copyOf(labels); // Map.of's one-entry form has no table: smaller than this
        }
        if (labels instanceof CompactLabels c) {
            return c;
        }
        String[] keys = new String[labels.size()];
        int n = 0;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            keys[n++] = Objects.requireNonNull(e.getKey(), "label key");
        }
        Arrays.sort(keys);
        String[] entries = new String[2 * n];
        for (int i = 0; i < n; i++) {
            entries[2 * i] = keys[i];
            entries[2 * i + 1] = Objects.requireNonNull(labels.get(keys[i]), "label value");
        }
        return new CompactLabels(entries);
    }

    private int indexOf(Object key) {
        if (!(key instanceof String k)) {
            return -1;
        }
        int lo = 0;
        int hi = entries.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = entries[2 * mid].compareTo(k);
            if (c == 0) {
                return mid;
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return -1;
    }

    @Override
    public String get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : entries[2 * i + 1];
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public boolean containsValue(Object value) {
        for (int i = 1; i < entries.length; i += 2) {
            if (entries[i].equals(value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int size() {
        return entries.length / 2;
    }

    @Override
    public boolean isEmpty() {
        return false;
    }

    @Override
    public String put(String key, String value) {
        throw new UnsupportedOperationException("immutable");
    }

    @Override
    public String remove(Object key) {
        throw new UnsupportedOperationException("immutable");
    }

    @Override
    public void putAll(Map<? extends String, ? extends String> m) {
        throw new UnsupportedOperationException("immutable");
    }

    @Override
    public void clear() {
        throw new UnsupportedOperationException("immutable");
    }

    @Override
    public Set<String> keySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<String> iterator() {
                return new Every(0);
            }

            @Override
            public boolean contains(Object o) {
                return containsKey(o);
            }

            @Override
            public int size() {
                return entries.length / 2;
            }
        };
    }

    @Override
    public Collection<String> values() {
        return new AbstractCollection<>() {
            @Override
            public Iterator<String> iterator() {
                return new Every(1);
            }

            @Override
            public int size() {
                return entries.length / 2;
            }
        };
    }

    /** The keys (from 0) or the values (from 1), in key order. */
    private final class Every implements Iterator<String> {
        private int next;

        Every(int first) {
            this.next = first;
        }

        @Override
        public boolean hasNext() {
            return next < entries.length;
        }

        @Override
        public String next() {
            if (next >= entries.length) {
                throw new NoSuchElementException();
            }
            String s = entries[next];
            next += 2;
            return s;
        }
    }

    /** As every map's: the same entries. */
    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof Map<?, ?> m) || m.size() != size()) {
            return false;
        }
        for (int i = 0; i < entries.length; i += 2) {
            if (!entries[i + 1].equals(m.get(entries[i]))) {
                return false;
            }
        }
        return true;
    }

    /** As every map's: the sum of its entries' key hash XOR value hash, without making the entries. */
    @Override
    public int hashCode() {
        int h = 0;
        for (int i = 0; i < entries.length; i += 2) {
            h += entries[i].hashCode() ^ entries[i + 1].hashCode();
        }
        return h;
    }

    /** As every map's: {@code {key=value, ...}}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < entries.length; i += 2) {
            b.append(i == 0 ? "" : ", ").append(entries[i]).append('=').append(entries[i + 1]);
        }
        return b.append('}').toString();
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < entries.length;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (next >= entries.length) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, String> e = new SimpleImmutableEntry<>(entries[next], entries[next + 1]);
                        next += 2;
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return entries.length / 2;
            }
        };
    }
}
