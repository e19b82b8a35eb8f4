package io.clusterdns.k8s.convert;

import io.clusterdns.k8s.model.NodeInfo;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * Converts a {@link Node}: its name (a DNS-1123 subdomain, as the API server requires) and labels,
 * of which the data plane reads {@value NodeInfo#ZONE_LABEL}.
 */
public final class NodeConverter {
    private NodeConverter() {
    }

    /** Converts and validates; throws {@link ConversionException} naming the bad field. */
    public static NodeInfo convert(Node node) {
        ObjectMeta meta = ObjectMetas.meta(node.getMetadata());
        String name = ObjectMetas.name(meta, ObjectMetas.NameRule.DNS1123_SUBDOMAIN);
        return new NodeInfo(name, ObjectMetas.labels(meta));
    }
}
