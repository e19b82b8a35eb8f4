package io.clusterdns.agent.nft;

import io.clusterdns.k8s.model.IpFamily;

/** The nftables family of one of the agent's two tables: {@code ip} for IPv4, {@code ip6} for IPv6. */
public enum Family {
    IP("ip", IpFamily.IPV4, "ipv4_addr", "127.0.0.0/8"),
    IP6("ip6", IpFamily.IPV6, "ipv6_addr", "::1");

    private final String nft;
    private final IpFamily ipFamily;
    private final String addrType;
    private final String loopback;

    Family(String nft, IpFamily ipFamily, String addrType, String loopback) {
        this.nft = nft;
        this.ipFamily = ipFamily;
        this.addrType = addrType;
        this.loopback = loopback;
    }

    public static Family of(IpFamily f) {
        return f == IpFamily.IPV4 ? IP : IP6;
    }

    /** {@code ip} or {@code ip6}: the table family and the payload keyword ({@code ip daddr}). */
    public String nft() {
        return nft;
    }

    public IpFamily ipFamily() {
        return ipFamily;
    }

    /** The nft data type of an address: {@code ipv4_addr} or {@code ipv6_addr}. */
    public String addrType() {
        return addrType;
    }

    /** Loopback addresses, which never accept NodePort traffic (as in kube-proxy's nftables mode). */
    public String loopback() {
        return loopback;
    }

    @Override
    public String toString() {
        return nft;
    }
}
