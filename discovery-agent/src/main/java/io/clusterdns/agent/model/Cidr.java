package io.clusterdns.agent.model;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An IP prefix such as {@code 10.244.0.0/16}, always stored as its network address (host bits
 * cleared), so that two spellings of one range compare equal and render identically.
 */
public record Cidr(InetAddress network, int prefix) implements Comparable<Cidr> {

    public Cidr {
        Objects.requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("prefix length must be 0.." + bits + ", got " + prefix);
        }
        network = mask(network, prefix);
    }

    /** Parses {@code 10.0.0.0/8}, {@code fd00::/48}, or a bare address (a /32 or /128). Never uses DNS. */
    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty CIDR");
        }
        String t = text.trim();
        int slash = t.indexOf('/');
        InetAddress ip = IpAddresses.tryParse(slash < 0 ? t : t.substring(0, slash));
        if (ip == null) {
            throw new IllegalArgumentException("\"" + text + "\" is not a CIDR (expected e.g. 10.244.0.0/16 or fd00::/48)");
        }
        int bits = ip.getAddress().length * 8;
        if (slash < 0) {
            return new Cidr(ip, bits);
        }
        String p = t.substring(slash + 1);
        if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > bits) {
            throw new IllegalArgumentException("\"" + text + "\" has an invalid prefix length (0.." + bits + ")");
        }
        return new Cidr(ip, Integer.parseInt(p));
    }

    public static Cidr of(InetAddress address) {
        return new Cidr(address, address.getAddress().length * 8);
    }

    public IpFamily family() {
        return IpFamily.of(network);
    }

    public boolean isHost() {
        return prefix == network.getAddress().length * 8;
    }

    public boolean contains(InetAddress address) {
        if (address == null || IpFamily.of(address) != family()) {
            return false;
        }
        return mask(address, prefix).equals(network);
    }

    private static InetAddress mask(InetAddress address, int prefix) {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int compareTo(Cidr o) {
        int c = Integer.compare(network.getAddress().length, o.network.getAddress().length);
        if (c != 0) {
            return c;
        }
        c = java.util.Arrays.compareUnsigned(network.getAddress(), o.network.getAddress());
        return c != 0 ? c : Integer.compare(prefix, o.prefix);
    }

    /** {@code 10.244.0.0/16}; a host prefix is written as the bare address, as nft prints it. */
    @Override
    public String toString() {
        return isHost() ? IpAddresses.format(network) : IpAddresses.format(network) + "/" + prefix;
    }
}
