package io.clusterdns.k8s.informer;

import io.clusterdns.k8s.model.SharedValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Object key ({@code namespace/name}, or {@code name}) to resourceVersion, for every object an
 * informer has seen: what {@link ResourceVersionStore} keeps. A ConcurrentHashMap of Strings cost
 * about 136 bytes an object (its node, the key and the version as Strings): 34 MB at 250,000
 * objects (50,000 services, their slices and 150,000 Pods). Here an entry is a slot of an
 * open-addressing table holding the object's namespace (the one interned String), its name and
 * its version as a long when that is a canonical decimal number, as the API server's etcd
 * revisions are: 16 bytes a slot, no String of its own. The name is the String of the object's
 * metadata the converter also gives its record ({@code PodInfo.name}, a Service's key), and an
 * update keeps the one held (as the live source keeps its records' names), so that one String
 * serves both. Versions are opaque to clients, so any other one is kept as it came, in a map
 * beside the table, and comes back as it was put.
 *
 * <p>Every method holds the table's lock: fabric8's cache writes from the list/watch thread and
 * reads (its key list on a relist, a get) without its own lock.
 */
final class VersionTable {
    private static final int MIN_CAPACITY = 16;
    /** More decimal digits than this may not fit a long; such a version is kept as its String. */
    private static final int MAX_DIGITS = 18;
    /** {@link #versions} of an entry whose version is in {@link #others}. */
    private static final long OTHER = -1;

    /** Per slot: the namespace (null for a cluster-scoped object), the name (null where empty) and the version. */
    private String[] namespaces = new String[MIN_CAPACITY];
    private String[] names = new String[MIN_CAPACITY];
    private long[] versions = new long[MIN_CAPACITY];
    private int size;
    /** The versions that are not canonical decimals, by key. */
    private final Map<String, String> others = new HashMap<>();

    /** One object's key parts and version, as {@link #entries} lists them. */
    record Entry(String namespace, String name, String version) {
        /** The key fabric8 makes for the object ({@code Cache.metaNamespaceKeyFunc}). */
        String key() {
            return namespace == null ? name : namespace + "/" + name;
        }
    }

    /**
     * Sets the version of the object {@code namespace} (null: cluster-scoped) / {@code name};
     * returns the previous one, null when there was none. An object already held keeps its
     * name's String.
     */
    synchronized String put(String namespace, String name, String version) {
        int i = find(namespace, name);
        String old = null;
        if (names[i] != null) {
            old = version(i);
        } else {
            if ((size + 1) * 4L > names.length * 3L) {
                resize(names.length * 2);
                i = find(namespace, name);
            }
            // the namespace's one String, which the records hold too (and which goes with the last object using it)
            namespaces[i] = SharedValues.name(namespace);
            names[i] = name;
            size++;
        }
        long compact = compactVersion(version);
        if (compact == OTHER) {
            others.put(key(i), version);
        } else if (versions[i] == OTHER && old != null) {
            others.remove(key(i));
        }
        versions[i] = compact;
        return old;
    }

    /** The version of {@code key} ({@code namespace/name}, or {@code name}), null when none. */
    synchronized String get(String key) {
        int i = find(key);
        return names[i] == null ? null : version(i);
    }

    /** Removes {@code key}; returns its version, null when there was none. */
    synchronized String remove(String key) {
        int i = find(key);
        if (names[i] == null) {
            return null;
        }
        String old = version(i);
        if (versions[i] == OTHER) {
            others.remove(key);
        }
        names[i] = null;
        namespaces[i] = null;
        size--;
        // backward-shift deletion: move up each following entry of the run that may sit below its home slot
        int mask = names.length - 1;
        int hole = i;
        for (int j = (i + 1) & mask; names[j] != null; j = (j + 1) & mask) {
            int home = hash(namespaces[j], names[j]) & mask;
            // the entry at j may fill the hole when its home is not cyclically within (hole, j]
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                namespaces[hole] = namespaces[j];
                names[hole] = names[j];
                versions[hole] = versions[j];
                names[j] = null;
                namespaces[j] = null;
                hole = j;
            }
        }
        return old;
    }

    /** The name String held for {@code key}, null when none: the one it was first put with. */
    synchronized String heldName(String key) {
        return names[find(key)];
    }

    synchronized int size() {
        return size;
    }

    /** The objects and their versions now, a copy (the caller iterates without the lock), the held Strings and no key made. */
    synchronized List<Entry> entries() {
        List<Entry> out = new ArrayList<>(size);
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null) {
                out.add(new Entry(namespaces[i], names[i], version(i)));
            }
        }
        return out;
    }

    /** The keys now, a copy: a String made for each, so a caller who only counts asks {@link #size}. */
    synchronized List<String> keys() {
        List<String> out = new ArrayList<>(size);
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null) {
                out.add(key(i));
            }
        }
        return out;
    }

    private String version(int i) {
        return versions[i] == OTHER ? others.get(key(i)) : Long.toString(versions[i]);
    }

    private String key(int i) {
        return namespaces[i] == null ? names[i] : namespaces[i] + "/" + names[i];
    }

    /** The slot of {@code namespace}/{@code name}, or the empty slot where it would go. */
    private int find(String namespace, String name) {
        int mask = names.length - 1;
        int i = hash(namespace, name) & mask;
        while (names[i] != null && !(names[i].equals(name) && java.util.Objects.equals(namespaces[i], namespace))) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** The slot of {@code key} as fabric8 makes it, without splitting it into new Strings. */
    private int find(String key) {
        int slash = key.indexOf('/');
        int mask = names.length - 1;
        int i = spread(key.hashCode()) & mask;
        while (names[i] != null && !matches(i, key, slash)) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private boolean matches(int i, String key, int slash) {
        String ns = namespaces[i];
        String name = names[i];
        if (slash < 0) {
            return ns == null && name.equals(key);
        }
        return ns != null && ns.length() == slash && name.length() == key.length() - slash - 1
                && key.regionMatches(0, ns, 0, slash) && key.regionMatches(slash + 1, name, 0, name.length());
    }

    private void resize(int capacity) {
        String[] oldNamespaces = namespaces;
        String[] oldNames = names;
        long[] oldVersions = versions;
        namespaces = new String[capacity];
        names = new String[capacity];
        versions = new long[capacity];
        int mask = capacity - 1;
        for (int k = 0; k < oldNames.length; k++) {
            if (oldNames[k] != null) {
                int i = hash(oldNamespaces[k], oldNames[k]) & mask;
                while (names[i] != null) {
                    i = (i + 1) & mask;
                }
                namespaces[i] = oldNamespaces[k];
                names[i] = oldNames[k];
                versions[i] = oldVersions[k];
            }
        }
    }

    /** The slot hash of an object: that of its key's String ({@link String#hashCode} of namespace/name), from its parts. */
    private static int hash(String namespace, String name) {
        int h = 0;
        if (namespace != null) {
            h = namespace.hashCode();
            h = 31 * h + '/';
            for (int i = 0; i < name.length(); i++) {
                h *= 31;
            }
        }
        return spread(h + name.hashCode());
    }

    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /** {@code version} as a long when {@link Long#toString} gives it back exactly (digits, no leading zero), else {@link #OTHER}. */
    static long compactVersion(String version) {
        int n = version.length();
        if (n == 0 || n > MAX_DIGITS || (n > 1 && version.charAt(0) == '0')) {
            return OTHER;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = version.charAt(i);
            if (c < '0' || c > '9') {
                return OTHER;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
