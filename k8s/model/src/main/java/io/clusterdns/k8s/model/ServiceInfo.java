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
 * treats an empty selector as none. A single IPv4 cluster IP is kept as an int
 * ({@link IpAddresses#compactList}).
 *
 * <p>{@code trafficDistribution} is {@code spec.trafficDistribution} ({@code PreferClose},
 * {@code PreferSameZone}, {@code PreferSameNode}) or null. Proxies do not read it (they follow the
 * hints the EndpointSlice controller writes for it, see {@link EndpointInfo#zoneHints()}); it is
 * kept for whoever stands in for that controller (the manifest source) and for status pages.
 *
 * <p>{@code annotations} holds only the Service's annotations under {@link #ANNOTATION_PREFIX}
 * (settings of clusterdns itself, such as the agent's load balancing mode): other annotations
 * (kubectl's last-applied-configuration among them) would cost memory in every snapshot for nothing.
 */
public record ServiceInfo(
        ServiceKey key,
        ServiceType type,
        List<InetAddress> clusterIPs,
        boolean headless,
        List<IpFamily> ipFamilies,
        List<ServicePort> ports,
        String externalName,
        List<InetAddress> externalIPs,
        List<LoadBalancerIngress> loadBalancerIngress,
        List<String> loadBalancerSourceRanges,
        SessionAffinity sessionAffinity,
        TrafficPolicy externalTrafficPolicy,
        TrafficPolicy internalTrafficPolicy,
        int healthCheckNodePort,
        boolean publishNotReadyAddresses,
        Map<String, String> selector,
        Map<String, String> labels,
        String trafficDistribution,
        Map<String, String> annotations) {

    /** The only annotations kept: {@code clusterdns.io/...}. */
    public static final String ANNOTATION_PREFIX = "clusterdns.io/";

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

    public ServiceInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        clusterIPs = IpAddresses.compactList(clusterIPs);
        ipFamilies = SharedValues.families(ipFamilies);
        ports = SharedValues.ports(List.copyOf(ports));
        externalIPs = externalIPs == null ? List.of() : List.copyOf(externalIPs);
        loadBalancerIngress = loadBalancerIngress == null ? List.of() : List.copyOf(loadBalancerIngress);
        loadBalancerSourceRanges = loadBalancerSourceRanges == null ? List.of() : List.copyOf(loadBalancerSourceRanges);
        sessionAffinity = sessionAffinity == null || sessionAffinity.equals(SessionAffinity.NONE) ? SessionAffinity.NONE : sessionAffinity;
        externalTrafficPolicy = externalTrafficPolicy == null ? TrafficPolicy.CLUSTER : externalTrafficPolicy;
        internalTrafficPolicy = internalTrafficPolicy == null ? TrafficPolicy.CLUSTER : internalTrafficPolicy;
        selector = selector == null || selector.isEmpty() ? null : Map.copyOf(selector);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        if (type == ServiceType.EXTERNAL_NAME && (externalName == null || externalName.isEmpty())) {
            throw new IllegalArgumentException("spec.externalName is required for type ExternalName");
        }
    }

    public String namespace() {
        return key.namespace();
    }

    public String name() {
        return key.name();
    }

    /** True when the service has at least one allocated virtual IP. */
    public boolean hasClusterIP() {
        return !clusterIPs.isEmpty();
    }

    public boolean isExternalName() {
        return type == ServiceType.EXTERNAL_NAME;
    }

    /** A copy with other cluster IPs (allocation of IPs the manifest left empty). */
    public ServiceInfo withClusterIPs(List<InetAddress> ips, List<IpFamily> families) {
        return new ServiceInfo(key, type, ips, headless, families, ports, externalName, externalIPs,
                loadBalancerIngress, loadBalancerSourceRanges, sessionAffinity, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, publishNotReadyAddresses, selector, labels, trafficDistribution, annotations);
    }

    /** A copy with other ports (allocation of node ports the manifest left empty). */
    public ServiceInfo withPorts(List<ServicePort> newPorts) {
        return new ServiceInfo(key, type, clusterIPs, headless, ipFamilies, newPorts, externalName, externalIPs,
                loadBalancerIngress, loadBalancerSourceRanges, sessionAffinity, externalTrafficPolicy,
                internalTrafficPolicy, healthCheckNodePort, publishNotReadyAddresses, selector, labels, trafficDistribution, annotations);
    }

    /** A copy with another health-check node port (allocated for LoadBalancer + externalTrafficPolicy Local). */
    public ServiceInfo withHealthCheckNodePort(int port) {
        return new ServiceInfo(key, type, clusterIPs, headless, ipFamilies, ports, externalName, externalIPs,
                loadBalancerIngress, loadBalancerSourceRanges, sessionAffinity, externalTrafficPolicy,
                internalTrafficPolicy, port, publishNotReadyAddresses, selector, labels, trafficDistribution, annotations);
    }
}
