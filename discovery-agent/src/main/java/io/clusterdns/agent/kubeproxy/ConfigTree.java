package io.clusterdns.agent.kubeproxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.config.Durations;
import io.clusterdns.k8s.convert.FieldPaths;
import io.clusterdns.k8s.manifest.LocatedYaml;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Typed reads of one configuration file's tree, as Go's JSON decoding reads a struct: a missing
 * field or {@code null} is the zero value (returned here as null), a value of the wrong type is
 * an error. Every error names the file, the line and the field path:
 * {@code config.conf:12: nftables.masqueradeBit: expected an integer, got "x"}.
 */
final class ConfigTree {
    private final LocatedYaml yaml;
    private final String file;

    ConfigTree(LocatedYaml yaml, String file) {
        this.yaml = yaml;
        this.file = file;
    }

    /** An error about the field at {@code path}, located at its line. */
    ConfigException error(String path, String problem) {
        return new ConfigException(where(path), problem);
    }

    /** {@code FILE:LINE: PATH}, the place messages start with. */
    String where(String path) {
        return file + ":" + yaml.lineOf(path) + ": " + path;
    }

    /**
     * Refuses every field of the object at {@code path} that is not in {@code known}, naming it
     * (kube-proxy's strict decoding does the same; its lenient fallback would drop the field).
     */
    void onlyKnownFields(String path, Set<String> known) {
        JsonNode object = node(path);
        if (object == null) {
            return;
        }
        if (!object.isObject()) {
            throw error(path.isEmpty() ? "(document)" : path, "expected an object, got " + shown(object));
        }
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (!known.contains(e.getKey())) {
                throw error(FieldPaths.child(path, e.getKey()), "unknown field (not part of kubeproxy.config.k8s.io/v1alpha1"
                        + " KubeProxyConfiguration)");
            }
        }
    }

    /** The node at a dotted path, or null when it (or a parent) is missing or null. */
    JsonNode node(String path) {
        JsonNode n = yaml.node();
        if (path.isEmpty()) {
            return n;
        }
        for (String part : path.split("\\.")) {
            if (n == null || !n.isObject()) {
                return null;
            }
            n = n.get(part);
        }
        return n == null || n.isNull() ? null : n;
    }

    String string(String path) {
        return scalar(path, JsonNode::isTextual, "a string", JsonNode::asText);
    }

    Boolean bool(String path) {
        return scalar(path, JsonNode::isBoolean, "true or false", JsonNode::asBoolean);
    }

    /** A Go int32. */
    Integer int32(String path) {
        return scalar(path, n -> n.isIntegralNumber() && n.canConvertToInt(), "a whole number", JsonNode::asInt);
    }

    /** A Go float32 (whole numbers are fine). */
    Double number(String path) {
        return scalar(path, JsonNode::isNumber, "a number", JsonNode::asDouble);
    }

    /** A {@code metav1.Duration}: a Go duration string such as {@code 30s} or {@code 1h0m0s}. */
    Duration duration(String path) {
        return scalar(path, JsonNode::isTextual, "a duration like 30s or 1m0s", n -> Durations.parse(where(path), n.asText()));
    }

    /** The value at {@code path} when it is of the expected type; null when missing or null. */
    private <T> T scalar(String path, Predicate<JsonNode> isType, String expected, Function<JsonNode, T> value) {
        JsonNode n = node(path);
        if (n == null) {
            return null;
        }
        if (!isType.test(n)) {
            throw error(path, "expected " + expected + ", got " + shown(n));
        }
        return value.apply(n);
    }

    /** A list of strings; null for a missing field, {@code null} or {@code []}. */
    List<String> strings(String path) {
        JsonNode n = node(path);
        if (n == null) {
            return null;
        }
        if (!n.isArray()) {
            throw error(path, "expected a list of strings, got " + shown(n));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isTextual()) {
                throw error(FieldPaths.index(path, i), "expected a string, got " + shown(n.get(i)));
            }
            out.add(n.get(i).asText());
        }
        return out.isEmpty() ? null : out;
    }

    /** A {@code map[string]bool}; null for a missing field, {@code null} or <code>{}</code>. */
    Map<String, Boolean> boolMap(String path) {
        JsonNode n = node(path);
        if (n == null) {
            return null;
        }
        if (!n.isObject()) {
            throw error(path, "expected a map of names to true/false, got " + shown(n));
        }
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!e.getValue().isBoolean()) {
                throw error(FieldPaths.child(path, e.getKey()), "expected true or false, got " + shown(e.getValue()));
            }
            out.put(e.getKey(), e.getValue().asBoolean());
        }
        return out.isEmpty() ? null : out;
    }

    /** The value as written: strings quoted, the rest as they are. */
    static String shown(JsonNode n) {
        if (n.isTextual()) {
            return "\"" + n.asText() + "\"";
        }
        if (n.isObject()) {
            return "an object";
        }
        if (n.isArray()) {
            return "a list";
        }
        return n.toString();
    }
}
