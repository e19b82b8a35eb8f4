package io.clusterdns.server.plugin.forward;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.util.ArrayDeque;

/**
 * The idle connections to one upstream on one event loop, UDP and TCP apart (CoreDNS's connection
 * cache). Only that loop touches it, so there is no lock. The most recently returned connection is
 * handed out first (CoreDNS 1.12), so under light load one socket serves and the others expire;
 * a connection idle for {@code expire} is closed when next seen, or by the loop's sweep.
 */
final class ConnectionPool {
    private final Upstream upstream;
    private final Vertx vertx;
    private final NetClient tcpClient;
    private final long expireNanos;
    private final ArrayDeque<UpstreamConnection> idleUdp = new ArrayDeque<>();
    private final ArrayDeque<UpstreamConnection> idleTcp = new ArrayDeque<>();
    private boolean shut;

    ConnectionPool(Upstream upstream, Vertx vertx, NetClient tcpClient, long expireNanos) {
        this.upstream = upstream;
        this.vertx = vertx;
        this.tcpClient = tcpClient;
        this.expireNanos = expireNanos;
    }

    /** An idle connection that is still usable (a cache hit), or null (then {@link #open}). */
    UpstreamConnection take(boolean tcp) {
        ArrayDeque<UpstreamConnection> idle = tcp ? idleTcp : idleUdp;
        long now = System.nanoTime();
        UpstreamConnection c;
        while ((c = idle.pollFirst()) != null) {
            if (!c.closed && now - c.idleSince < expireNanos) {
                c.reused = true;
                upstream.meters.connection(tcp, true);
                return c;
            }
            c.close();
        }
        return null;
    }

    /** A new connection (a cache miss), opened on the calling event loop. */
    Future<UpstreamConnection> open(boolean tcp) {
        upstream.meters.connection(tcp, false);
        return tcp ? TcpUpstreamConnection.open(tcpClient, upstream, this) : UdpUpstreamConnection.open(vertx, upstream, this);
    }

    /** Takes back a connection whose exchange got its answer. */
    void release(UpstreamConnection c) {
        if (c.closed || shut || expireNanos == 0) {
            c.close();
            return;
        }
        c.idleSince = System.nanoTime();
        (c.tcp() ? idleTcp : idleUdp).addFirst(c);
    }

    /** Closes what has been idle for {@code expire} (the oldest are at the end). */
    void sweep(long now) {
        sweep(idleUdp, now);
        sweep(idleTcp, now);
    }

    private void sweep(ArrayDeque<UpstreamConnection> idle, long now) {
        UpstreamConnection c;
        while ((c = idle.peekLast()) != null && (c.closed || now - c.idleSince >= expireNanos)) {
            idle.pollLast().close();
        }
    }

    /** Closes every idle connection; those still busy are closed when their exchange ends. */
    void shut() {
        shut = true;
        idleUdp.forEach(UpstreamConnection::close);
        idleTcp.forEach(UpstreamConnection::close);
        idleUdp.clear();
        idleTcp.clear();
    }

    /** Idle connections (tests). */
    int idle(boolean tcp) {
        return (tcp ? idleTcp : idleUdp).size();
    }
}
