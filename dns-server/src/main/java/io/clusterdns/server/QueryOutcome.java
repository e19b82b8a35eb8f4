package io.clusterdns.server;

/**
 * What the server does with one received message: send these bytes back, or send nothing. A
 * result rather than an exception so that the hot path never throws.
 */
public sealed interface QueryOutcome {

    /** Send {@code wire} (a complete DNS message, without the TCP length prefix) to the client. */
    record Response(byte[] wire) implements QueryOutcome {
    }

    /** Send nothing; {@code reason} is for debug logs and tests. */
    record Drop(String reason) implements QueryOutcome {
    }

    Drop TOO_SHORT = new Drop("shorter than a DNS header");
    Drop NOT_A_QUERY = new Drop("QR is set: a response, not a query");
}
