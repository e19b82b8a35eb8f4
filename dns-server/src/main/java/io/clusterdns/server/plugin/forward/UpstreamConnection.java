package io.clusterdns.server.plugin.forward;

/**
 * A socket to one upstream, owned by one event loop and carrying one exchange at a time (as
 * CoreDNS's persistent connections): after an answer it goes back to its {@link ConnectionPool}
 * for the next query of that loop; after an error or a timeout it is closed, so that a late
 * answer can never be taken for the next query's.
 */
abstract sealed class UpstreamConnection permits UdpUpstreamConnection, TcpUpstreamConnection {
    final Upstream upstream;
    /** Where it goes back after an answer; null for health checks (one socket per check). */
    final ConnectionPool pool;
    /** The exchange waiting on it, null while idle. */
    Exchange pending;
    /** {@link System#nanoTime()} when it went back to the pool. */
    long idleSince;
    /** Taken from the pool at least once (a broken reused TCP connection is retried, not counted). */
    boolean reused;
    boolean closed;

    UpstreamConnection(Upstream upstream, ConnectionPool pool) {
        this.upstream = upstream;
        this.pool = pool;
    }

    abstract boolean tcp();

    /** Sends {@code wire} (a whole DNS message); errors come back through {@link Exchange#failed}. */
    abstract void send(byte[] wire);

    /** Closes the socket; idempotent. */
    abstract void close();

    /** {@code udp 0.0.0.0:40312->10.0.0.10:53}, as Go's errors name a connection. */
    abstract String describe();

    /** Makes {@code exchange} the one waiting and sends its message. */
    final void start(Exchange exchange, byte[] wire) {
        pending = exchange;
        send(wire);
    }

    /** The exchange is over with an answer: back to the pool (or closed when there is none). */
    final void release() {
        pending = null;
        if (pool == null) {
            close();
        } else {
            pool.release(this);
        }
    }

    /** The exchange is over without one: the socket cannot be trusted for another. */
    final void discard() {
        pending = null;
        close();
    }

    final void deliver(byte[] message) {
        Exchange e = pending;
        if (e != null) {
            e.received(this, message);
        }
    }

    final void broke(String error, boolean stale) {
        Exchange e = pending;
        pending = null;
        close();
        if (e != null) {
            e.failed(this, error, stale);
        }
    }
}
