package io.clusterdns.server.plugin.forward;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.util.concurrent.TimeUnit;

/**
 * A forwarder's connections on one event loop: a {@link ConnectionPool} per upstream and the
 * periodic sweep that closes idle ones (every {@code expire}, as CoreDNS's cleanup ticker).
 * Created on that loop, used and closed only there.
 */
final class LoopConnections {
    final Context context;
    final ConnectionPool[] pools;
    private final Vertx vertx;
    private final long sweepTimer;

    /** Must be called on {@code context}'s event loop: the sweep timer is bound to the caller's context. */
    LoopConnections(Context context, Vertx vertx, NetClient tcpClient, Upstream[] upstreams, long expireNanos) {
        this.context = context;
        this.vertx = vertx;
        this.pools = new ConnectionPool[upstreams.length];
        for (int i = 0; i < upstreams.length; i++) {
            pools[i] = new ConnectionPool(upstreams[i], vertx, tcpClient, expireNanos);
        }
        this.sweepTimer = expireNanos == 0 ? -1
                : vertx.setPeriodic(Math.max(1, TimeUnit.NANOSECONDS.toMillis(expireNanos)), t -> sweep());
    }

    private void sweep() {
        long now = System.nanoTime();
        for (ConnectionPool p : pools) {
            p.sweep(now);
        }
    }

    /** Stops the sweep and closes the idle connections; runs on the loop. */
    void shut() {
        if (sweepTimer >= 0) {
            vertx.cancelTimer(sweepTimer);
        }
        for (ConnectionPool p : pools) {
            p.shut();
        }
    }
}
