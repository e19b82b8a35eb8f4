package io.clusterdns.k8s.model;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/**
 * A set of weakly held immutable values that hands out the first instance of each equal value
 * ({@link SharedValues}). A {@code WeakHashMap} from a value to a weak reference of itself cost
 * about 77 bytes per value (its entry, the second reference, the table slot), 3.5 MB for the label
 * maps of 135,000 pods; here a value costs one 40-byte reference and a table slot. A value that
 * nothing else holds any more is collected and its entry dropped on the next call.
 */
final class WeakInterner {
    private final ReferenceQueue<Object> cleared = new ReferenceQueue<>();
    private Ref[] table = new Ref[64];
    private int size;

    /** A weak reference with the value's hash, chained in its bucket. */
    private static final class Ref extends WeakReference<Object> {
        final int hash;
        Ref next;

        Ref(Object value, int hash, Ref next, ReferenceQueue<Object> queue) {
            super(value, queue);
            this.hash = hash;
            this.next = next;
        }
    }

    /** The instance equal to {@code value} handed out before and still in use, else {@code value}, from now on handed out. */
    @SuppressWarnings("unchecked")
    synchronized <T> T intern(T value) {
        dropCleared();
        int hash = value.hashCode();
        int bucket = bucket(hash, table.length);
        for (Ref r = table[bucket]; r != null; r = r.next) {
            Object present = r.hash == hash ? r.get() : null;
            if (present != null && present.equals(value)) {
                return (T) present;
            }
        }
        table[bucket] = new Ref(value, hash, table[bucket], cleared);
        if (++size > table.length) {
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
            int bucket = bucket(ref.hash, table.length);
            Ref prev = null;
            for (Ref r = table[bucket]; r != null; prev = r, r = r.next) {
                if (r == ref) {
                    if (prev == null) {
                        table[bucket] = r.next;
                    } else {
                        prev.next = r.next;
                    }
                    size--;
                    break;
                }
            }
        }
    }

    /** The high bits folded in: a label map's hash is a sum of its entries' and a list's a polynomial, both weak in the low bits. */
    private static int bucket(int hash, int buckets) {
        return (hash ^ (hash >>> 16)) & (buckets - 1);
    }

    private void resize() {
        Ref[] old = table;
        table = new Ref[old.length * 2];
        for (Ref head : old) {
            for (Ref r = head; r != null; ) {
                Ref next = r.next;
                int bucket = bucket(r.hash, table.length);
                r.next = table[bucket];
                table[bucket] = r;
                r = next;
            }
        }
    }
}
