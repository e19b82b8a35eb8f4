package io.clusterdns.k8s.model;

import java.util.Map;
import java.util.Objects;

/**
 * A Node: its name and labels. Only the data plane reads nodes, and only its own (for the
 * {@value #ZONE_LABEL} label that topology-aware routing compares with EndpointSlice hints).
 */
public record NodeInfo(String name, Map<String, String> labels) {
    /** The well-known label naming the node's zone. */
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    public NodeInfo {
        Objects.requireNonNull(name, "name");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** The node's zone, or null when the label is missing or empty (kube-proxy then ignores zone hints). */
    public String zone() {
        String z = labels.get(ZONE_LABEL);
        return z == null || z.isEmpty() ? null : z;
    }
}
