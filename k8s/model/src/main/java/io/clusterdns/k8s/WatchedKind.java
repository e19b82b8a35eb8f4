package io.clusterdns.k8s;

/** The kinds an {@link ClusterSource} can watch, named as in RBAC rules and log lines. */
public enum WatchedKind {
    SERVICES("services", ""),
    ENDPOINT_SLICES("endpointslices", "discovery.k8s.io"),
    NAMESPACES("namespaces", ""),
    PODS("pods", "");

    private final String resource;
    private final String apiGroup;

    WatchedKind(String resource, String apiGroup) {
        this.resource = resource;
        this.apiGroup = apiGroup;
    }

    /** The plural resource name: {@code services}, {@code endpointslices}, ... */
    public String resource() {
        return resource;
    }

    /** The API group, empty for the core group. */
    public String apiGroup() {
        return apiGroup;
    }

    /** {@code endpointslices.discovery.k8s.io}, {@code services}: the form RBAC errors use. */
    public String qualifiedName() {
        return apiGroup.isEmpty() ? resource : resource + "." + apiGroup;
    }

    @Override
    public String toString() {
        return resource;
    }
}
