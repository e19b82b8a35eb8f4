package io.clusterdns.k8s;

import java.time.Duration;

/**
 * Hears of the HTTP requests a cluster source's Kubernetes client sends to the API server, for
 * metrics (the servers turn these calls into meters; this module stays free of a metrics library).
 * The two calls are client-go's two REST client metrics, which CoreDNS exports: every attempt is
 * counted with its outcome ({@link #completed}), and requests that are not watches are also timed
 * ({@link #timed}); client-go times no watch, whose call lasts as long as the stream.
 *
 * <p>Called on the client's I/O threads: implementations are thread-safe and do not block.
 */
public interface ApiRequestObserver {
    /** The code of an attempt that got no HTTP answer (refused, reset, timed out), as client-go labels it. */
    String NO_RESPONSE = "<error>";

    /** Hears nothing. */
    ApiRequestObserver NONE = new ApiRequestObserver() {
        @Override
        public void completed(String method, String host, String code) {
        }

        @Override
        public void timed(String method, String host, Duration took) {
        }
    };

    /**
     * One attempt at a request got its answer, or failed to get one; a request the client retried
     * is reported once per attempt, as client-go counts them.
     *
     * @param method the HTTP method ({@code GET} for lists and watches)
     * @param host   the API server's {@code host:port} as the client dials it (the URL's authority)
     * @param code   the status code ({@code 200}; {@code 101} when a watch's WebSocket upgrade is
     *               accepted), or {@link #NO_RESPONSE}
     */
    void completed(String method, String host, String code);

    /**
     * How long an answered attempt that is not a watch took, from sending the request to the
     * response's status line and headers.
     */
    void timed(String method, String host, Duration took);
}
