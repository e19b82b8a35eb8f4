package io.clusterdns.k8s.model;

import java.util.Map;
import java.util.Objects;

/** A Namespace: its name and labels (for {@code namespace_labels} filters and env-injection opt-in). */
public record NamespaceInfo(String name, Map<String, String> labels) {
    public NamespaceInfo {
        Objects.requireNonNull(name, "name");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
