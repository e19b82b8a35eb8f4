package io.clusterdns.k8s.convert;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fields of a Service that {@link ServiceConverter} reads, whoever read them: {@link #of} a
 * fabric8 {@link Service} (informers, and manifests whose tree is not plain), or the manifest
 * reader straight from the YAML tree (see {@link EndpointSliceFields}). The converter's rules
 * apply to this record only. A missing {@code spec} reads as an empty one (the converter treated
 * both alike); nulls are kept where fabric8 has them (a null port stays a null item).
 *
 * @param ingress {@code status.loadBalancer.ingress}, null when the status, its load balancer or the list is absent
 */
public record ServiceFields(ObjectMetaFields metadata, Spec spec, List<Ingress> ingress) {
    public ServiceFields {
        spec = spec == null ? Spec.EMPTY : spec;
    }

    /**
     * {@code spec}; {@code sessionAffinityTimeout} is {@code sessionAffinityConfig.clientIP.timeoutSeconds}
     * (null when any of them is absent).
     */
    public record Spec(String type, String clusterIP, List<String> clusterIPs, List<String> ipFamilies, String ipFamilyPolicy,
                       List<Port> ports, Map<String, String> selector, List<String> externalIPs, String externalTrafficPolicy,
                       String internalTrafficPolicy, String externalName, String sessionAffinity, Integer sessionAffinityTimeout,
                       Boolean publishNotReadyAddresses, String trafficDistribution, List<String> loadBalancerSourceRanges,
                       Integer healthCheckNodePort, Boolean allocateLoadBalancerNodePorts) {
        static final Spec EMPTY = new Spec(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    /** One item of {@code spec.ports}; {@code targetPort} is a number or a name (both null when unset). */
    public record Port(String name, String protocol, String appProtocol, Integer port, Integer targetPortNumber,
                       String targetPortName, Integer nodePort) {
    }

    /** One item of {@code status.loadBalancer.ingress}. */
    public record Ingress(String ip, String hostname, String ipMode) {
    }

    public static ServiceFields of(Service service) {
        ServiceSpec s = service.getSpec();
        Spec spec = s == null ? null : new Spec(s.getType(), s.getClusterIP(), s.getClusterIPs(), s.getIpFamilies(),
                s.getIpFamilyPolicy(), ports(s.getPorts()), s.getSelector(), s.getExternalIPs(), s.getExternalTrafficPolicy(),
                s.getInternalTrafficPolicy(), s.getExternalName(), s.getSessionAffinity(),
                s.getSessionAffinityConfig() == null || s.getSessionAffinityConfig().getClientIP() == null ? null
                        : s.getSessionAffinityConfig().getClientIP().getTimeoutSeconds(),
                s.getPublishNotReadyAddresses(), s.getTrafficDistribution(), s.getLoadBalancerSourceRanges(),
                s.getHealthCheckNodePort(), s.getAllocateLoadBalancerNodePorts());
        List<Ingress> ingress = null;
        if (service.getStatus() != null && service.getStatus().getLoadBalancer() != null
                && service.getStatus().getLoadBalancer().getIngress() != null) {
            ingress = new ArrayList<>();
            for (LoadBalancerIngress in : service.getStatus().getLoadBalancer().getIngress()) {
                ingress.add(in == null ? null : new Ingress(in.getIp(), in.getHostname(), in.getIpMode()));
            }
        }
        return new ServiceFields(ObjectMetaFields.of(service.getMetadata()), spec, ingress);
    }

    private static List<Port> ports(List<ServicePort> ports) {
        if (ports == null) {
            return null;
        }
        List<Port> out = new ArrayList<>(ports.size());
        for (ServicePort p : ports) {
            IntOrString target = p == null ? null : p.getTargetPort();
            out.add(p == null ? null : new Port(p.getName(), p.getProtocol(), p.getAppProtocol(), p.getPort(),
                    target == null ? null : target.getIntVal(), target == null ? null : target.getStrVal(), p.getNodePort()));
        }
        return out;
    }
}
