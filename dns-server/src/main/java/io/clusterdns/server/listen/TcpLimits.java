package io.clusterdns.server.listen;

import java.time.Duration;

/**
 * What one DNS-over-TCP listener allows, so that clients that hold connections open without
 * finishing their queries (slowloris), open many at once, or pipeline without reading cannot
 * starve UDP or well-behaved TCP clients. A connection over a cap is closed at once; those already
 * open keep working.
 *
 * @param maxConnections       open connections on the listening address, all clients together
 * @param maxPerClient         open connections from one client address
 * @param maxPipelined         queries of one connection being answered at once; past it the
 *                             connection is not read until answers have gone out
 * @param frameTimeout         how long one query may take to arrive once its first byte has (a
 *                             slow sender is closed; an idle one is the idle timeout's)
 */
public record TcpLimits(int maxConnections, int maxPerClient, int maxPipelined, Duration frameTimeout) {
    /**
     * Generous for cluster DNS: a node's pods reach the server from their own addresses (a node-local
     * cache from one, over a few connections); 5 s per query is CoreDNS's TCP read timeout.
     */
    public static final TcpLimits DEFAULT = new TcpLimits(10_000, 256, 128, Duration.ofSeconds(5));

    public TcpLimits {
        if (maxConnections < 1 || maxPerClient < 1 || maxPipelined < 1) {
            throw new IllegalArgumentException("TCP limits must be at least 1: " + maxConnections + ", " + maxPerClient + ", "
                    + maxPipelined);
        }
        if (frameTimeout == null || frameTimeout.isNegative() || frameTimeout.isZero()) {
            throw new IllegalArgumentException("frameTimeout must be positive, got " + frameTimeout);
        }
    }
}
