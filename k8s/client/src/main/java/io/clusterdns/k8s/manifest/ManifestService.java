package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.convert.IpFamilyPolicy;
import io.clusterdns.k8s.model.ServiceInfo;

/**
 * A service as read from a manifest, before allocation: the record plus the two spec fields the
 * record does not keep but allocation needs. {@code policy} is null when the manifest leaves
 * {@code ipFamilyPolicy} to the defaults.
 */
record ManifestService(ServiceInfo info, IpFamilyPolicy policy, boolean allocateLoadBalancerNodePorts, Origin origin) {

    ManifestService with(ServiceInfo newInfo) {
        return new ManifestService(newInfo, policy, allocateLoadBalancerNodePorts, origin);
    }
}
