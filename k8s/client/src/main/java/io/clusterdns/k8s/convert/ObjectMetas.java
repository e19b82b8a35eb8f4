package io.clusterdns.k8s.convert;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Map;

/** Name, namespace and labels of any object, with the API server's defaults and name rules. */
final class ObjectMetas {
    /** Where the API server puts objects whose manifest names no namespace. */
    static final String DEFAULT_NAMESPACE = "default";

    /** Which name rule an object kind follows. */
    enum NameRule {
        DNS1035_LABEL, DNS1123_LABEL, DNS1123_SUBDOMAIN
    }

    private ObjectMetas() {
    }

    static ObjectMeta meta(ObjectMeta meta) {
        if (meta == null) {
            throw new ConversionException("metadata", "required");
        }
        return meta;
    }

    static ObjectMetaFields meta(ObjectMetaFields meta) {
        if (meta == null) {
            throw new ConversionException("metadata", "required");
        }
        return meta;
    }

    static String name(ObjectMeta meta, NameRule rule) {
        return name(ObjectMetaFields.of(meta(meta)), rule);
    }

    static String name(ObjectMetaFields meta, NameRule rule) {
        String name = meta(meta).name();
        if (Fields.isBlank(name)) {
            // manifests are applied like `kubectl apply`, which refuses generateName: it would make a new object on every load
            String hint = Fields.isBlank(meta.generateName()) ? "required" : "required (generateName is not supported here)";
            throw new ConversionException("metadata.name", hint);
        }
        boolean ok = switch (rule) {
            case DNS1035_LABEL -> DnsNames.isDns1035Label(name);
            case DNS1123_LABEL -> DnsNames.isDns1123Label(name);
            case DNS1123_SUBDOMAIN -> DnsNames.isDns1123Subdomain(name);
        };
        if (!ok) {
            String ruleText = switch (rule) {
                case DNS1035_LABEL -> DnsNames.DNS1035_LABEL_RULE;
                case DNS1123_LABEL -> DnsNames.DNS1123_LABEL_RULE;
                case DNS1123_SUBDOMAIN -> DnsNames.DNS1123_SUBDOMAIN_RULE;
            };
            throw new ConversionException("metadata.name", Fields.quote(name) + " " + ruleText);
        }
        return name;
    }

    /** metadata.namespace, {@code default} when absent (as kubectl apply without -n does). */
    static String namespace(ObjectMeta meta) {
        return namespace(ObjectMetaFields.of(meta(meta)));
    }

    static String namespace(ObjectMetaFields meta) {
        String ns = meta(meta).namespace();
        if (Fields.isBlank(ns)) {
            return DEFAULT_NAMESPACE;
        }
        if (!DnsNames.isDns1123Label(ns)) {
            throw new ConversionException("metadata.namespace", Fields.quote(ns) + " " + DnsNames.DNS1123_LABEL_RULE);
        }
        return ns;
    }

    /** metadata.labels, checked as the API server checks them (selectors match on them). */
    static Map<String, String> labels(ObjectMeta meta) {
        return Fields.labels("metadata.labels", meta.getLabels());
    }

    static Map<String, String> labels(ObjectMetaFields meta) {
        return Fields.labels("metadata.labels", meta.labels());
    }

    /**
     * The annotations under {@code prefix} (clusterdns's own settings); the others are not kept.
     * Their values are free text, as for the API server: whoever reads one validates it.
     */
    static Map<String, String> annotations(ObjectMeta meta, String prefix) {
        return annotations(ObjectMetaFields.of(meta), prefix);
    }

    static Map<String, String> annotations(ObjectMetaFields meta, String prefix) {
        return underPrefix(meta.annotations(), prefix);
    }

    /**
     * The entries of {@code all} (labels, annotations) whose key starts with {@code prefix}, the
     * ones a record keeps; null keys and values (possible in an unvalidated map) are left out.
     */
    static Map<String, String> underPrefix(Map<String, String> all, String prefix) {
        if (all == null || all.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new java.util.TreeMap<>();
        all.forEach((k, v) -> {
            if (k != null && k.startsWith(prefix) && v != null) {
                out.put(k, v);
            }
        });
        return out;
    }
}
