package io.clusterdns.k8s.informer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Object key ({@code namespace/name}, or {@code name}) to resourceVersion, for every object an
 * informer has seen: what {@link ResourceVersionStore} keeps. A ConcurrentHashMap of Strings cost
 * about 136 bytes an object (its node, the key and the version as Strings): 34 MB at 250,000
 * objects (50,000 services, their slices and 150,000 Pods). Here a key is its Latin-1 bytes (a
 * Kubernetes name is ASCII) and a version a long when it is a canonical decimal number, as the API
 * server's etcd revisions are, in an open-addressing table: about 60 bytes an object. Versions are
 * opaque to clients, so any other one (and any key with a character past Latin-1) is kept as it
 * came, in a map beside the table, and comes back as it was put.
 *
 * <p>Every method holds the table's lock: fabric8's cache writes from the list/watch thread and
 * reads (its key list on a relist, a get) without its own lock.
 */
final class VersionTable {
    private static final int MIN_CAPACITY = 16;
    /** More decimal digits than this may not fit a long; such a version is kept as its String. */
    private static final int MAX_DIGITS = 18;

    /** A key's Latin-1 bytes per slot, null where empty; {@link #versions} holds its version. */
    private byte[][] keys = new byte[MIN_CAPACITY][];
    private long[] versions = new long[MIN_CAPACITY];
    private int size;
    /** The entries the table cannot hold compactly: a version that is not a canonical decimal, a key that is not Latin-1. */
    private final Map<String, String> others = new HashMap<>();

    /** Sets {@code key}'s version; returns the previous one, null when there was none. */
    synchronized String put(String key, String version) {
        String old = remove(key);
        long compact = compactVersion(version);
        if (compact < 0 || !isLatin1(key)) {
            others.put(key, version);
            return old;
        }
        if ((size + 1) * 4L > keys.length * 3L) {
            resize(keys.length * 2);
        }
        int i = find(key);
        keys[i] = latin1(key);
        versions[i] = compact;
        size++;
        return old;
    }

    /** {@code key}'s version, null when none. */
    synchronized String get(String key) {
        int i = find(key);
        if (keys[i] != null) {
            return Long.toString(versions[i]);
        }
        return others.get(key);
    }

    /** Removes {@code key}; returns its version, null when there was none. */
    synchronized String remove(String key) {
        int i = find(key);
        if (keys[i] == null) {
            return others.remove(key);
        }
        String old = Long.toString(versions[i]);
        keys[i] = null;
        size--;
        // backward-shift deletion: move up each following entry of the run that may sit below its home slot
        int mask = keys.length - 1;
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != null; j = (j + 1) & mask) {
            int home = hash(keys[j]) & mask;
            // the entry at j may fill the hole when its home is not cyclically within (hole, j]
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                versions[hole] = versions[j];
                keys[j] = null;
                hole = j;
            }
        }
        return old;
    }

    synchronized int size() {
        return size + others.size();
    }

    /** The keys and their versions now, a copy (the caller iterates without the lock). */
    synchronized List<Map.Entry<String, String>> entries() {
        List<Map.Entry<String, String>> out = new ArrayList<>(size());
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null) {
                out.add(Map.entry(new String(keys[i], java.nio.charset.StandardCharsets.ISO_8859_1), Long.toString(versions[i])));
            }
        }
        others.forEach((k, v) -> out.add(Map.entry(k, v)));
        return out;
    }

    /** The keys now, a copy. */
    synchronized List<String> keys() {
        return entries().stream().map(Map.Entry::getKey).toList();
    }

    /** The slot of {@code key} in the table, or the empty slot where it would go. */
    private int find(String key) {
        int mask = keys.length - 1;
        int i = spread(key.hashCode()) & mask;
        while (keys[i] != null && !equal(keys[i], key)) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void resize(int capacity) {
        byte[][] oldKeys = keys;
        long[] oldVersions = versions;
        keys = new byte[capacity][];
        versions = new long[capacity];
        int mask = capacity - 1;
        for (int k = 0; k < oldKeys.length; k++) {
            if (oldKeys[k] != null) {
                int i = hash(oldKeys[k]) & mask;
                while (keys[i] != null) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[k];
                versions[i] = oldVersions[k];
            }
        }
    }

    /** The slot hash of a stored key: that of its String ({@link String#hashCode} over Latin-1 bytes is over the chars). */
    private static int hash(byte[] key) {
        int h = 0;
        for (byte b : key) {
            h = 31 * h + (b & 0xff);
        }
        return spread(h);
    }

    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private static boolean equal(byte[] stored, String key) {
        if (stored.length != key.length()) {
            return false;
        }
        for (int i = 0; i < stored.length; i++) {
            if ((stored[i] & 0xff) != key.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLatin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                return false;
            }
        }
        return true;
    }

    private static byte[] latin1(String s) {
        byte[] b = new byte[s.length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) s.charAt(i);
        }
        return b;
    }

    /** {@code version} as a long when {@link Long#toString} gives it back exactly (digits, no leading zero), else -1. */
    static long compactVersion(String version) {
        int n = version.length();
        if (n == 0 || n > MAX_DIGITS || (n > 1 && version.charAt(0) == '0')) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = version.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
