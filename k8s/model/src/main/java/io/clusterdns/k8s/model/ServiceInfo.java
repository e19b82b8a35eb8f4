package io.clusterdns.k8s.model;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The slim projection of a Service: only the fields DNS, the data plane and the env injector use.
 *
 * <p>{@code clusterIPs} is empty for headless services ({@code clusterIP: None}) and for
 * ExternalName services; {@code headless} distinguishes the former. {@code selector} is null for a
 * service without selector (endpoints managed by hand), and an empty map never occurs: the API
 * treats an empty selector as none.
 *
 * <p>{@code trafficDistribution} is {@code spec.trafficDistribution} ({@code PreferClose},
 * {@code PreferSameZone}, {@code PreferSameNode}) or null. Proxies do not read it (they follow the
 * hints the EndpointSlice controller writes for it, see {@link EndpointInfo#zoneHints()}); it is
 * kept for whoever stands in for that controller (the manifest source) and for status pages.
 *
 * <p>{@code annotations} holds only the Service's annotations under {@link #ANNOTATION_PREFIX}
 * (settings of clusterdns itself, such as the agent's load balancing mode): other annotations
 * (kubectl's last-applied-configuration among them) would cost memory in every snapshot for nothing.
 * For the same reason the converters give it only the labels under {@link #LABEL_PREFIX}, the ones
 * proxies read.
 */
public final class ServiceInfo {
    private static final ServiceType[] TYPES = ServiceType.values();
    private static final byte HEADLESS = 1;
    private static final byte PUBLISH_NOT_READY = 2;
    /** The cluster IPs are one IPv4 address, in {@link #v4}. */
    private static final byte ONE_V4 = 4;

    private final ServiceKey key;
    /** The cluster IP when {@link #ONE_V4} is set; other cluster IP lists but the empty one are in {@link #rare}. */
    private final int v4;
    private final List<ServicePort> ports;
    /**
     * Null (no selector), the selector's one key when it selects the service's own name
     * ({@code app: web} for web, the usual selector: its map cost 32 bytes a service), else the
     * selector. Canonical for a given name, so equal services hold equal forms.
     */
    private final Object selector;
    private final Map<String, String> labels;
    /** Null while every component it holds has its default, as for nearly every ClusterIP service. */
    private final Rare rare;
    private final byte type;
    /** {@link #FAMILIES} index of the IP families; -1: an odd list, kept in {@link #rare}. */
    private final byte families;
    private final byte flags;

    /** The IP family lists a service has, by index; {@link SharedValues#families} makes them these instances. */
    private static final List<List<IpFamily>> FAMILIES = List.of(List.of(), SharedValues.families(List.of(IpFamily.IPV4)),
            SharedValues.families(List.of(IpFamily.IPV6)), SharedValues.families(List.of(IpFamily.IPV4, IpFamily.IPV6)),
            SharedValues.families(List.of(IpFamily.IPV6, IpFamily.IPV4)));

    /** The components few services set, apart (see the class comment). */
    private record Rare(String externalName, List<InetAddress> externalIPs, List<LoadBalancerIngress> loadBalancerIngress,
                        List<String> loadBalancerSourceRanges, SessionAffinity sessionAffinity, TrafficPolicy externalTrafficPolicy,
                        TrafficPolicy internalTrafficPolicy, int healthCheckNodePort, String trafficDistribution,
                        Map<String, String> annotations, List<IpFamily> ipFamilies, List<InetAddress> clusterIPs) {
        static final Rare DEFAULTS = new Rare(null, List.of(), List.of(), List.of(), SessionAffinity.NONE, TrafficPolicy.CLUSTER,
                TrafficPolicy.CLUSTER, 0, null, Map.of(), null, null);
    }

    /** The only annotations kept: {@code clusterdns.io/...}. */
    public static final String ANNOTATION_PREFIX = "clusterdns.io/";
    /**
     * The only labels the converters keep: {@code service.kubernetes.io/...}, which Kubernetes
     * reserves for what proxies read ({@code service-proxy-name}, {@code headless}).
     */
    public static final String LABEL_PREFIX = "service.kubernetes.io/";

    /** A service without {@code spec.trafficDistribution} nor clusterdns annotations. */
    public ServiceInfo(ServiceKey key, ServiceType type, List<InetAddress> clusterIPs, boolean headless, List<IpFamily> ipFamilies,
                       List<ServicePort> ports, String externalName, List<InetAddress> externalIPs,
                       List<LoadBalancerIngress> loadBalancerIngress, List<String> loadBalancerSourceRanges,
                       SessionAffinity sessionAffinity, TrafficPolicy externalTrafficPolicy, TrafficPolicy internalTrafficPolicy,
                       int healthCheckNodePort, boolean publishNotReadyAddresses, Map<String, String> selector,
                       Map<String, String> labels) {
        this(key, type, clusterIPs, headless, ipFamilies, ports, externalName, externalIPs, loadBalancerIngress,
                loadBalancerSourceRanges, sessionAffinity, externalTrafficPolicy, internalTrafficPolicy, healthCheckNodePort,
                publishNotReadyAddresses, selector, labels, null, Map.of());
    }

    /** A service without clusterdns annotations. */
    public ServiceInfo(ServiceKey key, ServiceType type, List<InetAddress> clusterIPs, boolean headless, List<IpFamily> ipFamilies,
                       List<ServicePort> ports, String externalName, List<InetAddress> externalIPs,
                       List<LoadBalancerIngress> loadBalancerIngress, List<String> loadBalancerSourceRanges,
                       SessionAffinity sessionAffinity, TrafficPolicy externalTrafficPolicy, TrafficPolicy internalTrafficPolicy,
                       int healthCheckNodePort, boolean publishNotReadyAddresses, Map<String, String> selector,
                       Map<String, String> labels, String trafficDistribution) {
        this(key, type, clusterIPs, headless, ipFamilies, ports, externalName, externalIPs, loadBalancerIngress,
                loadBalancerSourceRanges, sessionAffinity, externalTrafficPolicy, internalTrafficPolicy, healthCheckNodePort,
                publishNotReadyAddresses, selector, labels, trafficDistribution, Map.of());
    }

    /** A service without {@code spec.trafficDistribution}, with clusterdns annotations. */
    public ServiceInfo(ServiceKey key, ServiceType type, List<InetAddress> clusterIPs, boolean headless, List<IpFamily> ipFamilies,
                       List<ServicePort> ports, String externalName, List<InetAddress> externalIPs,
                       List<LoadBalancerIngress> loadBalancerIngress, List<String> loadBalancerSourceRanges,
                       SessionAffinity sessionAffinity, TrafficPolicy externalTrafficPolicy, TrafficPolicy internalTrafficPolicy,
                       int healthCheckNodePort, boolean publishNotReadyAddresses, Map<String, String> selector,
                       Map<String, String> labels, Map<String, String> annotations) {
        this(key, type, clusterIPs, headless, ipFamilies, ports, externalName, externalIPs, loadBalancerIngress,
                loadBalancerSourceRanges, sessionAffinity, externalTrafficPolicy, internalTrafficPolicy, healthCheckNodePort,
                publishNotReadyAddresses, selector, labels, null, annotations);
    }

    public ServiceInfo(ServiceKey key, ServiceType type, List<InetAddress> clusterIPs, boolean headless, List<IpFamily> ipFamilies,
                       List<ServicePort> ports, String externalName, List<InetAddress> externalIPs,
                       List<LoadBalancerIngress> loadBalancerIngress, List<String> loadBalancerSourceRanges,
                       SessionAffinity sessionAffinity, TrafficPolicy externalTrafficPolicy, TrafficPolicy internalTrafficPolicy,
                       int healthCheckNodePort, boolean publishNotReadyAddresses, Map<String, String> selector,
                       Map<String, String> labels, String trafficDistribution, Map<String, String> annotations) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        if (type == ServiceType.EXTERNAL_NAME && (externalName == null || externalName.isEmpty())) {
            throw new IllegalArgumentException("spec.externalName is required for type ExternalName");
        }
        this.key = key;
        this.type = (byte) type.ordinal();
        List<InetAddress> ips = IpAddresses.compactList(clusterIPs);
        boolean oneV4 = IpAddresses.isOneV4(ips);
        this.v4 = oneV4 ? IpAddresses.v4(ips.get(0)) : 0;
        List<IpFamily> families = SharedValues.families(ipFamilies);
        this.families = (byte) FAMILIES.indexOf(families);
        this.ports = SharedValues.ports(List.copyOf(ports));
        this.flags = (byte) ((headless ? HEADLESS : 0) | (publishNotReadyAddresses ? PUBLISH_NOT_READY : 0) | (oneV4 ? ONE_V4 : 0));
        this.selector = compactSelector(selector, key.name());
        this.labels = labels == null ? Map.of() : Map.copyOf(labels);
        Rare r = new Rare(externalName,
                externalIPs == null ? List.of() : List.copyOf(externalIPs),
                loadBalancerIngress == null ? List.of() : List.copyOf(loadBalancerIngress),
                loadBalancerSourceRanges == null ? List.of() : List.copyOf(loadBalancerSourceRanges),
                sessionAffinity == null || sessionAffinity.equals(SessionAffinity.NONE) ? SessionAffinity.NONE : sessionAffinity,
                externalTrafficPolicy == null ? TrafficPolicy.CLUSTER : externalTrafficPolicy,
                internalTrafficPolicy == null ? TrafficPolicy.CLUSTER : internalTrafficPolicy,
                healthCheckNodePort, trafficDistribution,
                annotations == null ? Map.of() : Map.copyOf(annotations),
                this.families < 0 ? families : null, oneV4 || ips.isEmpty() ? null : ips);
        this.rare = r.equals(Rare.DEFAULTS) ? null : r;
    }

    private Rare rare() {
        return rare == null ? Rare.DEFAULTS : rare;
    }

    public ServiceKey key() {
        return key;
    }

    public ServiceType type() {
        return TYPES[type];
    }

    /** The cluster IPs; a single IPv4 one makes its list on each call ({@link IpAddresses#compactList}). */
    public List<InetAddress> clusterIPs() {
        if ((flags & ONE_V4) != 0) {
            return IpAddresses.oneV4(v4);
        }
        return rare == null || rare.clusterIPs() == null ? List.of() : rare.clusterIPs();
    }

    public boolean headless() {
        return (flags & HEADLESS) != 0;
    }

    public List<IpFamily> ipFamilies() {
        return families >= 0 ? FAMILIES.get(families) : rare.ipFamilies();
    }

    public List<ServicePort> ports() {
        return ports;
    }

    public String externalName() {
        return rare().externalName();
    }

    public List<InetAddress> externalIPs() {
        return rare().externalIPs();
    }

    public List<LoadBalancerIngress> loadBalancerIngress() {
        return rare().loadBalancerIngress();
    }

    public List<String> loadBalancerSourceRanges() {
        return rare().loadBalancerSourceRanges();
    }

    public SessionAffinity sessionAffinity() {
        return rare().sessionAffinity();
    }

    public TrafficPolicy externalTrafficPolicy() {
        return rare().externalTrafficPolicy();
    }

    public TrafficPolicy internalTrafficPolicy() {
        return rare().internalTrafficPolicy();
    }

    public int healthCheckNodePort() {
        return rare().healthCheckNodePort();
    }

    public boolean publishNotReadyAddresses() {
        return (flags & PUBLISH_NOT_READY) != 0;
    }

    /** The selector, null when none; one selecting the service's own name is made on each call. */
    @SuppressWarnings("unchecked")
    public Map<String, String> selector() {
        return selector instanceof String onlyKey ? Map.of(onlyKey, key.name()) : (Map<String, String>) selector;
    }

    private static Object compactSelector(Map<String, String> selector, String name) {
        if (selector == null || selector.isEmpty()) {
            return null;
        }
        if (selector.size() == 1) {
            Map.Entry<String, String> only = selector.entrySet().iterator().next();
            if (name.equals(only.getValue())) {
                return SharedValues.name(only.getKey());
            }
        }
        return Map.copyOf(selector);
    }

    public Map<String, String> labels() {
        return labels;
    }

    public String trafficDistribution() {
        return rare().trafficDistribution();
    }

    public Map<String, String> annotations() {
        return rare().annotations();
    }

    /** As a record's: every component equal (the compact form is canonical, so comparing it is that). */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof ServiceInfo s && key.equals(s.key) && type == s.type && families == s.families && flags == s.flags
                && v4 == s.v4 && ports.equals(s.ports) && Objects.equals(selector, s.selector)
                && labels.equals(s.labels) && Objects.equals(rare, s.rare);
    }

    /** As a record's: its components' hashes combined in order. */
    @Override
    public int hashCode() {
        int h = key.hashCode();
        h = 31 * h + type().hashCode();
        h = 31 * h + clusterIPs().hashCode();
        h = 31 * h + Boolean.hashCode(headless());
        h = 31 * h + ipFamilies().hashCode();
        h = 31 * h + ports.hashCode();
        h = 31 * h + Objects.hashCode(externalName());
        h = 31 * h + externalIPs().hashCode();
        h = 31 * h + loadBalancerIngress().hashCode();
        h = 31 * h + loadBalancerSourceRanges().hashCode();
        h = 31 * h + sessionAffinity().hashCode();
        h = 31 * h + externalTrafficPolicy().hashCode();
        h = 31 * h + internalTrafficPolicy().hashCode();
        h = 31 * h + Integer.hashCode(healthCheckNodePort());
        h = 31 * h + Boolean.hashCode(publishNotReadyAddresses());
        h = 31 * h + Objects.hashCode(selector());
        h = 31 * h + labels.hashCode();
        h = 31 * h + Objects.hashCode(trafficDistribution());
        return 31 * h + annotations().hashCode();
    }

    /** As a record's text. */
    @Override
    public String toString() {
        return "ServiceInfo[key=" + key + ", type=" + type() + ", clusterIPs=" + clusterIPs() + ", headless=" + headless()
                + ", ipFamilies=" + ipFamilies() + ", ports=" + ports + ", externalName=" + externalName() + ", externalIPs="
                + externalIPs() + ", loadBalancerIngress=" + loadBalancerIngress() + ", loadBalancerSourceRanges="
                + loadBalancerSourceRanges() + ", sessionAffinity=" + sessionAffinity() + ", externalTrafficPolicy="
                + externalTrafficPolicy() + ", internalTrafficPolicy=" + internalTrafficPolicy() + ", healthCheckNodePort="
                + healthCheckNodePort() + ", publishNotReadyAddresses=" + publishNotReadyAddresses() + ", selector=" + selector()
                + ", labels=" + labels + ", trafficDistribution=" + trafficDistribution() + ", annotations=" + annotations() + "]";
    }

    public String namespace() {
        return key.namespace();
    }

    public String name() {
        return key.name();
    }

    /** True when the service has at least one allocated virtual IP. */
    public boolean hasClusterIP() {
        return (flags & ONE_V4) != 0 || rare != null && rare.clusterIPs() != null;
    }

    public boolean isExternalName() {
        return type() == ServiceType.EXTERNAL_NAME;
    }

    /**
     * This service with {@code key}, which must equal its {@link #key}, as that key's instance
     * (itself when it already is): a live source gives a changed service the key its
     * EndpointSlices hold ({@link EndpointSliceInfo#sharingService}).
     */
    public ServiceInfo sharingKey(ServiceKey key) {
        if (!key.equals(this.key)) {
            throw new IllegalArgumentException("service key " + key + " is not " + this.key);
        }
        return key == this.key ? this : new ServiceInfo(this, key);
    }

    private ServiceInfo(ServiceInfo s, ServiceKey key) {
        this.key = key;
        this.v4 = s.v4;
        this.ports = s.ports;
        this.selector = s.selector;
        this.labels = s.labels;
        this.rare = s.rare;
        this.type = s.type;
        this.families = s.families;
        this.flags = s.flags;
    }

    /** A copy with other cluster IPs (allocation of IPs the manifest left empty). */
    public ServiceInfo withClusterIPs(List<InetAddress> ips, List<IpFamily> families) {
        return new ServiceInfo(key, type(), ips, headless(), families, ports, externalName(), externalIPs(),
                loadBalancerIngress(), loadBalancerSourceRanges(), sessionAffinity(), externalTrafficPolicy(),
                internalTrafficPolicy(), healthCheckNodePort(), publishNotReadyAddresses(), selector(), labels, trafficDistribution(),
                annotations());
    }

    /** A copy with other ports (allocation of node ports the manifest left empty). */
    public ServiceInfo withPorts(List<ServicePort> newPorts) {
        return new ServiceInfo(key, type(), clusterIPs(), headless(), ipFamilies(), newPorts, externalName(), externalIPs(),
                loadBalancerIngress(), loadBalancerSourceRanges(), sessionAffinity(), externalTrafficPolicy(),
                internalTrafficPolicy(), healthCheckNodePort(), publishNotReadyAddresses(), selector(), labels, trafficDistribution(),
                annotations());
    }

    /** A copy with another health-check node port (allocated for LoadBalancer + externalTrafficPolicy Local). */
    public ServiceInfo withHealthCheckNodePort(int port) {
        return new ServiceInfo(key, type(), clusterIPs(), headless(), ipFamilies(), ports, externalName(), externalIPs(),
                loadBalancerIngress(), loadBalancerSourceRanges(), sessionAffinity(), externalTrafficPolicy(),
                internalTrafficPolicy(), port, publishNotReadyAddresses(), selector(), labels, trafficDistribution(), annotations());
    }
}
