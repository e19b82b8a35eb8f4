package io.clusterdns.server;

/**
 * Receives every answered query, on the event loop that answered it: implementations must not
 * block and must not allocate much.
 */
@FunctionalInterface
interface QueryMetrics {
    /** Records nothing (benchmarks, tests of the bytes → bytes rules). */
    QueryMetrics NONE = (response, transport, ipv6Client, requestBytes, nanos) -> {
    };

    /**
     * @param ipv6Client   the client's address is IPv6 (CoreDNS label {@code family="2"})
     * @param requestBytes size of the query message
     * @param nanos        from receiving the query to its response being ready
     */
    void record(QueryOutcome.Response response, Transport transport, boolean ipv6Client, int requestBytes, long nanos);
}
