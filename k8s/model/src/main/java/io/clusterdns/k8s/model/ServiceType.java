package io.clusterdns.k8s.model;

/** {@code spec.type} of a Service. */
public enum ServiceType {
    CLUSTER_IP("ClusterIP"), NODE_PORT("NodePort"), LOAD_BALANCER("LoadBalancer"), EXTERNAL_NAME("ExternalName");

    private final String apiName;

    ServiceType(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    /** Parses the API spelling; absent means ClusterIP, as the API server defaults it. */
    public static ServiceType parse(String value) {
        if (value == null || value.isEmpty()) {
            return CLUSTER_IP;
        }
        for (ServiceType t : values()) {
            if (t.apiName.equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported service type \"" + value
                + "\" (expected ClusterIP, NodePort, LoadBalancer or ExternalName)");
    }
}
