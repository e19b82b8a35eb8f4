package io.clusterdns.k8s.convert;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.SessionAffinity;
import io.clusterdns.k8s.model.TrafficPolicy;
import io.fabric8.kubernetes.api.model.Service;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Converts a fabric8 {@link Service} into a {@link ServiceInfo}, validating it as the API server
 * would ({@code ValidateService}, and {@code ValidateLoadBalancerStatus} for the status) and
 * applying its defaults (type ClusterIP, protocol TCP, targetPort = port, namespace default,
 * session affinity None, ClientIP affinity timeout 10800 s, traffic policies Cluster, ipFamilies
 * from clusterIPs). Annotations are kept only under {@code clusterdns.io/}, unchecked. Fields it does
 * not read (loadBalancerClass)
 * are not checked.
 *
 * <p>A service whose manifest leaves the cluster IPs empty comes out with empty
 * {@code clusterIPs} (and the {@code ipFamilies} it asked for, possibly none); allocation is the
 * caller's business ({@link #ipFamilyPolicy} tells it how many families to allocate).
 */
public final class ServiceConverter {
    private static final String NONE = "None";

    private ServiceConverter() {
    }

    /** Converts and validates; throws {@link ConversionException} naming the bad field. */
    public static ServiceInfo convert(Service service) {
        return convert(ServiceFields.of(service));
    }

    /** {@link #convert(Service)} of the fields read from a manifest. */
    public static ServiceInfo convert(ServiceFields service) {
        ObjectMetaFields meta = ObjectMetas.meta(service.metadata());
        String namespace = ObjectMetas.namespace(meta);
        String name = ObjectMetas.name(meta, ObjectMetas.NameRule.DNS1035_LABEL);
        // every label validated, those under the prefix kept: Kubernetes reserves it for what
        // proxies read; a Service's other labels (app, team, a chart's half dozen) are read by no
        // consumer and were a map and its strings in every snapshot
        Map<String, String> labels = ObjectMetas.underPrefix(ObjectMetas.labels(meta), ServiceInfo.LABEL_PREFIX);
        ServiceFields.Spec spec = service.spec();
        ServiceType type = Fields.parse("spec.type", spec.type(), ServiceType::parse);
        List<String> rawIps = rawClusterIps(spec, type);
        boolean headless = headless(rawIps, type);
        List<InetAddress> clusterIps = headless ? List.of() : clusterIps(rawIps, spec, type);
        List<IpFamily> families = type == ServiceType.EXTERNAL_NAME ? List.of() : families(spec, clusterIps);
        Optional<IpFamilyPolicy> policy = ipFamilyPolicy(service);
        checkPolicy(policy, clusterIps, families);
        List<ServicePort> ports = ServicePorts.convert(spec.ports(), type, headless);
        Map<String, String> selector = sharingName(Fields.labels("spec.selector", spec.selector()), name);
        List<InetAddress> externalIps = externalIps(spec);
        TrafficPolicy external = Fields.parse("spec.externalTrafficPolicy", spec.externalTrafficPolicy(), TrafficPolicy::parse);
        TrafficPolicy internal = Fields.parse("spec.internalTrafficPolicy", spec.internalTrafficPolicy(), TrafficPolicy::parse);
        return new ServiceInfo(
                ServiceKey.of(namespace, name), type, clusterIps, headless, families, ports,
                externalName(spec, type), externalIps, LoadBalancers.ingress(service.ingress()),
                LoadBalancers.sourceRanges(spec), sessionAffinity(spec), external, internal,
                LoadBalancers.healthCheckNodePort(spec, type, external), Boolean.TRUE.equals(spec.publishNotReadyAddresses()),
                selector, labels, trafficDistribution(spec), ObjectMetas.annotations(meta, ServiceInfo.ANNOTATION_PREFIX));
    }

    /**
     * {@code selector} with each value equal to the Service's {@code name} as that name's String
     * ({@code app: web} for Service web is the common case): parsed from JSON or YAML, the value is
     * a String of its own, about 56 bytes a Service kept for nothing.
     */
    static Map<String, String> sharingName(Map<String, String> selector, String name) {
        if (!selector.containsValue(name)) {
            return selector;
        }
        Map<String, String> shared = new java.util.HashMap<>(selector);
        shared.replaceAll((k, v) -> v.equals(name) ? name : v);
        return shared;
    }

    /** The values the API server accepts for {@code spec.trafficDistribution} (Kubernetes 1.35). */
    public static final List<String> TRAFFIC_DISTRIBUTIONS = List.of("PreferClose", "PreferSameZone", "PreferSameNode");

    private static String trafficDistribution(ServiceFields.Spec spec) {
        String value = spec.trafficDistribution();
        if (value == null) {
            return null;
        }
        if (!TRAFFIC_DISTRIBUTIONS.contains(value)) {
            throw new ConversionException("spec.trafficDistribution", "Unsupported value: " + Fields.quote(value) + ": supported values: "
                    + String.join(", ", TRAFFIC_DISTRIBUTIONS.stream().map(Fields::quote).toList()));
        }
        return value;
    }

    /**
     * The rules an API server applies when a Service is created that objects it stored earlier may
     * break: fields allowed only on some types, which older API servers accepted and type changes
     * can leave behind (see {@link ServiceCreateRules}). The manifest source, which stands in for
     * creating the objects, applies them besides {@link #convert}; an informer must not, or it
     * would drop a live service over a field nothing reads.
     */
    public static void checkAsCreated(Service service) {
        checkAsCreated(ServiceFields.of(service));
    }

    /** {@link #checkAsCreated(Service)} of the fields read from a manifest. */
    public static void checkAsCreated(ServiceFields service) {
        ServiceCreateRules.check(service);
    }

    /** {@code spec.ipFamilyPolicy}, empty when the manifest leaves it to the defaults. */
    public static Optional<IpFamilyPolicy> ipFamilyPolicy(Service service) {
        return ipFamilyPolicy(ServiceFields.of(service));
    }

    /** {@link #ipFamilyPolicy(Service)} of the fields read from a manifest. */
    public static Optional<IpFamilyPolicy> ipFamilyPolicy(ServiceFields service) {
        String policy = service.spec().ipFamilyPolicy();
        if (Fields.isBlank(policy)) {
            return Optional.empty();
        }
        return Optional.of(Fields.parse("spec.ipFamilyPolicy", policy, IpFamilyPolicy::parse));
    }

    /** {@code spec.allocateLoadBalancerNodePorts}, true unless explicitly false. */
    public static boolean allocateLoadBalancerNodePorts(Service service) {
        return allocateLoadBalancerNodePorts(ServiceFields.of(service));
    }

    /** {@link #allocateLoadBalancerNodePorts(Service)} of the fields read from a manifest. */
    public static boolean allocateLoadBalancerNodePorts(ServiceFields service) {
        return !Boolean.FALSE.equals(service.spec().allocateLoadBalancerNodePorts());
    }

    /**
     * clusterIPs, else clusterIP, checked for agreement. The API server refuses clusterIPs without
     * clusterIP on create; that one rule is relaxed here (clusterIP is taken as clusterIPs[0]) because
     * test fixtures of the other modules write dual-stack services that way.
     */
    private static List<String> rawClusterIps(ServiceFields.Spec spec, ServiceType type) {
        String single = spec.clusterIP();
        List<String> multi = Fields.list(spec.clusterIPs());
        if (type == ServiceType.EXTERNAL_NAME) {
            if (!Fields.isBlank(single) || !multi.isEmpty()) {
                throw new ConversionException(Fields.isBlank(single) ? "spec.clusterIPs" : "spec.clusterIP", "may not be set for type ExternalName");
            }
            return List.of();
        }
        if (multi.isEmpty()) {
            return Fields.isBlank(single) ? List.of() : List.of(single);
        }
        if (Fields.isBlank(single)) {
            // the API server fills clusterIPs from clusterIP for old clients, never the other way round
            throw new ConversionException("spec.clusterIP", "must be set when spec.clusterIPs is (to its first entry, \""
                    + multi.get(0) + "\")");
        }
        if (!single.equals(multi.get(0))) {
            throw new ConversionException("spec.clusterIPs[0]", "must match spec.clusterIP (\"" + single + "\"), got \"" + multi.get(0) + "\"");
        }
        if (multi.size() > 2) {
            throw new ConversionException("spec.clusterIPs", "at most 2 entries (one per IP family), got " + multi.size());
        }
        return multi;
    }

    private static List<InetAddress> clusterIps(List<String> raw, ServiceFields.Spec spec, ServiceType type) {
        boolean fromList = !Fields.list(spec.clusterIPs()).isEmpty();
        List<InetAddress> ips = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            String path = fromList ? FieldPaths.index("spec.clusterIPs", i) : "spec.clusterIP";
            InetAddress ip = IpAddresses.tryParse(raw.get(i));
            if (ip == null) {
                String what = i == 0 ? " is not an IP address or None" : " is not an IP address";
                throw new ConversionException(path, Fields.quote(raw.get(i)) + what);
            }
            if (i == 1 && IpFamily.of(ip) == IpFamily.of(ips.get(0))) {
                throw new ConversionException(path, "must be of the other IP family than spec.clusterIPs[0]");
            }
            ips.add(ip);
        }
        return ips;
    }

    /** True for {@code clusterIP: None}; only ClusterIP-type services may be headless. */
    private static boolean headless(List<String> raw, ServiceType type) {
        if (raw.isEmpty() || !NONE.equals(raw.get(0))) {
            return false;
        }
        if (type != ServiceType.CLUSTER_IP) {
            throw new ConversionException("spec.clusterIP", "may not be None for type " + type.apiName());
        }
        if (raw.size() > 1) {
            throw new ConversionException("spec.clusterIPs[1]", "must not be set when spec.clusterIP is None");
        }
        return true;
    }

    /** spec.ipFamilies, checked against the cluster IPs they describe; derived from them when absent. */
    private static List<IpFamily> families(ServiceFields.Spec spec, List<InetAddress> clusterIps) {
        List<String> raw = Fields.list(spec.ipFamilies());
        if (raw.size() > 2) {
            throw new ConversionException("spec.ipFamilies", "at most 2 entries, got " + raw.size());
        }
        List<IpFamily> families = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            String path = FieldPaths.index("spec.ipFamilies", i);
            IpFamily f = Fields.parse(path, raw.get(i), IpFamily::parse);
            if (families.contains(f)) {
                throw new ConversionException(path, "duplicate family " + raw.get(i));
            }
            if (i < clusterIps.size() && IpFamily.of(clusterIps.get(i)) != f) {
                throw new ConversionException(path, raw.get(i) + " does not match the family of spec.clusterIPs[" + i
                        + "] (" + IpAddresses.format(clusterIps.get(i)) + ")");
            }
            families.add(f);
        }
        if (families.size() >= clusterIps.size()) {
            return families;
        }
        return clusterIps.stream().map(IpFamily::of).toList();
    }

    private static void checkPolicy(Optional<IpFamilyPolicy> policy, List<InetAddress> ips, List<IpFamily> families) {
        if (policy.isEmpty() || policy.get() != IpFamilyPolicy.SINGLE_STACK) {
            return;
        }
        if (ips.size() > 1) {
            throw new ConversionException("spec.clusterIPs", "SingleStack allows one cluster IP, got " + ips.size());
        }
        if (families.size() > 1) {
            throw new ConversionException("spec.ipFamilies", "SingleStack allows one IP family, got " + families.size());
        }
    }

    /** ExternalName target: a DNS-1123 subdomain (an IP passes that test and is kept, as the API keeps it). */
    private static String externalName(ServiceFields.Spec spec, ServiceType type) {
        if (type != ServiceType.EXTERNAL_NAME) {
            return null;
        }
        String target = spec.externalName();
        if (Fields.isBlank(target)) {
            throw new ConversionException("spec.externalName", "required for type ExternalName");
        }
        String bare = target.endsWith(".") ? target.substring(0, target.length() - 1) : target;
        if (!DnsNames.isDns1123Subdomain(bare)) {
            throw new ConversionException("spec.externalName", Fields.quote(target)
                    + " is not a valid DNS name (lower-case letters, digits, '-' and '.', at most 253 characters)");
        }
        return target;
    }

    private static List<InetAddress> externalIps(ServiceFields.Spec spec) {
        List<String> raw = Fields.list(spec.externalIPs());
        List<InetAddress> out = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            out.add(Fields.endpointIp(FieldPaths.index("spec.externalIPs", i), raw.get(i), null));
        }
        return out;
    }

    private static SessionAffinity sessionAffinity(ServiceFields.Spec spec) {
        String value = spec.sessionAffinity();
        if (Fields.isBlank(value) || value.equals("None")) {
            return SessionAffinity.NONE;
        }
        if (!value.equals("ClientIP")) {
            throw new ConversionException("spec.sessionAffinity", "unsupported session affinity \"" + value + "\" (expected None or ClientIP)");
        }
        Integer timeout = spec.sessionAffinityTimeout();
        int seconds = timeout == null ? SessionAffinity.DEFAULT_TIMEOUT_SECONDS : timeout;
        if (seconds < 1 || seconds > 86400) {
            throw new ConversionException("spec.sessionAffinityConfig.clientIP.timeoutSeconds", "must be 1..86400, got " + seconds);
        }
        return SessionAffinity.clientIp(seconds);
    }
}
