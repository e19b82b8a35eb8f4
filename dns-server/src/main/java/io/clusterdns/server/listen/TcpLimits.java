package io.clusterdns.server.listen;

import java.time.Duration;

/**
 * What one DNS-over-TCP listener allows, so that clients that hold connections open without
 * finishing their queries (slowloris), open many at once, pipeline without reading, or never read
 * their answers cannot starve UDP or well-behaved TCP clients. A connection over a cap is closed at
 * once; those already open keep working. The timeouts and {@code maxQueries} are CoreDNS's
 * {@code timeouts} plugin ({@code read}, {@code write}, {@code idle}, {@code maxtcpqueries}); the
 * caps are ours (flags).
 *
 * @param maxConnections open connections on the listening address, all clients together
 * @param maxPerClient   open connections from one client address
 * @param maxPipelined   queries of one connection being answered at once; past it the connection
 *                       is not read until answers have gone out
 * @param maxQueries     queries one connection may ask; the connection is closed once they are
 *                       answered (clients open another, which spreads them over replicas behind a
 *                       connection balancer); {@link #UNLIMITED} for no limit
 * @param readTimeout    how long one query may take to arrive once its first byte has (a slow
 *                       sender is closed; one that sends nothing is the idle timeout's)
 * @param writeTimeout   how long an answer may wait for a client that does not read
 * @param idleTimeout    how long a connection may wait for its next query
 */
public record TcpLimits(int maxConnections, int maxPerClient, int maxPipelined, int maxQueries, Duration readTimeout,
                        Duration writeTimeout, Duration idleTimeout) {
    public static final int UNLIMITED = -1;

    /**
     * Generous caps for cluster DNS: a node's pods reach the server from their own addresses (a
     * node-local cache from one, over a few connections). The timeouts are CoreDNS's defaults.
     */
    public static final TcpLimits DEFAULT = new TcpLimits(10_000, 256, 128, UNLIMITED, Duration.ofSeconds(3),
            Duration.ofSeconds(5), Duration.ofSeconds(10));

    public TcpLimits {
        if (maxConnections < 1 || maxPerClient < 1 || maxPipelined < 1) {
            throw new IllegalArgumentException("TCP limits must be at least 1: " + maxConnections + ", " + maxPerClient + ", "
                    + maxPipelined);
        }
        if (maxQueries < 1 && maxQueries != UNLIMITED) {
            throw new IllegalArgumentException("maxQueries must be positive or " + UNLIMITED + ", got " + maxQueries);
        }
        positive("readTimeout", readTimeout);
        positive("writeTimeout", writeTimeout);
        positive("idleTimeout", idleTimeout);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    public TcpLimits withCaps(int connections, int perClient, int pipelined) {
        return new TcpLimits(connections, perClient, pipelined, maxQueries, readTimeout, writeTimeout, idleTimeout);
    }

    public TcpLimits withMaxQueries(int queries) {
        return new TcpLimits(maxConnections, maxPerClient, maxPipelined, queries, readTimeout, writeTimeout, idleTimeout);
    }

    public TcpLimits withReadTimeout(Duration d) {
        return new TcpLimits(maxConnections, maxPerClient, maxPipelined, maxQueries, d, writeTimeout, idleTimeout);
    }

    public TcpLimits withWriteTimeout(Duration d) {
        return new TcpLimits(maxConnections, maxPerClient, maxPipelined, maxQueries, readTimeout, d, idleTimeout);
    }

    public TcpLimits withIdleTimeout(Duration d) {
        return new TcpLimits(maxConnections, maxPerClient, maxPipelined, maxQueries, readTimeout, writeTimeout, d);
    }
}
