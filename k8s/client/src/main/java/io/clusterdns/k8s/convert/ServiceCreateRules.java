package io.clusterdns.k8s.convert;

import io.clusterdns.k8s.model.ServiceType;

/**
 * Fields an API server refuses on creation for some Service types ({@code ValidateService}):
 * externalTrafficPolicy on services that are not externally accessible; ipFamilies and
 * ipFamilyPolicy on ExternalName; loadBalancerSourceRanges, allocateLoadBalancerNodePorts and
 * status.loadBalancer.ingress on anything but LoadBalancer. Objects stored before a rule existed,
 * or left over from a change of type, may still carry them, so these rules are kept apart from
 * the conversion the informers share.
 */
final class ServiceCreateRules {
    private static final String ONLY_LB = "may only be used when type is LoadBalancer";

    private ServiceCreateRules() {
    }

    static void check(ServiceFields service) {
        ServiceFields.Spec spec = service.spec();
        ServiceType type = Fields.parse("spec.type", spec.type(), ServiceType::parse);
        boolean accessible = type == ServiceType.NODE_PORT || type == ServiceType.LOAD_BALANCER
                || (type == ServiceType.CLUSTER_IP && !Fields.list(spec.externalIPs()).isEmpty());
        if (!accessible && !Fields.isBlank(spec.externalTrafficPolicy())) {
            throw new ConversionException("spec.externalTrafficPolicy",
                    "may only be set for externally-accessible services (type NodePort or LoadBalancer, or with externalIPs)");
        }
        if (type == ServiceType.EXTERNAL_NAME && !Fields.list(spec.ipFamilies()).isEmpty()) {
            throw new ConversionException("spec.ipFamilies", "may not be set for type ExternalName");
        }
        if (type == ServiceType.EXTERNAL_NAME && spec.ipFamilyPolicy() != null) {
            throw new ConversionException("spec.ipFamilyPolicy", "may not be set for type ExternalName");
        }
        if (type == ServiceType.LOAD_BALANCER) {
            return;
        }
        if (!Fields.list(spec.loadBalancerSourceRanges()).isEmpty()) {
            throw new ConversionException("spec.loadBalancerSourceRanges", ONLY_LB);
        }
        if (spec.allocateLoadBalancerNodePorts() != null) {
            throw new ConversionException("spec.allocateLoadBalancerNodePorts", ONLY_LB);
        }
        if (!Fields.list(service.ingress()).isEmpty()) {
            throw new ConversionException("status.loadBalancer.ingress", "may only be used when spec.type is LoadBalancer");
        }
    }
}
