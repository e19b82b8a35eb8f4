package io.clusterdns.k8s.convert;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Map;

/**
 * The fields of {@code metadata} the converters read, whoever read them: {@link #of} a fabric8
 * {@link ObjectMeta} (informers, and manifests whose tree is not plain), or the manifest reader
 * straight from the YAML tree. The rules applied to them are {@link ObjectMetas}'s either way.
 */
public record ObjectMetaFields(String name, String generateName, String namespace, Map<String, String> labels,
                               Map<String, String> annotations) {
    /** Null for null, as the converters tell a missing {@code metadata} apart. */
    public static ObjectMetaFields of(ObjectMeta meta) {
        return meta == null ? null
                : new ObjectMetaFields(meta.getName(), meta.getGenerateName(), meta.getNamespace(), meta.getLabels(), meta.getAnnotations());
    }
}
