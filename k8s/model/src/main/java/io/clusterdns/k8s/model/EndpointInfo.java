package io.clusterdns.k8s.model;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One endpoint address of an EndpointSlice (a slice endpoint with several addresses becomes
 * several of these, as the API only ever fills one today). Conditions follow
 * {@code discovery.k8s.io/v1}: ready, serving, terminating. hostname, nodeName, zone,
 * targetPodName may be null.
 *
 * <p>{@code zoneHints} and {@code nodeHints} are the endpoint's {@code hints.forZones[].name} and
 * {@code hints.forNodes[].name}: the zones and nodes whose proxies should prefer it (set by the
 * EndpointSlice controller for {@code trafficDistribution} and the topology-mode annotation).
 * Empty when the endpoint has none; sorted and without duplicates.
 *
 * <p>A value class with a record's constructors, accessors, equality and text rather than a
 * record, so that an IPv4 address is kept as an int: an {@link InetAddress} and its holder cost
 * 56 bytes, 8 MB at 150,000 endpoints (the resolver's index keys its reverse maps by the int as
 * well). {@link #address()} makes the {@code InetAddress} of an IPv4 endpoint on each call;
 * {@link #ipv4()} and {@link #hasAddress} read it without one. The persisted snapshot writes the
 * components in the order of the widest constructor, as for the records.
 */
public final class EndpointInfo {
    private static final byte READY = 1;
    private static final byte SERVING = 2;
    private static final byte TERMINATING = 4;

    /** The IPv4 address when {@link #v6} is null. */
    private final int v4;
    /** The address when it is not IPv4, else null. */
    private final InetAddress v6;
    private final String hostname;
    private final String nodeName;
    private final String zone;
    private final byte conditions;
    private final String targetPodName;
    private final List<String> zoneHints;
    private final List<String> nodeHints;

    public EndpointInfo(InetAddress address, String hostname, String nodeName, String zone, boolean ready, boolean serving,
                        boolean terminating, String targetPodName, List<String> zoneHints, List<String> nodeHints) {
        Objects.requireNonNull(address, "address");
        if (address instanceof Inet4Address) {
            this.v4 = IpAddresses.v4(address);
            this.v6 = null;
        } else {
            this.v4 = 0;
            this.v6 = address;
        }
        this.hostname = hostname;
        this.nodeName = SharedValues.name(nodeName);
        this.zone = SharedValues.name(zone);
        this.conditions = (byte) ((ready ? READY : 0) | (serving ? SERVING : 0) | (terminating ? TERMINATING : 0));
        this.targetPodName = targetPodName;
        this.zoneHints = sortedUnique(zoneHints);
        this.nodeHints = sortedUnique(nodeHints);
    }

    /** An endpoint without topology hints. */
    public EndpointInfo(InetAddress address, String hostname, String nodeName, String zone, boolean ready, boolean serving,
                        boolean terminating, String targetPodName) {
        this(address, hostname, nodeName, zone, ready, serving, terminating, targetPodName, List.of(), List.of());
    }

    /** The address; for IPv4 a new {@code InetAddress} each call (see the class comment). */
    public InetAddress address() {
        return v6 != null ? v6 : IpAddresses.v4(v4);
    }

    /** True when the address is IPv4 ({@link #ipv4()} holds it). */
    public boolean isIpv4() {
        return v6 == null;
    }

    /** The IPv4 address as an int, most significant byte first; only when {@link #isIpv4()}. */
    public int ipv4() {
        if (v6 != null) {
            throw new IllegalStateException("not an IPv4 endpoint: " + v6);
        }
        return v4;
    }

    /** True when this endpoint's address is {@code address}, without making an {@code InetAddress}. */
    public boolean hasAddress(InetAddress address) {
        return v6 != null ? v6.equals(address) : address instanceof Inet4Address && IpAddresses.v4(address) == v4;
    }

    public String hostname() {
        return hostname;
    }

    public String nodeName() {
        return nodeName;
    }

    public String zone() {
        return zone;
    }

    public boolean ready() {
        return (conditions & READY) != 0;
    }

    public boolean serving() {
        return (conditions & SERVING) != 0;
    }

    public boolean terminating() {
        return (conditions & TERMINATING) != 0;
    }

    public String targetPodName() {
        return targetPodName;
    }

    public List<String> zoneHints() {
        return zoneHints;
    }

    public List<String> nodeHints() {
        return nodeHints;
    }

    /** True when the endpoint carries zone or node hints. */
    public boolean hasHints() {
        return !zoneHints.isEmpty() || !nodeHints.isEmpty();
    }

    private static List<String> sortedUnique(List<String> names) {
        if (names == null || names.isEmpty()) {
            return List.of();
        }
        return names.size() == 1 ? List.of(names.get(0)) : List.copyOf(new TreeSet<>(names));
    }

    public IpFamily family() {
        return v6 == null ? IpFamily.IPV4 : IpFamily.of(v6);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EndpointInfo e && v4 == e.v4 && Objects.equals(v6, e.v6) && conditions == e.conditions
                && Objects.equals(hostname, e.hostname) && Objects.equals(nodeName, e.nodeName) && Objects.equals(zone, e.zone)
                && Objects.equals(targetPodName, e.targetPodName) && zoneHints.equals(e.zoneHints) && nodeHints.equals(e.nodeHints);
    }

    /** As the record's: its components' hashes combined in order. */
    @Override
    public int hashCode() {
        int h = v6 != null ? v6.hashCode() : v4;
        h = 31 * h + Objects.hashCode(hostname);
        h = 31 * h + Objects.hashCode(nodeName);
        h = 31 * h + Objects.hashCode(zone);
        h = 31 * h + Boolean.hashCode(ready());
        h = 31 * h + Boolean.hashCode(serving());
        h = 31 * h + Boolean.hashCode(terminating());
        h = 31 * h + Objects.hashCode(targetPodName);
        h = 31 * h + zoneHints.hashCode();
        return 31 * h + nodeHints.hashCode();
    }

    /** As the record's text. */
    @Override
    public String toString() {
        return "EndpointInfo[address=" + address() + ", hostname=" + hostname + ", nodeName=" + nodeName + ", zone=" + zone
                + ", ready=" + ready() + ", serving=" + serving() + ", terminating=" + terminating() + ", targetPodName="
                + targetPodName + ", zoneHints=" + zoneHints + ", nodeHints=" + nodeHints + "]";
    }
}
