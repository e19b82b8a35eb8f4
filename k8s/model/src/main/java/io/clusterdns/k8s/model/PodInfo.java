package io.clusterdns.k8s.model;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The slim projection of a Pod. {@code ips} is {@code status.podIPs} (empty until scheduled);
 * {@code ready} is the Ready condition; {@code terminating} is set once a deletionTimestamp exists.
 * {@code hostNetwork} and {@code created} ({@code metadata.creationTimestamp}, null when unknown)
 * tell who a client address belongs to: a host-network pod has its node's address, shared with
 * the node and every other host-network pod there, and of two pods with one address the newer
 * is the one the address was last given to. {@code labels} and {@code ports} (named container
 * ports) are read only by manifest mode's endpoint derivation, before a snapshot is built: the
 * snapshot keeps its pods {@link #slim}, and live mode never keeps them.
 *
 * <p>A value class with a record's constructors, accessors, equality and text rather than a
 * record, so that a pod takes 32 bytes rather than 56 plus 24 for its address list: a single IPv4
 * address and a creation time in whole seconds are ints; node, phase, conditions, labels and ports
 * are one shared {@link Placement}; what few pods have (hostname, subdomain, other address lists)
 * is apart, in the same field. The name stays a String: the pod's endpoints hold it as their {@code targetPodName}
 * (one instance when decoded from a persisted snapshot, derived from manifests, or shared by the
 * live source: {@link EndpointSliceInfo#sharingPodNames}), so a compact form here would add a copy
 * rather than remove one. The persisted snapshot writes the components
 * in the order of the widest constructor, as for the records.
 */
public final class PodInfo {
    private static final byte READY = 1;
    private static final byte TERMINATING = 2;
    private static final byte HOST_NETWORK = 4;

    private final String namespace;
    private final String name;
    /**
     * The pod's {@link Placement} when it has one IPv4 address, no hostname nor subdomain, and
     * {@link #createdSeconds} holds its creation time; else its {@link Rare} part, which holds the
     * placement: one field rather than two keeps a pod at 32 bytes rather than 40 (and the rare
     * part at 32: it had room for the field).
     */
    private final Object placementOrRare;
    /** The IPv4 address when the pod has no {@link Rare} address list. */
    private final int v4;
    /** The creation time's epoch seconds as an unsigned int when it fits whole (it always does for a real pod), else 0. */
    private final int createdSeconds;

    /**
     * Node, phase, conditions, labels and named container ports: few distinct ones in a cluster
     * (labels and ports are empty in a slim pod), so each is one shared instance ({@link SharedValues}).
     */
    private record Placement(String nodeName, String phase, byte flags, Map<String, String> labels, List<ContainerPort> ports) {
    }

    /**
     * What few pods have: an address list other than one IPv4 address, hostname, subdomain, a
     * creation time not in whole seconds; with the pod's shared placement.
     */
    private record Rare(Placement placement, List<InetAddress> ips, String hostname, String subdomain, Instant created) {
    }

    public PodInfo(String namespace, String name, List<InetAddress> ips, String hostname, String subdomain, String nodeName,
                   Map<String, String> labels, String phase, boolean ready, boolean terminating, List<ContainerPort> ports,
                   boolean hostNetwork, Instant created) {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        this.namespace = SharedValues.name(namespace);
        this.name = name;
        byte flags = (byte) ((ready ? READY : 0) | (terminating ? TERMINATING : 0) | (hostNetwork ? HOST_NETWORK : 0));
        Placement placement = SharedValues.shared(new Placement(SharedValues.name(nodeName), SharedValues.name(phase), flags,
                labels == null ? Map.of() : SharedValues.labels(labels), ports == null ? List.of() : SharedValues.ports(List.copyOf(ports))));
        List<InetAddress> compact = IpAddresses.compactList(ips);
        boolean oneV4 = IpAddresses.isOneV4(compact);
        this.v4 = oneV4 ? IpAddresses.v4(compact.get(0)) : 0;
        boolean wholeSeconds = created != null && created.getNano() == 0 && created.getEpochSecond() > 0
                && created.getEpochSecond() <= 0xFFFFFFFFL;
        this.createdSeconds = wholeSeconds ? (int) created.getEpochSecond() : 0;
        this.placementOrRare = oneV4 && hostname == null && subdomain == null && (wholeSeconds || created == null) ? placement
                : new Rare(placement, oneV4 ? null : compact, hostname, subdomain, wholeSeconds ? null : created);
    }

    private PodInfo(PodInfo p, Placement placement) {
        this.namespace = p.namespace;
        this.name = p.name;
        Rare rare = p.rare();
        this.placementOrRare = rare == null ? placement : new Rare(placement, rare.ips(), rare.hostname(), rare.subdomain(), rare.created());
        this.v4 = p.v4;
        this.createdSeconds = p.createdSeconds;
    }

    private PodInfo(PodInfo p, String name) {
        this.namespace = p.namespace;
        this.name = name;
        this.placementOrRare = p.placementOrRare;
        this.v4 = p.v4;
        this.createdSeconds = p.createdSeconds;
    }

    /**
     * This pod with {@code name}, which equals its {@link #name}, as that name's instance (itself
     * when it is already): a live source gives an updated pod the String its endpoints already
     * hold (see {@link EndpointSliceInfo#sharingPodNames}).
     */
    public PodInfo sharingName(String name) {
        if (!name.equals(this.name)) {
            throw new IllegalArgumentException("pod name " + name + " is not " + this.name);
        }
        return name == this.name ? this : new PodInfo(this, name);
    }

    /**
     * This pod without labels and container ports (itself when it has none): what a snapshot
     * keeps, as only endpoint derivation reads them.
     */
    public PodInfo slim() {
        Placement placement = placement();
        if (placement.labels().isEmpty() && placement.ports().isEmpty()) {
            return this;
        }
        return new PodInfo(this, SharedValues.shared(new Placement(placement.nodeName(), placement.phase(), placement.flags(), Map.of(),
                List.of())));
    }

    private Placement placement() {
        return placementOrRare instanceof Placement p ? p : ((Rare) placementOrRare).placement();
    }

    /** The pod's {@link Rare} part, null when it has none. */
    private Rare rare() {
        return placementOrRare instanceof Rare r ? r : null;
    }

    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    /** {@code status.podIPs}; a single IPv4 address makes its list on each call ({@link IpAddresses#compactList}). */
    public List<InetAddress> ips() {
        Rare rare = rare();
        return rare == null || rare.ips() == null ? IpAddresses.oneV4(v4) : rare.ips();
    }

    public String hostname() {
        Rare rare = rare();
        return rare == null ? null : rare.hostname();
    }

    public String subdomain() {
        Rare rare = rare();
        return rare == null ? null : rare.subdomain();
    }

    public String nodeName() {
        return placement().nodeName();
    }

    /** Empty in a {@link #slim} pod. */
    public Map<String, String> labels() {
        return placement().labels();
    }

    public String phase() {
        return placement().phase();
    }

    public boolean ready() {
        return (placement().flags() & READY) != 0;
    }

    public boolean terminating() {
        return (placement().flags() & TERMINATING) != 0;
    }

    /** Named container ports; empty in a {@link #slim} pod. */
    public List<ContainerPort> ports() {
        return placement().ports();
    }

    public boolean hostNetwork() {
        return (placement().flags() & HOST_NETWORK) != 0;
    }

    /** {@code metadata.creationTimestamp}, null when unknown. */
    public Instant created() {
        if (createdSeconds != 0) {
            return Instant.ofEpochSecond(Integer.toUnsignedLong(createdSeconds));
        }
        Rare rare = rare();
        return rare == null ? null : rare.created();
    }

    /**
     * {@link #created()} compared, an unknown time before any known one, without making the
     * Instants (autopath compares the pods having a client's address on every question).
     */
    public int compareCreated(PodInfo other) {
        if (createdSeconds != 0 && other.createdSeconds != 0) {
            return Integer.compareUnsigned(createdSeconds, other.createdSeconds);
        }
        Instant x = createdApart();
        Instant y = other.createdApart();
        boolean known = createdSeconds != 0 || x != null;
        boolean otherKnown = other.createdSeconds != 0 || y != null;
        if (!known || !otherKnown) {
            return Boolean.compare(known, otherKnown);
        }
        int c = Long.compare(x == null ? Integer.toUnsignedLong(createdSeconds) : x.getEpochSecond(),
                y == null ? Integer.toUnsignedLong(other.createdSeconds) : y.getEpochSecond());
        return c != 0 ? c : Integer.compare(x == null ? 0 : x.getNano(), y == null ? 0 : y.getNano());
    }

    /** The creation time when it is not {@link #createdSeconds} (not in whole seconds), else null. */
    private Instant createdApart() {
        Rare rare = rare();
        return rare == null ? null : rare.created();
    }

    /** A pod network pod whose creation time is not known. */
    public PodInfo(String namespace, String name, List<InetAddress> ips, String hostname, String subdomain, String nodeName,
                   Map<String, String> labels, String phase, boolean ready, boolean terminating, List<ContainerPort> ports) {
        this(namespace, name, ips, hostname, subdomain, nodeName, labels, phase, ready, terminating, ports, false, null);
    }

    public boolean running() {
        return "Running".equals(phase());
    }

    /** Succeeded or Failed: its containers will not run again, and its address may be another pod's already. */
    public boolean terminal() {
        return "Succeeded".equals(phase()) || "Failed".equals(phase());
    }

    /** As a record's: every component equal (the compact form is canonical, so comparing it is that). */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof PodInfo p && v4 == p.v4 && createdSeconds == p.createdSeconds && name.equals(p.name)
                && namespace.equals(p.namespace) && placementOrRare.equals(p.placementOrRare);
    }

    /** As a record's: its components' hashes combined in order. */
    @Override
    public int hashCode() {
        int h = namespace.hashCode();
        h = 31 * h + name.hashCode();
        h = 31 * h + ips().hashCode();
        h = 31 * h + Objects.hashCode(hostname());
        h = 31 * h + Objects.hashCode(subdomain());
        h = 31 * h + Objects.hashCode(nodeName());
        h = 31 * h + labels().hashCode();
        h = 31 * h + Objects.hashCode(phase());
        h = 31 * h + Boolean.hashCode(ready());
        h = 31 * h + Boolean.hashCode(terminating());
        h = 31 * h + ports().hashCode();
        h = 31 * h + Boolean.hashCode(hostNetwork());
        return 31 * h + Objects.hashCode(created());
    }

    /** As a record's text. */
    @Override
    public String toString() {
        return "PodInfo[namespace=" + namespace + ", name=" + name + ", ips=" + ips() + ", hostname=" + hostname() + ", subdomain="
                + subdomain() + ", nodeName=" + nodeName() + ", labels=" + labels() + ", phase=" + phase() + ", ready=" + ready()
                + ", terminating=" + terminating() + ", ports=" + ports() + ", hostNetwork=" + hostNetwork() + ", created=" + created() + "]";
    }
}
