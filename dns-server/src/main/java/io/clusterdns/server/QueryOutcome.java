package io.clusterdns.server;

/**
 * What the server does with one received message: send these bytes back, or send nothing. A
 * result rather than an exception so that the hot path never throws.
 */
public sealed interface QueryOutcome {

    /**
     * Send {@code wire} (a complete DNS message, without the TCP length prefix) to the client. The
     * other fields say what it was, for the metrics.
     *
     * @param rcode    the full rcode (BADVERS is 16)
     * @param qtype    the question's type, 0 when no question was parsed
     * @param zone     a {@link Zones} index, {@link Zones#ROOT} or {@link Zones#DROPPED}
     * @param resolved true when the cluster zone logic decided the answer (CoreDNS's plugin
     *                 {@code kubernetes}), false for the server's own errors
     * @param dnssecOk the query had EDNS with the DO bit
     */
    record Response(byte[] wire, int rcode, int qtype, int zone, boolean resolved, boolean dnssecOk) implements QueryOutcome {
    }

    /** Send nothing; {@code reason} is for debug logs and tests. */
    record Drop(String reason) implements QueryOutcome {
    }

    Drop TOO_SHORT = new Drop("shorter than a DNS header");
    Drop NOT_A_QUERY = new Drop("QR is set: a response, not a query");
}
