package io.clusterdns.agent.lb;

import java.util.List;

/**
 * A lookup table filled by rendezvous (highest random weight) hashing, Thaler and Ravishankar
 * 1998: slot s belongs to the backend with the highest weight {@code w(s, name)}. When a backend
 * goes, only its own slots move (each to its runner-up); when one comes, it takes exactly the
 * slots where it has the highest weight, from whichever backend had them: one of 100 moves ~1 %
 * of the flows at any M (README "Maglev"), where Maglev moves 4.2 % at 4093.
 *
 * <p>The price is uneven shares: each backend owns a binomial number of slots, mean M/N and
 * relative standard deviation about √(N/M) (100 backends: ±16 % at M = 4093, ±8 % at 16381,
 * ±4 % at 65537); Maglev's differ by one slot.
 *
 * <p>The weight is splitmix64's finaliser of the name's hash (the first 8 bytes of its SHA-256)
 * XOR the slot's own splitmix64 value, deterministic across nodes and restarts. Ties (a 2⁻⁶⁴
 * event) go to the first name in sorted order. A build evaluates M × N weights, a few ns each
 * (100 backends: ~1 ms at M = 4093, ~35 ms at 65537, a loaded 2-core machine); hence
 * {@link #MAX_WEIGHTS}.
 */
public final class RendezvousTable extends SlotTable {
    /**
     * Above this many weights (M × N, ~0.1–0.2 s) a rendezvous service's table is built by Maglev
     * instead (nft {@code ServiceRules}): one service's endpoint change must not stall every sync
     * for seconds (6,553 backends at 65,537 slots, the most {@link #MIN_SLOTS_PER_ENDPOINT} allows,
     * took 2 s). Binding only at large M: 511 backends at 65,537 slots, none at 16,381 or less.
     */
    public static final long MAX_WEIGHTS = 1L << 25;
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private RendezvousTable(List<String> backends, int[] owners) {
        super(backends, owners);
    }

    /**
     * @param backendNames stable identities of the backends ({@code ip:port}), in any order, without duplicates
     * @param size         M, a prime at least the number of backends
     */
    public static RendezvousTable build(List<String> backendNames, int size) {
        List<String> names = LookupTable.sortedBackends(backendNames, size);
        int n = names.size();
        long[] key = new long[n];
        for (int i = 0; i < n; i++) {
            key[i] = LookupTable.nameHash(NameDigest.sha256(names.get(i)), 0);
        }
        int[] owners = new int[size];
        for (int s = 0; s < size; s++) {
            owners[s] = highest(key, slotKey(s));
        }
        return new RendezvousTable(names, owners);
    }

    /** Whether a table of {@code backends} over {@code size} slots is within {@link #MAX_WEIGHTS}. */
    public static boolean affordable(int backends, int size) {
        return (long) backends * size <= MAX_WEIGHTS;
    }

    /** The index of the backend with the highest weight for the slot. */
    private static int highest(long[] key, long slot) {
        int best = 0;
        // unsigned comparison as signed comparison of the values shifted by 2^63
        long bestWeight = weight(key[0], slot) ^ Long.MIN_VALUE;
        for (int i = 1; i < key.length; i++) {
            long w = weight(key[i], slot) ^ Long.MIN_VALUE;
            if (w > bestWeight) {
                bestWeight = w;
                best = i;
            }
        }
        return best;
    }

    /** The weight of a backend (its name's hash) for a slot (its {@link #slotKey}). */
    static long weight(long nameKey, long slotKey) {
        return mix(nameKey ^ slotKey);
    }

    /** Slot s's 64-bit key: splitmix64's s-th output (seed 0). */
    static long slotKey(int slot) {
        return mix((slot + 1L) * GOLDEN_GAMMA);
    }

    /** splitmix64's finaliser (Steele, Lea and Flood 2014): a bijection of 64-bit values with full avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
