package io.clusterdns.k8s.model;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Map values that are one element, or a List of them when there are several: the snapshot's maps
 * of slices per service and pods per address or name hold most keys with one value, and a list
 * for each cost 24 bytes (a megabyte or more per 50,000 keys). An element is never a List.
 */
final class OneOrList {
    private OneOrList() {
    }

    /** The list a one-or-list value stands for; empty for null. */
    @SuppressWarnings("unchecked")
    static <T> List<T> list(Object value) {
        return value == null ? List.of() : value instanceof List<?> l ? (List<T>) l : List.of((T) value);
    }

    /** How many elements a one-or-list value stands for (0 for null), making no list. */
    static int size(Object value) {
        return value == null ? 0 : value instanceof List<?> l ? l.size() : 1;
    }

    /** The {@code i}th element a one-or-list value stands for ({@code 0 <= i < }{@link #size}), making no list. */
    @SuppressWarnings("unchecked")
    static <T> T get(Object value, int i) {
        if (value instanceof List<?> l) {
            return (T) l.get(i);
        }
        if (value == null || i != 0) {
            throw new IndexOutOfBoundsException("element " + i + " of " + size(value));
        }
        return (T) value;
    }

    /** The elements of a map of one-or-list values, {@code size} in all. */
    static <E> Collection<E> flattened(ShardedMap<?, Object> values, int size) {
        return new AbstractCollection<>() {
            @Override
            public Iterator<E> iterator() {
                Iterator<Object> each = values.values().iterator();
                return new Iterator<>() {
                    private Iterator<E> several = Collections.emptyIterator();

                    @Override
                    public boolean hasNext() {
                        return several.hasNext() || each.hasNext();
                    }

                    @Override
                    public E next() {
                        if (!several.hasNext()) {
                            several = OneOrList.<E>list(each.next()).iterator();
                        }
                        return several.next();
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** A map of one-or-list values seen as a map of lists. */
    static final class ListsView<T> extends AbstractMap<ServiceKey, List<T>> {
        private final ShardedMap<ServiceKey, Object> values;

        ListsView(ShardedMap<ServiceKey, Object> values) {
            this.values = values;
        }

        @Override
        public List<T> get(Object key) {
            Object value = values.get(key);
            return value == null ? null : list(value);
        }

        @Override
        public boolean containsKey(Object key) {
            return values.containsKey(key);
        }

        @Override
        public int size() {
            return values.size();
        }

        @Override
        public Set<Entry<ServiceKey, List<T>>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<ServiceKey, List<T>>> iterator() {
                    Iterator<Entry<ServiceKey, Object>> entries = values.entrySet().iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return entries.hasNext();
                        }

                        @Override
                        public Entry<ServiceKey, List<T>> next() {
                            Entry<ServiceKey, Object> e = entries.next();
                            return new SimpleImmutableEntry<>(e.getKey(), list(e.getValue()));
                        }
                    };
                }

                @Override
                public int size() {
                    return values.size();
                }
            };
        }
    }
}
