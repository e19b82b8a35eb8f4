package io.clusterdns.k8s.model;

import java.net.Inet6Address;
import java.net.InetAddress;

/** IP family of a cluster IP or an EndpointSlice address type. */
public enum IpFamily {
    IPV4, IPV6;

    public static IpFamily of(InetAddress address) {
        return address instanceof Inet6Address ? IPV6 : IPV4;
    }

    /** Parses {@code IPv4}/{@code IPv6} as spelled in {@code spec.ipFamilies} and {@code addressType}. */
    public static IpFamily parse(String value) {
        return switch (value) {
            case "IPv4" -> IPV4;
            case "IPv6" -> IPV6;
            default -> throw new IllegalArgumentException("unsupported IP family \"" + value + "\" (expected IPv4 or IPv6)");
        };
    }
}
