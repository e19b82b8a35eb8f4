package io.clusterdns.k8s.informer;

import io.clusterdns.k8s.WatchedKind;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which list/watch failures an informer retries. Network trouble, API server restarts,
 * 5xx and 429 are retried for ever (fabric8 backs off exponentially) while the last snapshot keeps
 * serving. So are 401 (credentials rejected) and 403 (RBAC), as client-go's reflector does: they
 * are fixed outside (a rotated token, a granted Role) and the informer must then recover without a
 * restart; until it has synced the source is not ready, with the reason naming the resource, the
 * verb and the grant to add, and one log line says the same. What retrying cannot fix stops the
 * informer for good, so that health turns unhealthy and someone fixes it: 404 (the API is not
 * served) and objects fabric8 cannot parse. fabric8's default would instead give up on any failure before the
 * first sync, e.g. an API server that is still starting. A 404 for an {@link WatchedKind#optional()}
 * kind (a CRD the cluster does not have) is neither: the kind is {@link #absent()}.
 */
final class InformerFailures implements ExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(InformerClusterSource.class);

    private final WatchedKind kind;
    private volatile String lastRetried;
    private volatile boolean absent;
    /** Set when the source is closed: what fails from then on is the close itself. */
    private volatile boolean stopping;

    InformerFailures(WatchedKind kind) {
        this.kind = kind;
    }

    /**
     * fabric8's own log line for this is a WARN with a stack trace (silenced in
     * simplelogger.properties); this one says the same in one line.
     */
    @Override
    public boolean retryAfterException(boolean isStarted, Throwable t) {
        if (stopping) {
            // a list in flight when the source closed, failing as its client shuts down
            // (RejectedExecutionException): no warning, which would precede a failed start's
            // one-line error; answered as before (retry: fabric8 is stopping it anyway; a
            // "stopped for good" would log an error of its own)
            return true;
        }
        if (kind.optional() && httpCode(t) == 404) {
            // a CRD the cluster does not have: no objects, which is no failure; keep asking (with
            // back-off) so that installing the CRD later is picked up without a restart
            if (!absent) {
                absent = true;
                LOG.info("{} is not served by this API server (its CRD is not installed): none are followed,"
                        + " until it is (checking again with back-off)", kind.qualifiedName());
            }
            return true;
        }
        boolean retry = !isPermanent(t);
        if (retry) {
            int code = httpCode(t);
            String detail = code > 0 ? explain(kind, code, detail(t)) : detail(t);
            if (!detail.equals(lastRetried)) {
                LOG.warn("{}: list/watch failed, retrying with back-off: {}", kind.label(), detail);
            }
            lastRetried = detail;
        }
        return retry;
    }

    /** The informer is being stopped: later failures are not logged. */
    void stopping() {
        stopping = true;
    }

    /**
     * True once the API server answered that this optional kind does not exist (HTTP 404): the
     * informer then counts as synced with no objects.
     */
    boolean absent() {
        return absent;
    }

    /** The last failure that was retried (e.g. {@code Connection refused}), null when none; for "waiting" messages. */
    String lastRetried() {
        return lastRetried;
    }

    static boolean isPermanent(Throwable t) {
        if (ExceptionHandler.isDeserializationException(t)) {
            return true;
        }
        int code = httpCode(t);
        return code == 404;
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
        return kind.label() + " informer stopped: " + (code > 0 ? explain(kind, code, detail(t)) : detail(t));
    }

    /** The HTTP failure in words, with what to do about it when that is known: {@code HTTP 403 Forbidden (...): grant ...}. */
    static String explain(WatchedKind kind, int code, String detail) {
        return switch (code) {
            case 401 -> "HTTP 401 Unauthorized (" + detail + "): the API server rejected the credentials";
            case 403 -> "HTTP 403 Forbidden (" + detail + "): grant list and watch on " + kind.qualifiedName()
                    + " to this service account (RBAC)";
            case 404 -> "HTTP 404 Not Found (" + detail + "): the API server does not serve " + kind.qualifiedName()
                    + (kind.apiGroup().isEmpty() ? "/v1" : "/v1 (Kubernetes 1.21 or later is needed)");
            default -> "HTTP " + code + ": " + detail;
        };
    }

    static String detail(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
                return k.getStatus().getMessage();
            }
        }
        // the first cause that is not a wrapper (CompletionException, ExecutionException, ...)
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        String name = c.getClass().getSimpleName();
        for (Throwable d = c; d != null; d = d.getCause() == d ? null : d.getCause()) {
            String message = d.getMessage();
            if (message != null && !message.isBlank()) {
                return name + ": " + message;
            }
        }
        if (c instanceof java.net.ConnectException) {
            // the JDK HTTP client's, with nothing but a ClosedChannelException behind it
            return name + ": cannot connect to the API server (connection refused, unreachable or timed out)";
        }
        return name;
    }
}
