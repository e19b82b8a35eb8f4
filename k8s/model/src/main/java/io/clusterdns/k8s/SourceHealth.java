package io.clusterdns.k8s;

import java.util.Objects;

/**
 * Whether an {@link ClusterSource} can still follow the cluster. It turns unhealthy only
 * when something stopped for good (an informer the API server refuses, e.g. RBAC forbids the
 * list); API server restarts and network trouble are retried and keep it healthy, while the
 * last snapshot keeps serving.
 */
public sealed interface SourceHealth {
    /** The healthy value. */
    SourceHealth HEALTHY = new Healthy();

    static SourceHealth unhealthy(String reason) {
        return new Unhealthy(reason);
    }

    boolean isHealthy();

    /** Why it is unhealthy; empty when healthy. */
    String reason();

    /** Everything started is running. */
    record Healthy() implements SourceHealth {
        @Override
        public boolean isHealthy() {
            return true;
        }

        @Override
        public String reason() {
            return "";
        }
    }

    /** Something stopped for good; {@code reason} is one line fit for logs and a health endpoint. */
    record Unhealthy(String reason) implements SourceHealth {
        public Unhealthy {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public boolean isHealthy() {
            return false;
        }
    }
}
