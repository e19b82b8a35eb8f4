package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.convert.IpFamilyPolicy;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.ServiceInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides a service's final {@code ipFamilies} the way the API server does in a dual-stack
 * cluster whose primary family is IPv4 (the manifest source's cluster has both service CIDRs).
 */
final class IpFamilyPlanner {
    private IpFamilyPlanner() {
    }

    /**
     * The families the service ends up with, in order: the manifest's own (written, or implied by
     * its cluster IPs) first, then IPv4 by default, plus the other family for dual-stack policies.
     * Headless services get families too (they choose the endpoint slices' address types);
     * ExternalName services get none.
     */
    static List<IpFamily> families(ManifestService service) {
        ServiceInfo info = service.info();
        if (info.isExternalName()) {
            return List.of();
        }
        List<IpFamily> families = new ArrayList<>(info.ipFamilies());
        if (families.isEmpty()) {
            families.add(IpFamily.IPV4);
        }
        if (policy(service).dualStack() && families.size() == 1) {
            families.add(families.get(0) == IpFamily.IPV4 ? IpFamily.IPV6 : IpFamily.IPV4);
        }
        return families;
    }

    /**
     * The policy as the API server infers it when unset: two families or two IPs mean
     * RequireDualStack, so does a headless service without selector; anything else SingleStack.
     */
    static IpFamilyPolicy policy(ManifestService service) {
        if (service.policy() != null) {
            return service.policy();
        }
        ServiceInfo info = service.info();
        if (info.ipFamilies().size() == 2 || info.clusterIPs().size() == 2) {
            return IpFamilyPolicy.REQUIRE_DUAL_STACK;
        }
        if (info.headless() && info.selector() == null) {
            return IpFamilyPolicy.REQUIRE_DUAL_STACK;
        }
        return IpFamilyPolicy.SINGLE_STACK;
    }
}
