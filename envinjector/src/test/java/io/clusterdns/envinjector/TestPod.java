package io.clusterdns.envinjector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Pods and AdmissionReviews as the API server sends them, and the independent check of an
 * answer: the returned patch is applied with zjsonpatch (not our own {@link JsonPatch}).
 */
final class TestPod {
    static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode pod = JSON.createObjectNode();
    private final String namespace;

    private TestPod(String namespace) {
        this.namespace = namespace;
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        ObjectNode meta = pod.putObject("metadata");
        // what a ReplicaSet sends: no name and no namespace in the object yet
        meta.put("generateName", "app-7d4b9c8f5-");
        ObjectNode spec = pod.putObject("spec");
        spec.put("restartPolicy", "Always");
        spec.putArray("containers");
    }

    /** A pod about to be created in {@code namespace}, with no containers yet. */
    static TestPod in(String namespace) {
        return new TestPod(namespace);
    }

    TestPod named(String name) {
        ObjectNode meta = (ObjectNode) pod.get("metadata");
        meta.remove("generateName");
        meta.put("name", name);
        meta.put("namespace", namespace);
        return this;
    }

    TestPod annotation(String key, String value) {
        ((ObjectNode) pod.get("metadata")).withObjectProperty("annotations").put(key, value);
        return this;
    }

    /** A container; {@code env} entries are {@code NAME=value}; none means no {@code env} field at all. */
    TestPod container(String name, String... env) {
        add("containers", name, env);
        return this;
    }

    TestPod initContainer(String name, String... env) {
        add("initContainers", name, env);
        return this;
    }

    /** A container with {@code env: []}. */
    TestPod containerWithEmptyEnv(String name) {
        add("containers", name).putArray("env");
        return this;
    }

    private ObjectNode add(String list, String name, String... env) {
        ObjectNode spec = (ObjectNode) pod.get("spec");
        ArrayNode containers = spec.has(list) ? (ArrayNode) spec.get(list) : spec.putArray(list);
        ObjectNode c = containers.addObject();
        c.put("name", name);
        c.put("image", "registry.example/" + name + ":1.0");
        // a field this code knows nothing about must survive
        c.putObject("x-unknown-field").put("kept", true);
        if (env.length > 0) {
            ArrayNode e = c.putArray("env");
            for (String nv : env) {
                int eq = nv.indexOf('=');
                e.addObject().put("name", nv.substring(0, eq)).put("value", nv.substring(eq + 1));
            }
        }
        return c;
    }

    ObjectNode json() {
        return pod.deepCopy();
    }

    byte[] review(String uid) {
        return review(uid, false);
    }

    byte[] review(String uid, boolean dryRun) {
        return review(uid, "CREATE", json(), dryRun, namespace);
    }

    static byte[] review(String uid, String operation, JsonNode object, boolean dryRun, String namespace) {
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", "admission.k8s.io/v1");
        review.put("kind", "AdmissionReview");
        ObjectNode req = review.putObject("request");
        req.put("uid", uid);
        req.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        req.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        req.putObject("requestKind").put("group", "").put("version", "v1").put("kind", "Pod");
        req.putObject("requestResource").put("group", "").put("version", "v1").put("resource", "pods");
        req.put("namespace", namespace);
        req.put("operation", operation);
        req.putObject("userInfo").put("username", "system:serviceaccount:kube-system:replicaset-controller");
        req.set("object", object);
        req.putNull("oldObject");
        req.put("dryRun", dryRun);
        req.putObject("options").put("kind", "CreateOptions").put("apiVersion", "meta.k8s.io/v1");
        try {
            return JSON.writeValueAsBytes(review);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The pod after applying an answer's base64 JSONPatch with zjsonpatch. */
    JsonNode patchedWith(JsonNode response) {
        return applyPatch(json(), response);
    }

    static JsonNode applyPatch(JsonNode pod, JsonNode response) {
        JsonNode patch = decodePatch(response);
        return patch == null ? pod : io.fabric8.zjsonpatch.JsonPatch.apply(patch, pod);
    }

    /** The decoded patch of an AdmissionReview response, null when it has none. */
    static JsonNode decodePatch(JsonNode response) {
        JsonNode r = response.path("response");
        if (!r.has("patch")) {
            return null;
        }
        try {
            return JSON.readTree(Base64.getDecoder().decode(r.get("patch").asText()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code NAME=value} of each env entry of a container, in order. */
    static List<String> env(JsonNode pod, String list, int index) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : pod.path("spec").path(list).path(index).path("env")) {
            out.add(e.path("name").asText() + "=" + e.path("value").asText());
        }
        return out;
    }

    static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
