package io.clusterdns.k8s.model;

/** {@code externalTrafficPolicy} / {@code internalTrafficPolicy}. */
public enum TrafficPolicy {
    CLUSTER, LOCAL;

    public static TrafficPolicy parse(String value) {
        if (value == null || value.isEmpty() || value.equals("Cluster")) {
            return CLUSTER;
        }
        if (value.equals("Local")) {
            return LOCAL;
        }
        throw new IllegalArgumentException("unsupported traffic policy \"" + value + "\" (expected Cluster or Local)");
    }
}
