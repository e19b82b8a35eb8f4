package io.clusterdns.envinjector;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Reads {@code admission.k8s.io/v1} AdmissionReviews and writes their responses. Every problem
 * with a request becomes one {@link ParseResult.Invalid} with a message naming the field, which
 * the server sends back with HTTP 400.
 */
public final class AdmissionReviews {
    public static final String API_VERSION = "admission.k8s.io/v1";
    public static final String KIND = "AdmissionReview";

    /**
     * Trailing garbage after the object is an error, not silently ignored; a Pod nests a few
     * levels only, so a hostile body cannot cost a deep recursion.
     */
    static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private AdmissionReviews() {
    }

    /** A parsed request, or why it is not one. */
    public sealed interface ParseResult {
        record Parsed(AdmissionRequest request) implements ParseResult {
        }

        record Invalid(String reason) implements ParseResult {
        }
    }

    public static ParseResult parse(byte[] body) {
        if (body.length == 0) {
            return invalid("request body is empty: expected an " + API_VERSION + " AdmissionReview");
        }
        String notUtf8 = utf8Problem(body);
        if (notUtf8 != null) {
            return invalid("request body is not valid UTF-8 (" + notUtf8 + "): JSON must be UTF-8 (RFC 8259)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return invalid("request body is not JSON: " + firstLine(e));
        }
        if (root == null || !root.isObject()) {
            return invalid("request body is not a JSON object: expected an " + API_VERSION + " AdmissionReview");
        }
        String apiVersion = root.path("apiVersion").asText("");
        String kind = root.path("kind").asText("");
        if (!KIND.equals(kind)) {
            return invalid("kind must be " + KIND + ", got \"" + kind + "\"");
        }
        if (!API_VERSION.equals(apiVersion)) {
            return invalid("apiVersion must be " + API_VERSION + " (set admissionReviewVersions: [v1] in the webhook configuration), got \""
                    + apiVersion + "\"");
        }
        JsonNode request = root.get("request");
        if (request == null || !request.isObject()) {
            return invalid("request is missing");
        }
        String uid = request.path("uid").asText("");
        if (uid.isEmpty()) {
            return invalid("request.uid is missing");
        }
        JsonNode k = request.path("kind");
        String gvk = k.path("group").asText("") + "/" + k.path("version").asText("") + "/" + k.path("kind").asText("");
        String operation = request.path("operation").asText("");
        JsonNode object = request.get("object");
        if ("CREATE".equals(operation) && (object == null || !object.isObject())) {
            return invalid("request.object is missing: a CREATE review carries the object to admit");
        }
        String namespace = request.path("namespace").asText("");
        if (namespace.isEmpty() && object != null) {
            namespace = object.path("metadata").path("namespace").asText("");
        }
        return new ParseResult.Parsed(new AdmissionRequest(uid, gvk, operation, namespace,
                request.path("dryRun").asBoolean(false), object instanceof ObjectNode o ? o : null));
    }

    /**
     * Where {@code body} stops being UTF-8, or null when it all is. Jackson passes malformed
     * sequences inside strings through (as U+FFFD or lone surrogates), so a uid or an annotation
     * would come back changed: the API server then cannot match the response to its request, and a
     * variable could carry bytes the kubelet never saw. One pass over bytes of at most
     * --max-request-bytes.
     */
    static String utf8Problem(byte[] body) {
        ByteBuffer in = ByteBuffer.wrap(body);
        CoderResult result = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in, CharBuffer.allocate(body.length), true);
        return result.isError() ? "a malformed sequence at byte " + in.position() : null;
    }

    private static ParseResult invalid(String reason) {
        return new ParseResult.Invalid(reason);
    }

    private static String firstLine(IOException e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (m == null) {
            return e.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** The HTTP status and body answering {@code admission}. */
    public static Rendered render(Admission admission) {
        if (admission instanceof Admission.Patched p) {
            return new Rendered(200, review(response(p.uid(), p.warnings())
                    .put("patchType", "JSONPatch")
                    .put("patch", Base64.getEncoder().encodeToString(bytes(p.patch())))));
        }
        if (admission instanceof Admission.Unchanged u) {
            return new Rendered(200, review(response(u.uid(), u.warnings())));
        }
        Admission.Rejected r = (Admission.Rejected) admission;
        return new Rendered(r.status(), status(r.status(), r.reason()));
    }

    /** A status code and a JSON body. */
    public record Rendered(int status, byte[] body) {
    }

    private static ObjectNode response(String uid, List<String> warnings) {
        ObjectNode response = JSON.createObjectNode();
        response.put("uid", uid);
        response.put("allowed", true);
        if (!warnings.isEmpty()) {
            warnings.forEach(response.putArray("warnings")::add);
        }
        return response;
    }

    private static byte[] review(ObjectNode response) {
        ObjectNode review = JSON.createObjectNode();
        review.put("apiVersion", API_VERSION);
        review.put("kind", KIND);
        review.set("response", response);
        return bytes(review);
    }

    /**
     * A {@code meta/v1 Status}: the API server's webhook client shows its {@code message} in the
     * error it logs and returns, so the reason reaches whoever reads the API server's log.
     */
    public static byte[] status(int code, String message) {
        ObjectNode status = JSON.createObjectNode();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.put("status", "Failure");
        status.put("message", message);
        status.put("reason", code == 400 ? "BadRequest" : code == 413 ? "RequestEntityTooLarge" : "InternalError");
        status.put("code", code);
        return bytes(status);
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            // a tree of strings, numbers and booleans always serializes
            throw new IllegalStateException(e);
        }
    }

    static String text(byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }
}
