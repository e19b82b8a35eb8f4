package io.clusterdns.k8s.informer;

import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;

/**
 * A namespace's objects of one kind by name, for {@link ClusterState}: the values alone in an
 * open-addressing table, each telling its own name, so that an object costs a table slot (about
 * 6 bytes) rather than a HashMap node and slot (about 37; 5 MB at 135,000 pods). Mutable, not
 * thread-safe. Removal shifts the following entries of the probe run back, so no tombstones.
 */
final class NamedValues<V> extends AbstractCollection<V> {
    private final Function<? super V, String> nameOf;
    private Object[] table = new Object[4];
    private int size;

    NamedValues(Function<? super V, String> nameOf) {
        this.nameOf = nameOf;
    }

    private int slot(Object name, int length) {
        int h = name.hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & (length - 1);
    }

    /** The index of {@code name}'s value, or of the empty slot where it would go. */
    @SuppressWarnings("unchecked")
    private int find(String name) {
        int i = slot(name, table.length);
        while (table[i] != null && !nameOf.apply((V) table[i]).equals(name)) {
            i = (i + 1) & (table.length - 1);
        }
        return i;
    }

    @SuppressWarnings("unchecked")
    V get(String name) {
        return (V) table[find(name)];
    }

    /** Sets {@code name}'s value (which must be named so) and returns the previous one, null when none. */
    @SuppressWarnings("unchecked")
    V put(String name, V value) {
        if (!name.equals(nameOf.apply(Objects.requireNonNull(value, "value")))) {
            throw new IllegalArgumentException("object " + nameOf.apply(value) + " put as " + name);
        }
        int i = find(name);
        V old = (V) table[i];
        table[i] = value;
        if (old == null && ++size * 3 > table.length * 2) {
            resize(table.length * 2);
        }
        return old;
    }

    /** Removes {@code name}'s value and returns it, null when none. */
    @SuppressWarnings("unchecked")
    V remove(String name) {
        int i = find(name);
        V old = (V) table[i];
        if (old == null) {
            return null;
        }
        table[i] = null;
        size--;
        // the entries after the hole that probed past it move back into it
        int mask = table.length - 1;
        for (int j = (i + 1) & mask; table[j] != null; j = (j + 1) & mask) {
            int home = slot(nameOf.apply((V) table[j]), table.length);
            if (((j - home) & mask) >= ((j - i) & mask)) {
                table[i] = table[j];
                table[j] = null;
                i = j;
            }
        }
        if (table.length > 4 && size * 6 < table.length) {
            resize(table.length / 2);
        }
        return old;
    }

    @SuppressWarnings("unchecked")
    private void resize(int length) {
        Object[] old = table;
        table = new Object[length];
        for (Object v : old) {
            if (v != null) {
                int i = slot(nameOf.apply((V) v), length);
                while (table[i] != null) {
                    i = (i + 1) & (length - 1);
                }
                table[i] = v;
            }
        }
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Iterator<V> iterator() {
        return new Iterator<>() {
            private final Object[] at = table;
            private int next = advance(0);

            private int advance(int from) {
                int i = from;
                while (i < at.length && at[i] == null) {
                    i++;
                }
                return i;
            }

            @Override
            public boolean hasNext() {
                return next < at.length;
            }

            @Override
            @SuppressWarnings("unchecked")
            public V next() {
                if (next >= at.length) {
                    throw new NoSuchElementException();
                }
                V v = (V) at[next];
                next = advance(next + 1);
                return v;
            }
        };
    }
}
