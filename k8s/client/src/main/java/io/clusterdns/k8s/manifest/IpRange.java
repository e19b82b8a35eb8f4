package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** A CIDR block addressed by offset, for allocating cluster IPs (offset 0 is the network address). */
final class IpRange {
    private final String cidr;
    private final IpFamily family;
    private final BigInteger base;
    private final BigInteger size;
    private final int addressBytes;

    private IpRange(String cidr, IpFamily family, BigInteger base, BigInteger size, int addressBytes) {
        this.cidr = cidr;
        this.family = family;
        this.base = base;
        this.size = size;
        this.addressBytes = addressBytes;
    }

    /** Parses {@code 10.96.0.0/12}; host bits must be zero. */
    static IpRange parse(String cidr) {
        int slash = cidr.indexOf('/');
        InetAddress network = IpAddresses.parse(cidr.substring(0, slash));
        int prefix = Integer.parseInt(cidr.substring(slash + 1));
        int bits = network.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("unsupported CIDR " + cidr);
        }
        BigInteger base = new BigInteger(1, network.getAddress());
        if (base.shiftRight(bits - prefix).shiftLeft(bits - prefix).compareTo(base) != 0) {
            throw new IllegalArgumentException("host bits set in " + cidr);
        }
        return new IpRange(cidr, IpFamily.of(network), base, BigInteger.ONE.shiftLeft(bits - prefix), bits / 8);
    }

    IpFamily family() {
        return family;
    }

    /** Number of addresses; only for blocks small enough to allocate from (at most 2^63 - 1). */
    long size() {
        return size.longValueExact();
    }

    /** Number of addresses, at most {@code cap} (an IPv6 /64 holds more than a long counts). */
    long size(long cap) {
        return size.min(BigInteger.valueOf(cap)).longValueExact();
    }

    InetAddress at(long offset) {
        if (offset < 0 || BigInteger.valueOf(offset).compareTo(size) >= 0) {
            throw new IllegalArgumentException("offset " + offset + " outside " + cidr);
        }
        byte[] raw = base.add(BigInteger.valueOf(offset)).toByteArray();
        byte[] address = new byte[addressBytes];
        int copy = Math.min(raw.length, addressBytes);
        System.arraycopy(raw, raw.length - copy, address, addressBytes - copy, copy);
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean contains(InetAddress ip) {
        if (IpFamily.of(ip) != family) {
            return false;
        }
        BigInteger offset = new BigInteger(1, ip.getAddress()).subtract(base);
        return offset.signum() >= 0 && offset.compareTo(size) < 0;
    }

    @Override
    public String toString() {
        return cidr;
    }
}
