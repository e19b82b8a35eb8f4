package io.clusterdns.k8s.model;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.function.UnaryOperator;

/**
 * The slim projection of an EndpointSlice (or of one subset of a legacy Endpoints object). Ports are
 * per slice because a named targetPort can resolve to different numbers on different pods.
 * {@code triggerTime} is the {@code endpoints.kubernetes.io/last-change-trigger-time} annotation,
 * null when absent; kept as nanoseconds since the epoch (an {@link Instant} cost 24 bytes a
 * slice), so a time outside 1677-09-21 to 2262-04-11, which no controller writes, is kept as none:
 * only the programming latency metrics read it.
 *
 * <p>A value class with a record's constructor, accessors, equality and text rather than a record,
 * so that the endpoints are kept without a list object around them (one endpoint as itself,
 * several as an array): the list cost 24 bytes per slice, 1.2 MB at 50,000 slices. Several
 * endpoints that are each an IPv4 address and a shared placement, as most are without pod names,
 * are kept as columns rather than objects ({@link #packed}). {@link #endpoints()} makes a small
 * immutable view on each call, and the endpoints of columns on each read. The name is kept as its suffix
 * after the service's name when it has one ({@link #name()} makes the String on each call). The persisted snapshot writes
 * the components in the order of the constructor, as for the records.
 */
public final class EndpointSliceInfo {
    private static final EndpointInfo[] NONE = {};
    private static final long NO_TRIGGER = Long.MIN_VALUE;

    /**
     * The name; as the ASCII bytes of its suffix when it is the service's name, a dash and a suffix,
     * as the EndpointSlice controller and the manifest source name slices: a String of its own cost
     * 56 bytes a slice, the suffix 24.
     */
    private final Object name;
    private final ServiceKey service;
    private final IpFamily addressType;
    /**
     * One {@link EndpointInfo}; an array of them (never one of one); or several
     * {@link EndpointInfo#packable} ones as columns, an {@code Object[]} holding their addresses
     * (an {@code int[]}) then each one's {@link EndpointInfo#placementPart}: 8 bytes an endpoint
     * rather than 36, 7 MB at 250,000 endpoints.
     */
    private final Object endpoints;
    private final List<EndpointPort> ports;
    /** {@link #triggerTime} in nanoseconds since the epoch; {@link #NO_TRIGGER} when none. */
    private final long triggerNanos;

    public EndpointSliceInfo(String name, ServiceKey service, IpFamily addressType, List<EndpointInfo> endpoints,
                             List<EndpointPort> ports, Instant triggerTime) {
        Objects.requireNonNull(name, "name");
        this.service = Objects.requireNonNull(service, "service");
        this.name = suffixOf(name, service.name());
        this.addressType = Objects.requireNonNull(addressType, "addressType");
        EndpointInfo[] all = endpoints.toArray(new EndpointInfo[0]);
        boolean packable = all.length > 1;
        for (EndpointInfo e : all) {
            packable &= Objects.requireNonNull(e, "endpoint").packable();
        }
        this.endpoints = all.length == 1 ? all[0] : all.length == 0 ? NONE : packable ? packed(all) : all;
        this.ports = SharedValues.ports(List.copyOf(ports));
        this.triggerNanos = nanos(triggerTime);
    }

    private static long nanos(Instant t) {
        if (t == null) {
            return NO_TRIGGER;
        }
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        } catch (ArithmeticException outOfRange) {
            return NO_TRIGGER;
        }
    }

    /** {@code s} naming its service by {@code service}, an equal key. */
    private EndpointSliceInfo(EndpointSliceInfo s, ServiceKey service) {
        this.name = s.name;
        this.service = service;
        this.addressType = s.addressType;
        this.endpoints = s.endpoints;
        this.ports = s.ports;
        this.triggerNanos = s.triggerNanos;
    }

    /**
     * This slice naming its service by {@code key}, which must equal its {@link #service}: the
     * service's own key instance, so that a live source, which reads the Service and its
     * EndpointSlices as separate objects, keeps one key and one name String for both (24 bytes
     * and about 56 a slice). Itself when it already is.
     */
    public EndpointSliceInfo sharingService(ServiceKey key) {
        if (!key.equals(service)) {
            throw new IllegalArgumentException("service " + key + " is not " + service);
        }
        return key == service ? this : new EndpointSliceInfo(this, key);
    }

    /** {@code s} with other endpoints: an {@link EndpointInfo}, or an array of several. */
    private EndpointSliceInfo(EndpointSliceInfo s, Object endpoints) {
        this.name = s.name;
        this.service = s.service;
        this.addressType = s.addressType;
        this.endpoints = endpoints;
        this.ports = s.ports;
        this.triggerNanos = s.triggerNanos;
    }

    /**
     * This slice with each endpoint's {@link EndpointInfo#targetPodName} replaced by the String
     * {@code podName} gives for it (null: keep it), which must be equal: the pod's own name
     * instance, so that a live source, which reads the Pod and the EndpointSlice as two objects,
     * keeps one String for both (about 52 bytes a pod measured live, 7 MB at 135,000 Pods). Itself when no endpoint
     * changed; equal to itself in any case.
     */
    public EndpointSliceInfo sharingPodNames(UnaryOperator<String> podName) {
        if (endpoints instanceof EndpointInfo e) {
            EndpointInfo shared = sharing(e, podName);
            return shared == e ? this : new EndpointSliceInfo(this, shared);
        }
        if (!(endpoints instanceof EndpointInfo[] all)) {
            return this; // columns: no pod names
        }
        EndpointInfo[] copy = null;
        for (int i = 0; i < all.length; i++) {
            EndpointInfo shared = sharing(all[i], podName);
            if (shared != all[i]) {
                if (copy == null) {
                    copy = all.clone();
                }
                copy[i] = shared;
            }
        }
        return copy == null ? this : new EndpointSliceInfo(this, copy);
    }

    /** {@link #endpoints} as columns: the addresses, then the placements. */
    private static Object[] packed(EndpointInfo[] all) {
        int[] v4 = new int[all.length];
        Object[] packed = new Object[all.length + 1];
        packed[0] = v4;
        for (int i = 0; i < all.length; i++) {
            v4[i] = all[i].ipv4();
            packed[i + 1] = all[i].placementPart();
        }
        return packed;
    }

    private static EndpointInfo sharing(EndpointInfo e, UnaryOperator<String> podName) {
        String name = e.targetPodName();
        String instance = name == null ? null : podName.apply(name);
        return instance == null || instance == name ? e : e.sharingTargetPodName(instance);
    }

    public String name() {
        return name instanceof byte[] suffix ? service.name() + "-" + new String(suffix, StandardCharsets.ISO_8859_1) : (String) name;
    }

    /** See {@link #name}: the suffix's bytes, or the name itself. */
    private static Object suffixOf(String name, String service) {
        int from = service.length() + 1;
        if (name.length() <= from || !name.startsWith(service) || name.charAt(from - 1) != '-') {
            return name;
        }
        for (int i = from; i < name.length(); i++) {
            if (name.charAt(i) >= 0x80) {
                return name;
            }
        }
        return name.substring(from).getBytes(StandardCharsets.ISO_8859_1);
    }

    public ServiceKey service() {
        return service;
    }

    public IpFamily addressType() {
        return addressType;
    }

    /** The endpoints, as an immutable list (a view made on each call). */
    public List<EndpointInfo> endpoints() {
        return endpoints instanceof EndpointInfo e ? List.of(e) : new Endpoints(this);
    }

    /** How many endpoints {@link #endpoints()} lists, without making the list. */
    public int endpointCount() {
        if (endpoints instanceof EndpointInfo) {
            return 1;
        }
        return endpoints instanceof EndpointInfo[] all ? all.length : ((Object[]) endpoints).length - 1;
    }

    /**
     * {@code endpoints().get(index)} without making the list (the resolver reads endpoints per
     * query); an endpoint kept in columns is made on each call.
     */
    public EndpointInfo endpoint(int index) {
        if (endpoints instanceof EndpointInfo e) {
            Objects.checkIndex(index, 1);
            return e;
        }
        if (endpoints instanceof EndpointInfo[] all) {
            return all[index];
        }
        Object[] packed = (Object[]) endpoints;
        Objects.checkIndex(index, packed.length - 1);
        return EndpointInfo.unpacked(((int[]) packed[0])[index], packed[index + 1]);
    }

    public List<EndpointPort> ports() {
        return ports;
    }

    public Instant triggerTime() {
        return triggerNanos == NO_TRIGGER ? null : Instant.ofEpochSecond(0, triggerNanos);
    }

    /** As a record's: every component equal. */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof EndpointSliceInfo s && service.equals(s.service) && name().equals(s.name())
                && addressType == s.addressType && endpoints().equals(s.endpoints()) && ports.equals(s.ports)
                && triggerNanos == s.triggerNanos;
    }

    /** As a record's: its components' hashes combined in order. */
    @Override
    public int hashCode() {
        int h = name().hashCode();
        h = 31 * h + service.hashCode();
        h = 31 * h + addressType.hashCode();
        h = 31 * h + endpoints().hashCode();
        h = 31 * h + ports.hashCode();
        return 31 * h + Objects.hashCode(triggerTime());
    }

    /** As a record's text. */
    @Override
    public String toString() {
        return "EndpointSliceInfo[name=" + name() + ", service=" + service + ", addressType=" + addressType + ", endpoints="
                + endpoints() + ", ports=" + ports + ", triggerTime=" + triggerTime() + "]";
    }

    /** An immutable view of a slice's several endpoints. */
    private static final class Endpoints extends AbstractList<EndpointInfo> implements RandomAccess {
        private final EndpointSliceInfo slice;

        Endpoints(EndpointSliceInfo slice) {
            this.slice = slice;
        }

        @Override
        public EndpointInfo get(int index) {
            return slice.endpoint(index);
        }

        @Override
        public int size() {
            return slice.endpointCount();
        }
    }
}
