package io.clusterdns.server.plugin.rrl;

import io.clusterdns.k8s.model.IpAddresses;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A client's address cut to the configured prefix length: the unit accounts are kept for. IPv4
 * addresses are held as IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) so both families fit two longs.
 *
 * @param hi     the first 64 bits
 * @param lo     the last 64 bits
 * @param length the prefix length in the address's own family (24 for an IPv4 /24)
 */
record ClientPrefix(long hi, long lo, int length) {
    private static final long MAPPED = 0xFFFF_0000_0000L;

    /** {@code address} cut to {@code ipv4} or {@code ipv6} bits. */
    static ClientPrefix of(InetAddress address, int ipv4, int ipv6) {
        byte[] a = address.getAddress();
        if (a.length == 4) {
            long v4 = ((a[0] & 0xFFL) << 24) | ((a[1] & 0xFFL) << 16) | ((a[2] & 0xFFL) << 8) | (a[3] & 0xFFL);
            long mask = ipv4 == 0 ? 0 : (0xFFFF_FFFFL << (32 - ipv4)) & 0xFFFF_FFFFL;
            return new ClientPrefix(0, MAPPED | (v4 & mask), ipv4);
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (a[i] & 0xFFL);
            lo = (lo << 8) | (a[i + 8] & 0xFFL);
        }
        return new ClientPrefix(hi & mask(ipv6), lo & mask(ipv6 - 64), ipv6);
    }

    /** The mask of the first {@code bits} bits of a long (all for 64 or more, none for 0 or less). */
    private static long mask(int bits) {
        return bits <= 0 ? 0 : bits >= 64 ? -1L : -1L << (64 - bits);
    }

    /** {@code 10.0.0.0/24}, {@code fd00:1:2:300::/56}: the top-clients gauge's label. */
    @Override
    public String toString() {
        byte[] b;
        if (hi == 0 && (lo >>> 32) == 0xFFFF) {
            b = new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
        } else {
            b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[i + 8] = (byte) (lo >>> (56 - 8 * i));
            }
        }
        try {
            return IpAddresses.format(InetAddress.getByAddress(b)) + "/" + length;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
