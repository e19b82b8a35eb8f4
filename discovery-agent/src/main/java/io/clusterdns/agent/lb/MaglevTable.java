package io.clusterdns.agent.lb;

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
 * own slots would need either uneven shares ({@link RendezvousTable}, the {@code rendezvous} mode)
 * or a table that remembers its previous version, which nodes would not share: this stays the
 * paper's pure function.
 *
 * <p>Deterministic: the table depends only on the set of backend names and M (the names are
 * sorted, and hashed with SHA-256, not {@link String#hashCode} or a per-process seed), so every
 * node builds the same table for the same endpoints and a restart builds it again unchanged.
 */
public final class MaglevTable extends SlotTable {
    private MaglevTable(List<String> backends, int[] owners) {
        super(backends, owners);
    }

    /**
     * @param backendNames stable identities of the backends (the agent uses {@code ip:port}),
     *                     in any order, without duplicates
     * @param size         M, a prime larger than the number of backends
     */
    public static MaglevTable build(List<String> backendNames, int size) {
        List<String> names = LookupTable.sortedBackends(backendNames, size);
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
                    return new MaglevTable(names, owners);
                }
            }
        }
    }

    /** Two independent 64-bit hashes of the name: the first 16 bytes of its SHA-256. */
    private static long[] hashes(String name) {
        byte[] h = NameDigest.sha256(name);
        return new long[] {LookupTable.nameHash(h, 0), LookupTable.nameHash(h, 1)};
    }
}
