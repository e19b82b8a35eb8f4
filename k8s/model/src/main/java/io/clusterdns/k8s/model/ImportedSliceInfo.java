package io.clusterdns.k8s.model;

import java.util.Objects;

/**
 * An EndpointSlice an MCS controller wrote for a ServiceImport: the slice (whose
 * {@link EndpointSliceInfo#service()} is the import's key, from the
 * {@code multicluster.kubernetes.io/service-name} label) and the cluster its endpoints run in
 * ({@code multicluster.kubernetes.io/source-cluster}), which names them in the clusterset zone:
 * {@code <hostname>.<sourceCluster>.<svc>.<ns>.svc.clusterset.local}.
 */
public record ImportedSliceInfo(String sourceCluster, EndpointSliceInfo slice) {

    public ImportedSliceInfo {
        Objects.requireNonNull(sourceCluster, "sourceCluster");
        Objects.requireNonNull(slice, "slice");
    }

    /** The ServiceImport it belongs to. */
    public ServiceKey importKey() {
        return slice.service();
    }

    public String name() {
        return slice.name();
    }
}
