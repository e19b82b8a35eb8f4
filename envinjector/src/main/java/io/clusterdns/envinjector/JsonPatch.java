package io.clusterdns.envinjector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of RFC 6902 JSON Patch the injector emits ({@code add}), with an applier so that every
 * patch is tried on the request object before it is sent. The API server applies patches with
 * the same semantics: {@code add} to an object member creates or replaces it, {@code add} to an
 * array index inserts before that index ({@code -} appends).
 */
public final class JsonPatch {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonPatch() {
    }

    /** Thrown when a patch does not apply; the message names the operation and the reason. */
    public static final class PatchException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PatchException(String message) {
            super(message);
        }
    }

    /** {@code {"op":"add","path":path,"value":value}}. */
    public static ObjectNode add(String path, JsonNode value) {
        ObjectNode op = NODES.objectNode();
        op.put("op", "add");
        op.put("path", path);
        op.set("value", value);
        return op;
    }

    /** A JSON Pointer token with {@code ~} and {@code /} escaped (RFC 6901). */
    public static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** Applies {@code patch} to a deep copy of {@code document} and returns the copy. */
    public static JsonNode apply(JsonNode document, ArrayNode patch) {
        JsonNode root = document.deepCopy();
        for (int i = 0; i < patch.size(); i++) {
            JsonNode op = patch.get(i);
            String name = op.path("op").asText();
            if (!"add".equals(name)) {
                throw new PatchException("operation " + i + ": unsupported op \"" + name + "\"");
            }
            if (!op.has("value")) {
                throw new PatchException("operation " + i + ": add without value");
            }
            root = add(root, op.path("path").asText(), op.get("value").deepCopy(), i);
        }
        return root;
    }

    private static JsonNode add(JsonNode root, String path, JsonNode value, int index) {
        List<String> tokens = parsePointer(path, index);
        if (tokens.isEmpty()) {
            return value;
        }
        JsonNode parent = root;
        for (int t = 0; t < tokens.size() - 1; t++) {
            parent = child(parent, tokens.get(t));
            if (parent == null) {
                throw new PatchException("operation " + index + ": path " + path + " does not exist");
            }
        }
        String last = tokens.get(tokens.size() - 1);
        if (parent instanceof ObjectNode obj) {
            obj.set(last, value);
        } else if (parent instanceof ArrayNode arr) {
            int at = "-".equals(last) ? arr.size() : arrayIndex(last);
            if (at < 0 || at > arr.size()) {
                throw new PatchException("operation " + index + ": index " + last + " out of bounds in " + path);
            }
            arr.insert(at, value);
        } else {
            throw new PatchException("operation " + index + ": parent of " + path + " is not an object or array");
        }
        return root;
    }

    private static JsonNode child(JsonNode node, String token) {
        if (node instanceof ObjectNode) {
            return node.get(token);
        }
        if (node instanceof ArrayNode) {
            int i = arrayIndex(token);
            return i < 0 ? null : node.get(i);
        }
        return null;
    }

    /** A canonical non-negative decimal, else -1 (RFC 6901 forbids leading zeros). */
    private static int arrayIndex(String token) {
        if (token.isEmpty() || token.length() > 9 || (token.length() > 1 && token.charAt(0) == '0')) {
            return -1;
        }
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) < '0' || token.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(token);
    }

    private static List<String> parsePointer(String path, int index) {
        List<String> tokens = new ArrayList<>();
        if (path.isEmpty()) {
            return tokens;
        }
        if (path.charAt(0) != '/') {
            throw new PatchException("operation " + index + ": path \"" + path + "\" does not start with /");
        }
        for (String raw : path.substring(1).split("/", -1)) {
            tokens.add(raw.replace("~1", "/").replace("~0", "~"));
        }
        return tokens;
    }
}
