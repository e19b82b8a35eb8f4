package io.clusterdns.agent.lb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Maglev lookup table (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
 * Balancer", NSDI 2016, section 3.4): M slots, each owned by one backend, so that a flow hashed to
 * slot {@code h mod M} reaches that backend. Each backend has a permutation of the slots given by
 * two hashes of its name ({@code offset}, {@code skip}); backends take turns claiming their next
 * preferred free slot. The result is nearly even (each backend owns ⌊M/N⌋ or ⌈M/N⌉ slots) and
 * changes little when one backend comes or goes, but more than the backend's own share: the
 * population is a race that one backend fewer re-runs differently (one of 100 removed: 4.2 % of the
 * slots move at M = 4093, 1.6 % at 65537, ideal 1 %; README "Maglev"). Moving only the backend's
 * own slots would need either uneven shares (rendezvous hashing) or a table that remembers its
 * previous version, which nodes would not share: this stays the paper's pure function.
 *
 * <p>Deterministic: the table depends only on the set of backend names and M (the names are
 * sorted, and hashed with SHA-256, not {@link String#hashCode} or a per-process seed), so every
 * node builds the same table for the same endpoints and a restart builds it again unchanged.
 */
public final class MaglevTable {
    /** Fewer slots per backend than this and the table is too coarse to be worth it (see {@link LoadBalancingConfig}). */
    public static final int MIN_SLOTS_PER_ENDPOINT = 10;

    private final List<String> backends;
    private final int[] owners;

    private MaglevTable(List<String> backends, int[] owners) {
        this.backends = backends;
        this.owners = owners;
    }

    /**
     * @param backendNames stable identities of the backends (the agent uses {@code ip:port}),
     *                     in any order, without duplicates
     * @param size         M, a prime larger than the number of backends
     */
    public static MaglevTable build(List<String> backendNames, int size) {
        if (!isPrime(size)) {
            throw new IllegalArgumentException("Maglev table size must be prime, got " + size);
        }
        List<String> names = new ArrayList<>(backendNames);
        names.sort(null);
        for (int i = 1; i < names.size(); i++) {
            if (names.get(i).equals(names.get(i - 1))) {
                throw new IllegalArgumentException("duplicate backend " + names.get(i));
            }
        }
        if (names.isEmpty() || names.size() > size) {
            throw new IllegalArgumentException("Maglev table of " + size + " slots for " + names.size() + " backends");
        }
        int n = names.size();
        long[] offset = new long[n];
        long[] skip = new long[n];
        for (int i = 0; i < n; i++) {
            long[] h = hashes(names.get(i));
            offset[i] = Long.remainderUnsigned(h[0], size);
            skip[i] = Long.remainderUnsigned(h[1], size - 1) + 1;
        }
        int[] owners = new int[size];
        Arrays.fill(owners, -1);
        long[] next = new long[n];
        int filled = 0;
        // the paper's population loop: permutation[i][j] = (offset + j * skip) mod M, a permutation since M is prime
        while (true) {
            for (int i = 0; i < n; i++) {
                long slot = (offset[i] + next[i] * skip[i]) % size;
                while (owners[(int) slot] >= 0) {
                    next[i]++;
                    slot = (offset[i] + next[i] * skip[i]) % size;
                }
                owners[(int) slot] = i;
                next[i]++;
                if (++filled == size) {
                    return new MaglevTable(List.copyOf(names), owners);
                }
            }
        }
    }

    public int size() {
        return owners.length;
    }

    /** The backends, sorted: {@link #ownerIndex} indexes this list. */
    public List<String> backends() {
        return backends;
    }

    public int ownerIndex(int slot) {
        return owners[slot];
    }

    public String owner(int slot) {
        return backends.get(owners[slot]);
    }

    /** Slots owned per backend, in {@link #backends} order. */
    public int[] slotCounts() {
        int[] counts = new int[backends.size()];
        for (int o : owners) {
            counts[o]++;
        }
        return counts;
    }

    /** The fraction of slots whose owner differs between two tables of the same size (flows that would move). */
    public double movedFraction(MaglevTable other) {
        if (other.size() != size()) {
            throw new IllegalArgumentException("tables of different sizes: " + size() + " and " + other.size());
        }
        int moved = 0;
        for (int s = 0; s < owners.length; s++) {
            if (!owner(s).equals(other.owner(s))) {
                moved++;
            }
        }
        return (double) moved / owners.length;
    }

    public static boolean isPrime(int m) {
        if (m < 2) {
            return false;
        }
        for (int d = 2; (long) d * d <= m; d++) {
            if (m % d == 0) {
                return false;
            }
        }
        return true;
    }

    /** Two independent 64-bit hashes of the name: the first 16 bytes of its SHA-256. */
    private static long[] hashes(String name) {
        byte[] h = NameDigest.sha256(name);
        long a = 0;
        long b = 0;
        for (int i = 0; i < 8; i++) {
            a = (a << 8) | (h[i] & 0xff);
            b = (b << 8) | (h[8 + i] & 0xff);
        }
        return new long[] {a, b};
    }
}
