package io.clusterdns.agent.model;

import io.clusterdns.k8s.model.IpAddresses;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * One backend of one service port as the data plane sees it: the address, the port the named or
 * numbered targetPort resolved to for this endpoint, the EndpointSlice conditions, whether it
 * runs on this node, and what its topology hints say about this node ({@code hints.forZones}
 * against this node's zone, {@code hints.forNodes} against its name).
 *
 * @param local  its {@code nodeName} is this node's name
 * @param remote known to run on another node: it has a {@code nodeName} other than this node's,
 *               and this node's own Node object exists (so the name the agent compares with is
 *               the cluster's, not a guessed host name). Neither local nor remote: unknown
 *               (no {@code nodeName}, or this node's name not confirmed); the rules then treat
 *               it as possibly local (its hairpin pair is kept)
 */
public record Endpoint(InetAddress ip, int port, boolean ready, boolean serving, boolean terminating, boolean local,
                       Hint zoneHint, Hint nodeHint, boolean remote)
        implements Comparable<Endpoint> {

    /** One kind of topology hint of an endpoint, seen from this node. */
    public enum Hint {
        /** The endpoint has no hint of this kind. */
        NONE,
        /** One of its hints names this node's zone (or this node). */
        THIS,
        /** It has hints of this kind, none for this node's zone (or this node). */
        OTHER;

        /** {@code hints} against this node's {@code own} zone or name (null: unknown, so never named). */
        public static Hint of(java.util.Collection<String> hints, String own) {
            if (hints.isEmpty()) {
                return NONE;
            }
            return own != null && hints.contains(own) ? THIS : OTHER;
        }
    }

    public Endpoint {
        Objects.requireNonNull(ip, "ip");
        zoneHint = zoneHint == null ? Hint.NONE : zoneHint;
        nodeHint = nodeHint == null ? Hint.NONE : nodeHint;
        if (local && remote) {
            throw new IllegalArgumentException("an endpoint cannot be both local and remote");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint port must be 1..65535, got " + port);
        }
    }

    /** An endpoint not known to run on another node (see {@link #remote}). */
    public Endpoint(InetAddress ip, int port, boolean ready, boolean serving, boolean terminating, boolean local,
                    Hint zoneHint, Hint nodeHint) {
        this(ip, port, ready, serving, terminating, local, zoneHint, nodeHint, false);
    }

    /** An endpoint without topology hints, not known to run on another node. */
    public Endpoint(InetAddress ip, int port, boolean ready, boolean serving, boolean terminating, boolean local) {
        this(ip, port, ready, serving, terminating, local, Hint.NONE, Hint.NONE, false);
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
