package io.clusterdns.k8s;

/** The kinds an {@link ClusterSource} can watch, named as in RBAC rules and log lines. */
public enum WatchedKind {
    SERVICES("services", "", "services"),
    ENDPOINT_SLICES("endpointslices", "discovery.k8s.io", "endpointslices"),
    NAMESPACES("namespaces", "", "namespaces"),
    PODS("pods", "", "pods"),
    /** ServiceImports ({@code multicluster.x-k8s.io/v1alpha1}, a CRD): only for the multicluster plugin. */
    SERVICE_IMPORTS("serviceimports", "multicluster.x-k8s.io", "serviceimports"),
    /** The EndpointSlices MCS controllers import for ServiceImports: a second watch of endpointslices, by another label. */
    IMPORTED_ENDPOINT_SLICES("endpointslices", "discovery.k8s.io", "imported-endpointslices"),
    /** The data plane's own Node (its zone label, for topology-aware routing): one object, by field selector. */
    NODES("nodes", "", "nodes"),
    /**
     * ServiceCIDRs ({@code networking.k8s.io/v1}, GA in 1.33): the data plane's service ranges.
     * Optional: an older API server answers 404, and the agent keeps its {@code --service-cidr}.
     */
    SERVICE_CIDRS("servicecidrs", "networking.k8s.io", "servicecidrs");

    private final String resource;
    private final String apiGroup;
    private final String label;

    WatchedKind(String resource, String apiGroup, String label) {
        this.resource = resource;
        this.apiGroup = apiGroup;
        this.label = label;
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

    /**
     * What log lines, sync status and metrics call the watch: the resource, except for a second
     * watch of one resource ({@code imported-endpointslices}).
     */
    public String label() {
        return label;
    }

    /** True for a kind a cluster may not serve (a CRD, an API newer than the cluster): its absence is no failure. */
    public boolean optional() {
        return this == SERVICE_IMPORTS || this == SERVICE_CIDRS;
    }

    @Override
    public String toString() {
        return label;
    }
}
