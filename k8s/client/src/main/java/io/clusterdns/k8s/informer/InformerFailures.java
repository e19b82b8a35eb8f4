package io.clusterdns.k8s.informer;

import io.clusterdns.k8s.WatchedKind;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;

/**
 * Decides which list/watch failures an informer retries. Network trouble, API server restarts,
 * 5xx and 429 are retried for ever (fabric8 backs off exponentially) while the last snapshot keeps
 * serving. What retrying cannot fix stops the informer for good, so that health turns unhealthy
 * and someone fixes it: 401 (credentials rejected), 403 (RBAC), 404 (the API is not served), and
 * objects fabric8 cannot parse. fabric8's default would instead give up on any failure before the
 * first sync, e.g. an API server that is still starting.
 */
final class InformerFailures implements ExceptionHandler {

    @Override
    public boolean retryAfterException(boolean isStarted, Throwable t) {
        return !isPermanent(t);
    }

    static boolean isPermanent(Throwable t) {
        if (ExceptionHandler.isDeserializationException(t)) {
            return true;
        }
        int code = httpCode(t);
        return code == 401 || code == 403 || code == 404;
    }

    /** The HTTP status in the cause chain, 0 when there is none. */
    static int httpCode(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof KubernetesClientException k && k.getCode() > 0) {
                return k.getCode();
            }
            if (c instanceof WatcherException w && w.asClientException().getCode() > 0) {
                return w.asClientException().getCode();
            }
        }
        return 0;
    }

    /** One line saying why {@code kind}'s informer stopped and what to do about it. */
    static String reason(WatchedKind kind, Throwable t) {
        int code = httpCode(t);
        String detail = detail(t);
        String what = kind.resource() + " informer stopped: ";
        return switch (code) {
            case 401 -> what + "HTTP 401 Unauthorized (" + detail + "): the API server rejected the credentials";
            case 403 -> what + "HTTP 403 Forbidden (" + detail + "): grant list and watch on " + kind.qualifiedName()
                    + " to this service account (RBAC)";
            case 404 -> what + "HTTP 404 Not Found (" + detail + "): the API server does not serve " + kind.qualifiedName()
                    + (kind.apiGroup().isEmpty() ? "/v1" : "/v1 (Kubernetes 1.21 or later is needed)");
            default -> what + detail;
        };
    }

    private static String detail(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
                return k.getStatus().getMessage();
            }
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
