package io.clusterdns.k8s.model;

/** {@code spec.type} of a ServiceImport ({@code multicluster.x-k8s.io/v1alpha1}). */
public enum ServiceImportType {
    /** Reached through the clusterset IP(s) in {@code spec.ips}. */
    CLUSTER_SET_IP("ClusterSetIP"),
    /** Its endpoints are addressed directly, per source cluster. */
    HEADLESS("Headless");

    private final String apiName;

    ServiceImportType(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    /** Parses the API spelling; the CRD requires the field, so there is no default. */
    public static ServiceImportType parse(String value) {
        for (ServiceImportType t : values()) {
            if (t.apiName.equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported type \"" + value + "\" (expected ClusterSetIP or Headless)");
    }
}
