package io.clusterdns.server.plugin.forward;

/**
 * What waits on an {@link UpstreamConnection}: a forwarded query's attempt or a health check.
 * Called on the connection's event loop; a connection serves one exchange at a time.
 */
interface Exchange {

    /** A message arrived from the upstream; the exchange decides whether it is the answer. */
    void received(UpstreamConnection connection, byte[] message);

    /**
     * The connection broke ({@code error} in Go's words, for the errors plugin). {@code stale} when
     * it was a reused connection the upstream had already closed before anything came back: CoreDNS
     * then retries at once, without counting a failure.
     */
    void failed(UpstreamConnection connection, String error, boolean stale);
}
