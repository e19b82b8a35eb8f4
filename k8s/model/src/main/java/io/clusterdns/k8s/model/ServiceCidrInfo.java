package io.clusterdns.k8s.model;

import java.util.List;
import java.util.Objects;

/**
 * A ServiceCIDR ({@code networking.k8s.io/v1}, GA in Kubernetes 1.33): a range the API server
 * allocates ClusterIPs from. The default one, {@value #DEFAULT_NAME}, mirrors the API server's
 * {@code --service-cluster-ip-range}; administrators add more to grow the service range. The data
 * plane drops traffic to unallocated addresses of every ServiceCIDR's ranges, as kube-proxy does;
 * the object's status is not kept (a terminating ServiceCIDR still holds allocated addresses).
 *
 * @param cidrs {@code spec.cidrs}: one or two ranges (one per family), canonical
 *              ({@code 10.96.0.0/12}, {@code fd00:10:96::/112}), validated by the converter
 */
public record ServiceCidrInfo(String name, List<String> cidrs) {
    /** The ServiceCIDR the API server creates from its {@code --service-cluster-ip-range}. */
    public static final String DEFAULT_NAME = "kubernetes";

    public ServiceCidrInfo {
        Objects.requireNonNull(name, "name");
        cidrs = List.copyOf(cidrs);
    }
}
