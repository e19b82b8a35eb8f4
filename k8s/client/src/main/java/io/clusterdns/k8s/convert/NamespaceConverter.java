package io.clusterdns.k8s.convert;

import io.clusterdns.k8s.model.NamespaceInfo;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.HashMap;
import java.util.Map;

/** Converts a {@link Namespace}: its name (a DNS-1123 label) and labels. */
public final class NamespaceConverter {
    /** Set by the API server on every namespace since Kubernetes 1.21; selectors rely on it. */
    public static final String NAME_LABEL = "kubernetes.io/metadata.name";

    private NamespaceConverter() {
    }

    /** Converts and validates; throws {@link ConversionException} naming the bad field. */
    public static NamespaceInfo convert(Namespace namespace) {
        ObjectMeta meta = ObjectMetas.meta(namespace.getMetadata());
        String name = ObjectMetas.name(meta, ObjectMetas.NameRule.DNS1123_LABEL);
        return named(name, ObjectMetas.labels(meta));
    }

    /** A namespace as the API server stores it: the given labels plus {@value #NAME_LABEL}. */
    public static NamespaceInfo named(String name, Map<String, String> labels) {
        Map<String, String> all = new HashMap<>(labels == null ? Map.of() : labels);
        all.put(NAME_LABEL, name);
        return new NamespaceInfo(name, all);
    }
}
