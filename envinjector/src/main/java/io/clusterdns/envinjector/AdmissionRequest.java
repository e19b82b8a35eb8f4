package io.clusterdns.envinjector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The fields of an {@code admission.k8s.io/v1} AdmissionRequest the injector reads. The object
 * stays a Jackson tree: it is only read, and fields this code does not know survive untouched.
 *
 * @param uid       echoed in the response
 * @param kind      {@code request.kind} as {@code group/version/Kind} ({@code /v1/Pod} for pods)
 * @param operation CREATE, UPDATE, DELETE or CONNECT
 * @param namespace the namespace of the request (pods created by controllers have no
 *                  {@code metadata.namespace} yet, the request has it)
 * @param dryRun    true for {@code kubectl --dry-run=server}; the injector has no side effects,
 *                  so the answer is the same
 * @param object    {@code request.object}, null for operations without one
 */
public record AdmissionRequest(String uid, String kind, String operation, String namespace, boolean dryRun, ObjectNode object) {
    public static final String POD_KIND = "/v1/Pod";

    public AdmissionRequest {
        Objects.requireNonNull(uid, "uid");
        kind = kind == null ? "" : kind;
        operation = operation == null ? "" : operation;
        namespace = namespace == null ? "" : namespace;
    }

    public boolean isPod() {
        return POD_KIND.equals(kind);
    }

    public boolean isCreate() {
        return "CREATE".equals(operation);
    }

    /** {@code metadata.annotations} of the object; non-string values are ignored. */
    public Map<String, String> annotations() {
        return strings(object == null ? null : object.path("metadata").get("annotations"));
    }

    /** For log lines: {@code ns/name}, or {@code ns/generateName*} for pods a controller creates. */
    public String podName() {
        JsonNode meta = object == null ? null : object.path("metadata");
        String name = meta == null ? "" : meta.path("name").asText("");
        if (name.isEmpty() && meta != null) {
            name = meta.path("generateName").asText("") + "*";
        }
        return namespace + "/" + name;
    }

    private static Map<String, String> strings(JsonNode node) {
        if (node == null || !node.isObject()) {
            return Map.of();
        }
        Map<String, String> out = new TreeMap<>();
        node.properties().forEach(e -> {
            if (e.getValue().isTextual()) {
                out.put(e.getKey(), e.getValue().asText());
            }
        });
        return out;
    }
}
