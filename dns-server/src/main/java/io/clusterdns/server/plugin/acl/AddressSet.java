package io.clusterdns.server.plugin.acl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * Source prefixes compiled for matching on every query without allocating: per family, the
 * distinct prefix lengths (longest first), and for each length the sorted networks as numbers
 * (IPv4 one {@code int}, IPv6 two {@code long}s). A lookup masks the address once per length
 * and binary-searches, so a policy with hundreds of node-pool CIDRs costs a few comparisons.
 */
final class AddressSet {
    private final int[] v4Lengths;
    private final int[][] v4Networks;
    private final int[] v6Lengths;
    /** Per length: hi, lo, hi, lo, ... sorted by (hi, lo) as signed longs. */
    private final long[][] v6Networks;

    private AddressSet(int[] v4Lengths, int[][] v4Networks, int[] v6Lengths, long[][] v6Networks) {
        this.v4Lengths = v4Lengths;
        this.v4Networks = v4Networks;
        this.v6Lengths = v6Lengths;
        this.v6Networks = v6Networks;
    }

    static AddressSet of(List<AclConfig.Prefix> prefixes) {
        TreeMap<Integer, List<Integer>> v4 = new TreeMap<>((a, b) -> b - a);
        TreeMap<Integer, List<long[]>> v6 = new TreeMap<>((a, b) -> b - a);
        for (AclConfig.Prefix p : prefixes) {
            byte[] a = p.network().getAddress();
            if (a.length == 4) {
                v4.computeIfAbsent(p.length(), k -> new ArrayList<>()).add(v4(a));
            } else {
                v6.computeIfAbsent(p.length(), k -> new ArrayList<>()).add(new long[] {word(a, 0), word(a, 8)});
            }
        }
        int[] v4Lengths = v4.keySet().stream().mapToInt(Integer::intValue).toArray();
        int[][] v4Networks = v4.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).sorted().distinct().toArray())
                .toArray(int[][]::new);
        int[] v6Lengths = v6.keySet().stream().mapToInt(Integer::intValue).toArray();
        long[][] v6Networks = v6.values().stream().map(AddressSet::sortedPairs).toArray(long[][]::new);
        return new AddressSet(v4Lengths, v4Networks, v6Lengths, v6Networks);
    }

    /** True when {@code address} (4 or 16 bytes; an IPv4-mapped IPv6 address counts as its IPv4 address) is in a prefix. */
    boolean contains(byte[] address) {
        if (address.length == 4) {
            return containsV4(v4(address));
        }
        if (mappedV4(address)) {
            return containsV4(((address[12] & 0xFF) << 24) | ((address[13] & 0xFF) << 16) | ((address[14] & 0xFF) << 8)
                    | (address[15] & 0xFF));
        }
        long hi = word(address, 0);
        long lo = word(address, 8);
        for (int i = 0; i < v6Lengths.length; i++) {
            int len = v6Lengths[i];
            long mh = len >= 64 ? -1L : len == 0 ? 0 : -1L << (64 - len);
            long ml = len <= 64 ? 0 : -1L << (128 - len);
            if (searchPair(v6Networks[i], hi & mh, lo & ml)) {
                return true;
            }
        }
        return false;
    }

    private boolean containsV4(int ip) {
        for (int i = 0; i < v4Lengths.length; i++) {
            int len = v4Lengths[i];
            int mask = len == 0 ? 0 : -1 << (32 - len);
            if (Arrays.binarySearch(v4Networks[i], ip & mask) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean mappedV4(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
    }

    private static int v4(byte[] a) {
        return ((a[0] & 0xFF) << 24) | ((a[1] & 0xFF) << 16) | ((a[2] & 0xFF) << 8) | (a[3] & 0xFF);
    }

    private static long word(byte[] a, int from) {
        long w = 0;
        for (int i = from; i < from + 8; i++) {
            w = (w << 8) | (a[i] & 0xFF);
        }
        return w;
    }

    private static long[] sortedPairs(List<long[]> pairs) {
        List<long[]> sorted = new ArrayList<>(pairs);
        sorted.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        long[] flat = new long[sorted.size() * 2];
        for (int i = 0; i < sorted.size(); i++) {
            flat[2 * i] = sorted.get(i)[0];
            flat[2 * i + 1] = sorted.get(i)[1];
        }
        return flat;
    }

    private static boolean searchPair(long[] flat, long hi, long lo) {
        int low = 0;
        int high = flat.length / 2 - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            long h = flat[2 * mid];
            long l = flat[2 * mid + 1];
            int c = h != hi ? Long.compare(h, hi) : Long.compare(l, lo);
            if (c == 0) {
                return true;
            }
            if (c < 0) {
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return false;
    }
}
