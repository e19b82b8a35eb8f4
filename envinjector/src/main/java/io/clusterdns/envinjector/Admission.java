package io.clusterdns.envinjector;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one {@code POST /mutate}, mapped to HTTP in one place
 * ({@link AdmissionReviews#render}). The webhook never denies a pod: bad requests are answered
 * with HTTP 400, which the API server treats as a webhook failure under {@code failurePolicy}.
 */
public sealed interface Admission {

    /** Allowed with a JSON Patch adding {@code variables} variables to {@code containers} containers. */
    record Patched(String uid, ArrayNode patch, int variables, int containers, List<String> warnings) implements Admission {
        public Patched {
            Objects.requireNonNull(uid, "uid");
            Objects.requireNonNull(patch, "patch");
            warnings = List.copyOf(warnings);
        }
    }

    /** Allowed as is, because of {@code reason}. */
    record Unchanged(String uid, SkipReason reason, List<String> warnings) implements Admission {
        public Unchanged {
            Objects.requireNonNull(uid, "uid");
            Objects.requireNonNull(reason, "reason");
            warnings = List.copyOf(warnings);
        }
    }

    /** Not an AdmissionReview we can answer: HTTP {@code status} (400 or 413) with {@code reason}. */
    record Rejected(int status, String reason) implements Admission {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }

        public static Rejected badRequest(String reason) {
            return new Rejected(400, reason);
        }
    }
}
