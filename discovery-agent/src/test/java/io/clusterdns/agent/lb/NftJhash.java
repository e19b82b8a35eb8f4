package io.clusterdns.agent.lb;

import java.net.Inet4Address;

/**
 * What the kernel computes for {@code jhash ip saddr . ip daddr . meta l4proto . th sport . th dport
 * mod M seed S} (and {@code jhash ip saddr ...}), so that a test can tell which Maglev slot, hence
 * which endpoint, a 5-tuple must reach: {@code nft_jhash_eval} is {@code reciprocal_scale(jhash(regs,
 * len, seed), M)}, where {@code jhash} is Bob Jenkins' lookup3 ({@code include/linux/jhash.h}) over
 * the registers the key was loaded into. Each field of a concatenation takes whole 32-bit
 * registers, zero-padded ({@code l4proto} 1 byte + 3, ports 2 + 2), so the 5-tuple is 20 bytes.
 */
public final class NftJhash {
    private static final int INITVAL = 0xdeadbeef;

    private NftJhash() {
    }

    /** The slot of a TCP/UDP IPv4 5-tuple, as the agent's {@code maglev} rule computes it. */
    public static int fiveTupleSlot(Inet4Address saddr, Inet4Address daddr, int l4proto, int sport, int dport, int seed, int mod) {
        byte[] key = new byte[20];
        System.arraycopy(saddr.getAddress(), 0, key, 0, 4);
        System.arraycopy(daddr.getAddress(), 0, key, 4, 4);
        key[8] = (byte) l4proto;
        key[12] = (byte) (sport >> 8);
        key[13] = (byte) sport;
        key[16] = (byte) (dport >> 8);
        key[17] = (byte) dport;
        return scale(jhash(key, seed), mod);
    }

    /** The slot of a source address, as the agent's {@code maglev-source} rule computes it. */
    public static int sourceSlot(Inet4Address saddr, int seed, int mod) {
        return scale(jhash(saddr.getAddress(), seed), mod);
    }

    /** {@code reciprocal_scale}: the hash's high bits times M, not {@code hash % M}. */
    static int scale(int hash, int mod) {
        return (int) (((hash & 0xffffffffL) * mod) >>> 32);
    }

    /** {@code jhash(key, length, initval)} of {@code include/linux/jhash.h} (little-endian words). */
    static int jhash(byte[] k, int initval) {
        int length = k.length;
        int a = INITVAL + length + initval;
        int b = a;
        int c = a;
        int o = 0;
        while (length > 12) {
            a += word(k, o);
            b += word(k, o + 4);
            c += word(k, o + 8);
            // __jhash_mix
            a -= c; a ^= Integer.rotateLeft(c, 4); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 6); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 8); b += a;
            a -= c; a ^= Integer.rotateLeft(c, 16); c += b;
            b -= a; b ^= Integer.rotateLeft(a, 19); a += c;
            c -= b; c ^= Integer.rotateLeft(b, 4); b += a;
            length -= 12;
            o += 12;
        }
        if (length == 0) {
            return c;
        }
        // the tail: bytes o .. o+length-1 added as the switch's fall-through does
        for (int i = length - 1; i >= 0; i--) {
            int v = (k[o + i] & 0xff) << (8 * (i % 4));
            if (i >= 8) {
                c += v;
            } else if (i >= 4) {
                b += v;
            } else {
                a += v;
            }
        }
        // __jhash_final
        c ^= b; c -= Integer.rotateLeft(b, 14);
        a ^= c; a -= Integer.rotateLeft(c, 11);
        b ^= a; b -= Integer.rotateLeft(a, 25);
        c ^= b; c -= Integer.rotateLeft(b, 16);
        a ^= c; a -= Integer.rotateLeft(c, 4);
        b ^= a; b -= Integer.rotateLeft(a, 14);
        c ^= b; c -= Integer.rotateLeft(b, 24);
        return c;
    }

    private static int word(byte[] k, int o) {
        return (k[o] & 0xff) | (k[o + 1] & 0xff) << 8 | (k[o + 2] & 0xff) << 16 | (k[o + 3] & 0xff) << 24;
    }
}
