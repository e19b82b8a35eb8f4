package io.clusterdns.agent.model;

import io.clusterdns.k8s.model.IpAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * One backend of one service port as the data plane sees it: the address, the port the named or
 * numbered targetPort resolved to for this endpoint, the EndpointSlice conditions, and whether it
 * runs on this node.
 */
public record Endpoint(InetAddress ip, int port, boolean ready, boolean serving, boolean terminating, boolean local)
        implements Comparable<Endpoint> {

    public Endpoint {
        Objects.requireNonNull(ip, "ip");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint port must be 1..65535, got " + port);
        }
    }

    /** Usable as a fallback only: still serving while shutting down (KEP-1669). */
    public boolean servingTerminating() {
        return serving && terminating;
    }

    /** {@code 10.244.1.5:8080} or {@code [fd00::5]:8080}, the DNAT target. */
    public String hostPort() {
        String a = IpAddresses.format(ip);
        return (ip instanceof Inet6Address ? "[" + a + "]" : a) + ":" + port;
    }

    /** Identity of the backend regardless of its conditions. */
    public boolean sameTarget(Endpoint o) {
        return ip.equals(o.ip) && port == o.port;
    }

    @Override
    public int compareTo(Endpoint o) {
        int c = Arrays.compareUnsigned(ip.getAddress(), o.ip.getAddress());
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    @Override
    public String toString() {
        return hostPort();
    }
}
