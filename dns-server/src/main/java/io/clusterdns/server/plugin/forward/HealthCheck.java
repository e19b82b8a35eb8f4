package io.clusterdns.server.plugin.forward;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Health checks of one upstream (CoreDNS's {@code proxy/health.go} and {@code pkg/up}): started by
 * a failed exchange, never periodically. A check asks {@code <domain> IN NS} (RD unless
 * {@code no_rec}) on a new socket, over UDP, or TCP with {@code force_tcp}, and waits 1 s. Any
 * answer is healthy, whatever its rcode, and resets the upstream's failures to 0; no answer counts
 * one more failure and another check follows after the interval, until one succeeds. At most one
 * loop of checks runs per upstream; it runs on the forwarder's own context.
 */
final class HealthCheck implements Exchange {
    private static final Logger LOG = LoggerFactory.getLogger("plugin/forward");
    private static final long TIMEOUT_MS = ForwardConfig.HEALTH_CHECK_TIMEOUT.toMillis();

    private final Upstream upstream;
    private final Vertx vertx;
    private final Context context;
    private final NetClient tcpClient;
    private final boolean tcp;
    private final long intervalMs;
    private final byte[] probe;
    private final ForwardPlugin plugin;
    private final AtomicBoolean running = new AtomicBoolean();

    // the check in progress, touched only on the context
    private UpstreamConnection connection;
    private int id;
    private long timer = -1;
    private int check;

    HealthCheck(ForwardPlugin plugin, Upstream upstream, Context context, NetClient tcpClient) {
        ForwardConfig config = plugin.config;
        this.plugin = plugin;
        this.upstream = upstream;
        this.vertx = plugin.vertx;
        this.context = context;
        this.tcpClient = tcpClient;
        this.tcp = config.forceTcp();
        this.intervalMs = Math.max(1, config.healthCheck().toMillis());
        this.probe = probe(config.healthCheckDomain(), config.healthCheckRecursion());
    }

    private static byte[] probe(Name domain, boolean recursion) {
        Message m = new Message();
        if (recursion) {
            m.getHeader().setFlag(Flags.RD);
        }
        m.addRecord(Record.newRecord(domain, Type.NS, DClass.IN), Section.QUESTION);
        return m.toWire();
    }

    /** Starts the checks unless they are running already. */
    void start() {
        if (!plugin.closed() && running.compareAndSet(false, true)) {
            context.runOnContext(v -> check());
        }
    }

    /** True while checks run (tests). */
    boolean running() {
        return running.get();
    }

    private void check() {
        if (plugin.closed()) {
            running.set(false);
            return;
        }
        int mine = ++check;
        id = ThreadLocalRandom.current().nextInt(0x10000);
        Replies.setId(probe, id);
        timer = vertx.setTimer(TIMEOUT_MS, t -> {
            timer = -1;
            if (mine == check) {
                String what = connection == null ? "connect" : "read " + connection.describe();
                end();
                unhealthy(what + ": i/o timeout");
            }
        });
        Future<UpstreamConnection> open = tcp ? TcpUpstreamConnection.open(tcpClient, upstream, null)
                : UdpUpstreamConnection.open(vertx, upstream, null);
        open.onComplete(ar -> {
            if (mine != check) {
                if (ar.succeeded()) {
                    ar.result().close();
                }
                return;
            }
            if (ar.failed()) {
                end();
                unhealthy(Replies.dialError(tcp, upstream, ar.cause()));
                return;
            }
            connection = ar.result();
            connection.start(this, probe);
        });
    }

    @Override
    public void received(UpstreamConnection c, byte[] message) {
        if (c != connection || !Replies.isReply(message, id)) {
            return;
        }
        end();
        if (plugin.down(upstream)) {
            LOG.info("plugin/forward: upstream {} is healthy again", upstream);
        }
        upstream.checkSucceeded();
        running.set(false);
    }

    @Override
    public void failed(UpstreamConnection c, String error, boolean stale) {
        if (c == connection) {
            end();
            unhealthy(error);
        }
    }

    /** Ends the check in progress: its socket and timer go. */
    private void end() {
        check++;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
        if (connection != null) {
            connection.discard();
            connection = null;
        }
    }

    private void unhealthy(String error) {
        boolean wasDown = plugin.down(upstream);
        upstream.checkFailed();
        LOG.debug("plugin/forward: health check of {} failed ({} in a row): {}", upstream, upstream.fails(), error);
        if (!wasDown && plugin.down(upstream)) {
            LOG.warn("plugin/forward: upstream {} is down after {} failed health checks in a row: {}", upstream, upstream.fails(), error);
        }
        if (plugin.closed()) {
            running.set(false);
            return;
        }
        vertx.setTimer(intervalMs, t -> check());
    }
}
