package io.clusterdns.k8s.model;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * A set of weakly held immutable values that hands out the first instance of each equal value
 * ({@link SharedValues}). A {@code WeakHashMap} from a value to a weak reference of itself cost
 * about 77 bytes per value (its entry, the second reference, the table slot), 3.5 MB for the label
 * maps of 135,000 pods; here a value costs one 32-byte reference (the weak reference and the
 * value's hash) and a slot of an open-addressing table. A value that nothing else holds any more
 * is collected and its reference dropped on the next call; dropping shifts the following
 * references of its probe run back, so the table has no tombstones.
 */
final class WeakInterner {
    private final ReferenceQueue<Object> cleared = new ReferenceQueue<>();
    /**
     * At most three quarters full (a third more slots than values on average, as the chained table
     * this replaces had); a cleared reference keeps its slot until the queue hands it over.
     */
    private Ref[] table = new Ref[64];
    private int size;

    /** A weak reference with the value's hash. */
    private static final class Ref extends WeakReference<Object> {
        final int hash;

        Ref(Object value, int hash, ReferenceQueue<Object> queue) {
            super(value, queue);
            this.hash = hash;
        }
    }

    /** The instance equal to {@code value} handed out before and still in use, else {@code value}, from now on handed out. */
    @SuppressWarnings("unchecked")
    synchronized <T> T intern(T value) {
        dropCleared();
        int hash = value.hashCode();
        int mask = table.length - 1;
        int i = home(hash, mask);
        for (Ref r; (r = table[i]) != null; i = (i + 1) & mask) {
            Object present = r.hash == hash ? r.get() : null;
            if (present != null && present.equals(value)) {
                return (T) present;
            }
        }
        table[i] = new Ref(value, hash, cleared);
        if (++size * 4 > table.length * 3) {
            resize();
        }
        return value;
    }

    synchronized int size() {
        dropCleared();
        return size;
    }

    private void dropCleared() {
        for (Object gone; (gone = cleared.poll()) != null; ) {
            Ref ref = (Ref) gone;
            int mask = table.length - 1;
            int i = home(ref.hash, mask);
            while (table[i] != null && table[i] != ref) {
                i = (i + 1) & mask;
            }
            if (table[i] == null) {
                continue; // not in the table (cannot happen: every reference made is in it until dropped here)
            }
            table[i] = null;
            size--;
            // the references after the hole that probed past it move back into it
            for (int j = (i + 1) & mask; table[j] != null; j = (j + 1) & mask) {
                if (((j - home(table[j].hash, mask)) & mask) >= ((j - i) & mask)) {
                    table[i] = table[j];
                    table[j] = null;
                    i = j;
                }
            }
        }
    }

    /** The high bits folded in: a label map's hash is a sum of its entries' and a list's a polynomial, both weak in the low bits. */
    private static int home(int hash, int mask) {
        int h = hash * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    private void resize() {
        Ref[] old = table;
        table = new Ref[old.length * 2];
        int mask = table.length - 1;
        for (Ref r : old) {
            if (r != null) {
                int i = home(r.hash, mask);
                while (table[i] != null) {
                    i = (i + 1) & mask;
                }
                table[i] = r;
            }
        }
    }
}
