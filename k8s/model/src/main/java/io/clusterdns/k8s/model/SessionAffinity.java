package io.clusterdns.k8s.model;

/** {@code spec.sessionAffinity} with its ClientIP timeout. */
public record SessionAffinity(boolean clientIp, int timeoutSeconds) {
    /** kube-proxy's default sticky time: 3 hours. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 10800;
    public static final SessionAffinity NONE = new SessionAffinity(false, 0);

    public SessionAffinity {
        if (clientIp && (timeoutSeconds <= 0 || timeoutSeconds > 86400)) {
            throw new IllegalArgumentException("sessionAffinityConfig.clientIP.timeoutSeconds must be 1..86400, got " + timeoutSeconds);
        }
    }

    public static SessionAffinity clientIp(int timeoutSeconds) {
        return new SessionAffinity(true, timeoutSeconds);
    }
}
