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
 * record, so that it takes 32 bytes rather than 56 plus an address: an IPv4 address is kept as an
 * int (an {@link InetAddress} and its holder cost 56 bytes, 8 MB at 150,000 endpoints; the
 * resolver's index keys its reverse maps by the int as well); node, zone and conditions, which
 * few endpoints differ in, are one shared {@link Placement}; an IPv6 address and topology hints,
 * which most endpoints have not, share one field. {@link #address()} makes the
 * {@code InetAddress} of an IPv4 endpoint on each call; {@link #ipv4()} and {@link #hasAddress}
 * read it without one. The persisted snapshot writes the components in the order of the widest
 * constructor, as for the records.
 */
public final class EndpointInfo {
    private static final byte READY = 1;
    private static final byte SERVING = 2;
    private static final byte TERMINATING = 4;

    /** The IPv4 address when the endpoint is IPv4. */
    private final int v4;
    /** Null (IPv4, no hints), the {@link InetAddress} (not IPv4, no hints), or {@link Hints}. */
    private final Object v6OrHints;
    private final String hostname;
    private final Placement placement;
    private final String targetPodName;

    /** Node, zone and conditions: a cluster has few distinct ones, so each is one shared instance ({@link SharedValues}). */
    private record Placement(String nodeName, String zone, byte conditions) {
    }

    /** The rare part: topology hints, with the address when it is not IPv4 (null when it is). */
    private record Hints(InetAddress v6, List<String> zoneHints, List<String> nodeHints) {
    }

    public EndpointInfo(InetAddress address, String hostname, String nodeName, String zone, boolean ready, boolean serving,
                        boolean terminating, String targetPodName, List<String> zoneHints, List<String> nodeHints) {
        Objects.requireNonNull(address, "address");
        InetAddress v6 = address instanceof Inet4Address ? null : address;
        this.v4 = v6 == null ? IpAddresses.v4(address) : 0;
        List<String> zones = sortedUnique(zoneHints);
        List<String> nodes = sortedUnique(nodeHints);
        this.v6OrHints = zones.isEmpty() && nodes.isEmpty() ? v6 : new Hints(v6, zones, nodes);
        this.hostname = hostname;
        byte conditions = (byte) ((ready ? READY : 0) | (serving ? SERVING : 0) | (terminating ? TERMINATING : 0));
        this.placement = SharedValues.shared(new Placement(SharedValues.name(nodeName), SharedValues.name(zone), conditions));
        this.targetPodName = targetPodName;
    }

    /** An IPv4 endpoint with only its placement (see {@link #packable}). */
    private EndpointInfo(int v4, Placement placement) {
        this.v4 = v4;
        this.v6OrHints = null;
        this.hostname = null;
        this.placement = placement;
        this.targetPodName = null;
    }

    /**
     * True when the endpoint is its IPv4 address and its shared placement alone (no hostname, pod
     * name nor hints): a slice keeps such endpoints as columns, an int and a reference each,
     * rather than an object of 32 bytes each ({@link EndpointSliceInfo}).
     */
    boolean packable() {
        return v6OrHints == null && hostname == null && targetPodName == null;
    }

    /** The shared placement, what a slice keeps beside the address of a {@link #packable} endpoint. */
    Object placementPart() {
        return placement;
    }

    /** The {@link #packable} endpoint of {@code v4} and {@code placement} (a {@link #placementPart}). */
    static EndpointInfo unpacked(int v4, Object placement) {
        return new EndpointInfo(v4, (Placement) placement);
    }

    /** {@code e} with {@code targetPodName} (see {@link EndpointSliceInfo#sharingPodNames}). */
    private EndpointInfo(EndpointInfo e, String targetPodName) {
        this.v4 = e.v4;
        this.v6OrHints = e.v6OrHints;
        this.hostname = e.hostname;
        this.placement = e.placement;
        this.targetPodName = targetPodName;
    }

    /** This endpoint with {@code name}, which equals its {@link #targetPodName}, as that name's instance. */
    EndpointInfo sharingTargetPodName(String name) {
        if (!name.equals(targetPodName)) {
            throw new IllegalArgumentException("pod name " + name + " is not " + targetPodName);
        }
        return name == targetPodName ? this : new EndpointInfo(this, name);
    }

    /** An endpoint without topology hints. */
    public EndpointInfo(InetAddress address, String hostname, String nodeName, String zone, boolean ready, boolean serving,
                        boolean terminating, String targetPodName) {
        this(address, hostname, nodeName, zone, ready, serving, terminating, targetPodName, List.of(), List.of());
    }

    /** The address; for IPv4 a new {@code InetAddress} each call (see the class comment). */
    public InetAddress address() {
        InetAddress v6 = v6();
        return v6 != null ? v6 : IpAddresses.v4(v4);
    }

    private InetAddress v6() {
        return v6OrHints instanceof Hints h ? h.v6() : (InetAddress) v6OrHints;
    }

    /** True when the address is IPv4 ({@link #ipv4()} holds it). */
    public boolean isIpv4() {
        return v6() == null;
    }

    /** The IPv4 address as an int, most significant byte first; only when {@link #isIpv4()}. */
    public int ipv4() {
        InetAddress v6 = v6();
        if (v6 != null) {
            throw new IllegalStateException("not an IPv4 endpoint: " + v6);
        }
        return v4;
    }

    /** True when this endpoint's address is {@code address}, without making an {@code InetAddress}. */
    public boolean hasAddress(InetAddress address) {
        InetAddress v6 = v6();
        return v6 != null ? v6.equals(address) : address instanceof Inet4Address && IpAddresses.v4(address) == v4;
    }

    public String hostname() {
        return hostname;
    }

    public String nodeName() {
        return placement.nodeName();
    }

    public String zone() {
        return placement.zone();
    }

    public boolean ready() {
        return (placement.conditions() & READY) != 0;
    }

    public boolean serving() {
        return (placement.conditions() & SERVING) != 0;
    }

    public boolean terminating() {
        return (placement.conditions() & TERMINATING) != 0;
    }

    public String targetPodName() {
        return targetPodName;
    }

    public List<String> zoneHints() {
        return v6OrHints instanceof Hints h ? h.zoneHints() : List.of();
    }

    public List<String> nodeHints() {
        return v6OrHints instanceof Hints h ? h.nodeHints() : List.of();
    }

    /** True when the endpoint carries zone or node hints. */
    public boolean hasHints() {
        return v6OrHints instanceof Hints;
    }

    private static List<String> sortedUnique(List<String> names) {
        if (names == null || names.isEmpty()) {
            return List.of();
        }
        return names.size() == 1 ? List.of(names.get(0)) : List.copyOf(new TreeSet<>(names));
    }

    public IpFamily family() {
        InetAddress v6 = v6();
        return v6 == null ? IpFamily.IPV4 : IpFamily.of(v6);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EndpointInfo e && v4 == e.v4 && Objects.equals(v6OrHints, e.v6OrHints) && placement.equals(e.placement)
                && Objects.equals(hostname, e.hostname) && Objects.equals(targetPodName, e.targetPodName);
    }

    /** As the record's: its components' hashes combined in order. */
    @Override
    public int hashCode() {
        InetAddress v6 = v6();
        int h = v6 != null ? v6.hashCode() : v4;
        h = 31 * h + Objects.hashCode(hostname);
        h = 31 * h + Objects.hashCode(nodeName());
        h = 31 * h + Objects.hashCode(zone());
        h = 31 * h + Boolean.hashCode(ready());
        h = 31 * h + Boolean.hashCode(serving());
        h = 31 * h + Boolean.hashCode(terminating());
        h = 31 * h + Objects.hashCode(targetPodName);
        h = 31 * h + zoneHints().hashCode();
        return 31 * h + nodeHints().hashCode();
    }

    /** As the record's text. */
    @Override
    public String toString() {
        return "EndpointInfo[address=" + address() + ", hostname=" + hostname + ", nodeName=" + nodeName() + ", zone=" + zone()
                + ", ready=" + ready() + ", serving=" + serving() + ", terminating=" + terminating() + ", targetPodName="
                + targetPodName + ", zoneHints=" + zoneHints() + ", nodeHints=" + nodeHints() + "]";
    }
}
