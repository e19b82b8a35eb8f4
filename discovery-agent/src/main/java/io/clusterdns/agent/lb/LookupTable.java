package io.clusterdns.agent.lb;

import java.util.ArrayList;
import java.util.List;

/**
 * M slots, each owned by one backend: the kernel hashes a flow ({@code jhash}) to slot
 * {@code h mod M} and sends it to that slot's backend. The generators ({@link MaglevTable},
 * {@link RendezvousTable}) differ only in how they fill the slots; the rules, the map and its
 * diffing are the same for both (nft {@code ServiceRules}).
 *
 * <p>A table is a pure function of the set of backend names and M (names sorted, hashed with
 * SHA-256), so every node builds the same table for the same endpoints, and a restart rebuilds it.
 */
public interface LookupTable {
    /**
     * Fewer slots per backend than this and a service falls back to random (nft {@code ServiceRules}):
     * a slot would be more than a tenth of a backend's share, and the table (M elements per
     * service) buys little. Rendezvous keeps the same threshold although its shares are uneven at
     * any size (relative spread ≈ √(N/M), ±32 % at the threshold): a stricter one would make a
     * growing service cross into random, which moves every flow, what its owner chose rendezvous
     * to avoid; a service that wants even shares raises M ({@link ServiceLoadBalancing#TABLE_SIZE_ANNOTATION}).
     */
    int MIN_SLOTS_PER_ENDPOINT = 10;

    int size();

    /** The backends, sorted: {@link #ownerIndex} indexes this list. */
    List<String> backends();

    int ownerIndex(int slot);

    default String owner(int slot) {
        return backends().get(ownerIndex(slot));
    }

    /** Slots owned per backend, in {@link #backends} order. */
    default int[] slotCounts() {
        int[] counts = new int[backends().size()];
        for (int s = 0; s < size(); s++) {
            counts[ownerIndex(s)]++;
        }
        return counts;
    }

    /** The fraction of slots whose owner differs between two tables of the same size (flows that would move). */
    default double movedFraction(LookupTable other) {
        if (other.size() != size()) {
            throw new IllegalArgumentException("tables of different sizes: " + size() + " and " + other.size());
        }
        int moved = 0;
        for (int s = 0; s < size(); s++) {
            if (!owner(s).equals(other.owner(s))) {
                moved++;
            }
        }
        return (double) moved / size();
    }

    /** The names sorted, after the checks every generator needs: M prime, no duplicates, 1..M backends. */
    static List<String> sortedBackends(List<String> backendNames, int size) {
        if (!isPrime(size)) {
            throw new IllegalArgumentException("lookup table size must be prime, got " + size);
        }
        List<String> names = new ArrayList<>(backendNames);
        names.sort(null);
        for (int i = 1; i < names.size(); i++) {
            if (names.get(i).equals(names.get(i - 1))) {
                throw new IllegalArgumentException("duplicate backend " + names.get(i));
            }
        }
        if (names.isEmpty() || names.size() > size) {
            throw new IllegalArgumentException("lookup table of " + size + " slots for " + names.size() + " backends");
        }
        return List.copyOf(names);
    }

    static boolean isPrime(int m) {
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

    /** The first 8 bytes of the name's SHA-256 ({@code word} 0) or the next 8 (1), big-endian. */
    static long nameHash(byte[] sha256, int word) {
        long h = 0;
        for (int i = 8 * word; i < 8 * word + 8; i++) {
            h = (h << 8) | (sha256[i] & 0xff);
        }
        return h;
    }
}
