package io.clusterdns.server.plugin.forward;

import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.vertx.core.Handler;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * One client query on its way through the upstreams (CoreDNS's {@code ServeDNS} loop), driven by
 * callbacks on the event loop it arrived on: one attempt at a time, in the policy's order and
 * round again, until an answer or the 5 s deadline. Each attempt has a new random ID and at most
 * 2 s (less when the deadline is nearer). Upstreams that are down are skipped; when all are, one
 * is tried anyway (or none, with {@code failfast_all_unhealthy_upstreams}). Exactly one outcome
 * reaches the writer (or the next plugin).
 *
 * <p>It is its own attempt timer's handler, so an attempt allocates nothing but the buffers.
 */
final class ForwardQuery implements Exchange, Handler<Long> {
    private static final Logger LOG = LoggerFactory.getLogger("plugin/forward");
    private static final long ATTEMPT_NANOS = ForwardConfig.ATTEMPT_TIMEOUT.toNanos();
    static final String NO_HEALTHY = "no healthy proxies";

    private final ForwardPlugin plugin;
    private final ConnectionPool[] pools;
    private final Request request;
    private final ResponseWriter writer;
    private final Chain next;
    private final byte[] wire;
    private final int[] order;
    private final long deadline;
    private int position;
    private int downSkips;
    private int failures;
    private String lastError;
    private boolean done;

    // the attempt in progress
    private Upstream upstream;
    private boolean tcp;
    private int id;
    private long started;
    private long timer = -1;
    private UpstreamConnection connection;
    /** Bumped when an attempt ends, so that a connection opened for an earlier one is closed unused. */
    private int attempt;

    ForwardQuery(ForwardPlugin plugin, ConnectionPool[] pools, Request request, ResponseWriter writer, Chain next) {
        this.plugin = plugin;
        this.pools = pools;
        this.request = request;
        this.writer = writer;
        this.next = next;
        this.wire = request.message().toWire();
        this.order = plugin.order();
        this.deadline = System.nanoTime() + ForwardConfig.QUERY_TIMEOUT.toNanos();
    }

    void start() {
        tryNext();
    }

    /**
     * The next upstream in the policy's order that is not down (CoreDNS's loop body), over the
     * transport the options and the client's choose (a truncated answer's retry over TCP is only
     * for that upstream).
     */
    private void tryNext() {
        Upstream[] upstreams = plugin.upstreams;
        int n = upstreams.length;
        while (true) {
            if (System.nanoTime() - deadline >= 0) {
                fail();
                return;
            }
            if (position >= n) {
                position = 0;
                downSkips = 0;
            }
            Upstream u = upstreams[order[position++]];
            if (plugin.down(u)) {
                downSkips++;
                if (downSkips < n) {
                    continue;
                }
                plugin.metrics.healthcheckBroken.increment();
                if (plugin.config.failfast()) {
                    fail();
                    return;
                }
                // every upstream is down: the health checks may be what is broken, so try one anyway
                u = upstreams[n == 1 ? 0 : ThreadLocalRandom.current().nextInt(n)];
            }
            attempt(u, plugin.tcpFor(request.transport()));
            return;
        }
    }

    private void attempt(Upstream u, boolean overTcp) {
        long now = System.nanoTime();
        long remaining = deadline - now;
        if (remaining <= 0) {
            fail();
            return;
        }
        upstream = u;
        tcp = overTcp;
        id = ThreadLocalRandom.current().nextInt(0x10000);
        Replies.setId(wire, id);
        started = now;
        timer = plugin.vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.min(ATTEMPT_NANOS, remaining))), this);
        ConnectionPool pool = pools[u.index];
        UpstreamConnection cached = pool.take(overTcp);
        if (cached != null) {
            use(cached);
            return;
        }
        int mine = attempt;
        pool.open(overTcp).onComplete(ar -> {
            if (mine != attempt || done) {
                if (ar.succeeded()) {
                    ar.result().close();
                }
                return;
            }
            if (ar.failed()) {
                endAttempt();
                failed(Replies.dialError(overTcp, u, ar.cause()));
                return;
            }
            use(ar.result());
        });
    }

    private void use(UpstreamConnection c) {
        connection = c;
        c.start(this, wire);
    }

    /** The attempt's timer: no answer in time. */
    @Override
    public void handle(Long timerId) {
        if (done || timerId != timer) {
            return;
        }
        timer = -1;
        UpstreamConnection c = connection;
        String error = c != null ? "read " + c.describe() + ": i/o timeout"
                : "dial " + (tcp ? "tcp " : "udp ") + upstream.label + ": i/o timeout";
        if (c != null) {
            c.discard();
        }
        endAttempt();
        failed(error);
    }

    @Override
    public void received(UpstreamConnection c, byte[] message) {
        if (done || c != connection) {
            return;
        }
        Message answer = Replies.match(message, id, request.question());
        if (answer == null) {
            LOG.debug("plugin/forward: ignored a message from {} that does not answer {} {} (id {})", upstream, request.qname(), request.qtype(), id);
            return;
        }
        long took = System.nanoTime() - started;
        endAttempt();
        c.release();
        upstream.meters.answered(answer.getRcode(), took);
        answered(answer);
    }

    @Override
    public void failed(UpstreamConnection c, String error, boolean stale) {
        if (done || c != connection) {
            return;
        }
        endAttempt();
        if (stale) {
            // a pooled TCP connection the upstream had closed: CoreDNS retries at once, on a new one
            attempt(upstream, tcp);
            return;
        }
        failed(error);
    }

    private void endAttempt() {
        attempt++;
        connection = null;
        if (timer >= 0) {
            plugin.vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    /**
     * An attempt failed: suspect the upstream, then the next one until the deadline, at most
     * {@link ForwardPlugin#maxAttempts} times (CoreDNS 1.12 has no cap and spins on upstreams that
     * refuse at once until they are marked down).
     */
    private void failed(String error) {
        lastError = error;
        if (plugin.config.maxFails() != 0) {
            upstream.suspect();
        }
        if (++failures < plugin.maxAttempts && downSkips < plugin.upstreams.length) {
            tryNext();
        } else {
            fail();
        }
    }

    private void answered(Message answer) {
        ForwardConfig config = plugin.config;
        if (!tcp && config.preferUdp() && !config.forceTcp() && answer.getHeader().getFlag(Flags.TC)) {
            attempt(upstream, true);
            return;
        }
        finish();
        try {
            if (plugin.passesOn(answer.getRcode())) {
                next.serve(request, writer);
            } else {
                writer.write(answer);
            }
        } catch (RuntimeException e) {
            // a bug further on must cost this answer only; this runs from a socket or timer callback,
            // where nothing else would answer the client
            LOG.error("plugin/forward: answering {} {} failed: {}", request.qname(), request.qtype(), e.toString(), e);
            writer.fail(Rcode.SERVFAIL, null);
        }
    }

    /** SERVFAIL with the last upstream error, or {@value #NO_HEALTHY} when there was none. */
    private void fail() {
        finish();
        writer.fail(Rcode.SERVFAIL, lastError != null ? lastError : NO_HEALTHY);
    }

    private void finish() {
        done = true;
        plugin.finished();
    }
}
