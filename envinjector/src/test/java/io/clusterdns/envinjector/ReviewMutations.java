package io.clusterdns.envinjector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The webhook fuzzer's requests. Request {@code index} of a run with {@code seed} is always the
 * same bytes. Each starts from a valid pod review (namespaces that opt in or not, annotations,
 * containers, init containers, env) and breaks it: bad or truncated JSON, the wrong
 * apiVersion/kind, a resource that is not a Pod, a missing request/uid/object, bodies over the
 * size limit, deep nesting, fields of the wrong type, bytes that are not UTF-8, unknown fields.
 *
 * @param maxBody the server's --max-request-bytes, so that "huge" is over it
 */
record ReviewMutations(long seed, int maxBody) {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final String[] NAMESPACES = {"shop", "payments", "plain", "", "nope"};
    static final String[] SERVICES = {"redis-primary", "web", "mongo", "payments/api", "nope", "shop/web,redis-primary", "", "-"};

    /** One request: its index, what was done to it, the body, and whether to send it without a Content-Length. */
    record Request(long index, String kind, byte[] body, boolean chunked) {
    }

    Request request(long index) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        ObjectNode review = validReview(r, index);
        int pick = r.nextInt(100);
        String kind;
        byte[] body;
        if (pick < 10) {
            kind = "valid";
            body = bytes(review);
        } else if (pick < 18) {
            kind = "bad-json";
            body = badJson(r);
        } else if (pick < 28) {
            kind = "truncated";
            byte[] whole = bytes(review);
            body = Arrays.copyOf(whole, r.nextInt(whole.length));
        } else if (pick < 34) {
            kind = "api-version-or-kind";
            review.set(r.nextBoolean() ? "apiVersion" : "kind", odd(r,
                    new String[] {"admission.k8s.io/v1beta1", "v1", "AdmissionResponse", "", "Pod"}));
            body = bytes(review);
        } else if (pick < 42) {
            kind = "not-a-pod";
            notAPod(r, review);
            body = bytes(review);
        } else if (pick < 50) {
            kind = "missing-field";
            missing(r, review);
            body = bytes(review);
        } else if (pick < 54) {
            kind = "huge";
            body = huge(r, review);
        } else if (pick < 60) {
            kind = "deep-nesting";
            body = deep(r, review);
        } else if (pick < 78) {
            kind = "wrong-types";
            int n = 1 + r.nextInt(4);
            for (int i = 0; i < n; i++) {
                retype(r, review);
            }
            body = bytes(review);
        } else if (pick < 86) {
            kind = "not-utf8";
            body = notUtf8(r, bytes(review));
        } else {
            kind = "unknown-fields";
            int n = 1 + r.nextInt(6);
            for (int i = 0; i < n; i++) {
                ObjectNode o = randomObject(r, review);
                o.set("x-" + r.nextInt(1000), odd(r, new String[] {"x"}));
            }
            body = bytes(review);
        }
        return new Request(index, kind, body, r.nextInt(10) == 0);
    }

    /** A review of a pod about to be created, as the API server sends it. */
    static ObjectNode validReview(SplittableRandom r, long index) {
        String namespace = NAMESPACES[r.nextInt(NAMESPACES.length)];
        TestPod pod = TestPod.in(namespace);
        if (r.nextBoolean()) {
            pod.annotation(InjectionPolicy.SERVICES_ANNOTATION, SERVICES[r.nextInt(SERVICES.length)]);
        }
        if (r.nextInt(3) == 0) {
            pod.annotation(InjectionPolicy.INJECT_ANNOTATION, r.nextBoolean() ? "true" : "false");
        }
        if (r.nextInt(4) == 0) {
            pod.annotation(InjectionPolicy.STYLE_ANNOTATION, new String[] {"kubelet", "dns", "both", "odd"}[r.nextInt(4)]);
        }
        if (r.nextInt(3) == 0) {
            pod.initContainer("init", "TIMEOUT=30");
        }
        int containers = r.nextInt(4);
        for (int i = 0; i < containers; i++) {
            if (r.nextBoolean()) {
                pod.container("c" + i, "A=1", "REDIS_PRIMARY_SERVICE_HOST=x", "B=$(WEB_SERVICE_HOST)");
            } else {
                pod.container("c" + i);
            }
        }
        JsonNode review = TestPod.parse(TestPod.review("fuzz-" + index, "CREATE", pod.json(), r.nextInt(10) == 0, namespace));
        return (ObjectNode) review;
    }

    private static byte[] badJson(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> {
                byte[] b = new byte[r.nextInt(2_000)];
                r.nextBytes(b);
                yield b;
            }
            case 1 -> new byte[0];
            case 2 -> "{\"apiVersion\": admission.k8s.io/v1}".getBytes(StandardCharsets.UTF_8);
            case 3 -> "[1, 2, 3]".getBytes(StandardCharsets.UTF_8);
            case 4 -> "{\"a\":1}{\"b\":2}".getBytes(StandardCharsets.UTF_8);
            default -> "null".getBytes(StandardCharsets.UTF_8);
        };
    }

    private static void notAPod(SplittableRandom r, ObjectNode review) {
        ObjectNode request = (ObjectNode) review.get("request");
        String[][] kinds = {{"apps", "v1", "Deployment"}, {"", "v1", "Service"}, {"", "v1", "ConfigMap"}, {"", "v2", "Pod"},
            {"", "v1", "Pod/status"}, {"batch", "v1", "Job"}};
        String[] k = kinds[r.nextInt(kinds.length)];
        request.putObject("kind").put("group", k[0]).put("version", k[1]).put("kind", k[2]);
        if (r.nextBoolean()) {
            ObjectNode object = request.putObject("object");
            object.put("apiVersion", k[0].isEmpty() ? k[1] : k[0] + "/" + k[1]).put("kind", k[2]);
            object.putObject("spec").putObject("template").putObject("spec").putArray("containers").addObject().put("name", "c");
        }
        if (r.nextInt(4) == 0) {
            request.put("operation", new String[] {"UPDATE", "DELETE", "CONNECT", ""}[r.nextInt(4)]);
        }
    }

    private static void missing(SplittableRandom r, ObjectNode review) {
        ObjectNode request = (ObjectNode) review.get("request");
        switch (r.nextInt(7)) {
            case 0 -> review.remove("request");
            case 1 -> request.remove("uid");
            case 2 -> request.remove("object");
            case 3 -> request.remove("kind");
            case 4 -> request.remove("operation");
            case 5 -> ((ObjectNode) request.get("object")).remove("spec");
            default -> request.putNull("object");
        }
    }

    /** A review over the size limit: a giant annotation, or many containers. */
    private byte[] huge(SplittableRandom r, ObjectNode review) {
        ObjectNode pod = (ObjectNode) review.get("request").get("object");
        int target = maxBody + 1 + r.nextInt(Math.max(1, maxBody * 4));
        if (r.nextBoolean()) {
            ((ObjectNode) pod.get("metadata")).withObjectProperty("annotations").put("big", "x".repeat(target));
        } else {
            ArrayNode containers = pod.withObjectProperty("spec").withArrayProperty("containers");
            int i = 0;
            while (bytes(review).length <= target) {
                for (int j = 0; j < 200; j++) {
                    containers.addObject().put("name", "c" + i++).put("image", "registry.example/app:1.0");
                }
            }
        }
        return bytes(review);
    }

    /** Arrays or objects nested far deeper than any Pod, somewhere in the pod. */
    private static byte[] deep(SplittableRandom r, ObjectNode review) {
        int depth = 100 + r.nextInt(5_000);
        boolean arrays = r.nextBoolean();
        StringBuilder open = new StringBuilder();
        StringBuilder close = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            open.append(arrays ? "[" : "{\"a\":");
            close.append(arrays ? "]" : "}");
        }
        String placeholder = "\"__deep__\"";
        ObjectNode target = randomObject(r, review);
        target.put("deep", "__deep__");
        String json = new String(bytes(review), StandardCharsets.UTF_8);
        return json.replace(placeholder, open + "1" + close).getBytes(StandardCharsets.UTF_8);
    }

    /** One field somewhere in the review replaced by a value of another type. */
    private static void retype(SplittableRandom r, ObjectNode review) {
        ObjectNode o = randomObject(r, review);
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        if (names.isEmpty()) {
            return;
        }
        String field = names.get(r.nextInt(names.size()));
        o.set(field, odd(r, new String[] {"x"}));
    }

    /** A value of a random JSON type. */
    private static JsonNode odd(SplittableRandom r, String[] strings) {
        return switch (r.nextInt(9)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(r.nextBoolean());
            case 2 -> NODES.numberNode(r.nextInt());
            case 3 -> NODES.numberNode(r.nextDouble() * 1e300);
            case 4 -> NODES.arrayNode().add(1).add("a");
            case 5 -> NODES.objectNode().put("a", 1);
            case 6 -> NODES.textNode("");
            case 7 -> NODES.textNode("\u0000\uFFFF\uD83D\uDE00 ../../\"'<>");
            default -> NODES.textNode(strings[r.nextInt(strings.length)]);
        };
    }

    /** Any object node of the tree (the root, the request, the pod, a container, an env entry, ...). */
    private static ObjectNode randomObject(SplittableRandom r, ObjectNode root) {
        List<ObjectNode> all = new ArrayList<>();
        collect(root, all);
        return all.get(r.nextInt(all.size()));
    }

    private static void collect(JsonNode node, List<ObjectNode> out) {
        if (node instanceof ObjectNode o) {
            out.add(o);
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                collect(it.next().getValue(), out);
            }
        } else if (node instanceof ArrayNode a) {
            a.forEach(e -> collect(e, out));
        }
    }

    /** Bytes that are not UTF-8 inside a string (or anywhere). */
    private static byte[] notUtf8(SplittableRandom r, byte[] json) {
        byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC3, 0x28}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF0, (byte) 0x28, (byte) 0x8C, 0x28},
            {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}};
        byte[] insert = bad[r.nextInt(bad.length)];
        int at;
        int quote = -1;
        for (int tries = 0; tries < 20 && quote < 0; tries++) {
            int i = r.nextInt(json.length);
            if (json[i] == '"') {
                quote = i + 1;
            }
        }
        at = quote >= 0 ? quote : r.nextInt(json.length);
        byte[] out = new byte[json.length + insert.length];
        System.arraycopy(json, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(json, at, out, at + insert.length, json.length - at);
        return out;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return TestPod.JSON.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
