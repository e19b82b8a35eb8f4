package io.clusterdns.server.plugin.forward;

import io.clusterdns.server.chain.Chain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.Request;
import io.clusterdns.server.chain.ResponseWriter;
import io.clusterdns.server.wire.Transport;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;

/**
 * The {@code forward} plugin: sends the queries of its zone ({@code FROM}, minus {@code except})
 * to upstream servers and writes back their answers, as is (the encoder restores the client's ID,
 * question and EDNS). It never blocks: a query becomes a {@link ForwardQuery} on the event loop
 * it arrived on, using that loop's {@link LoopConnections}, and completes from there when an
 * answer, an error or the deadline comes. Nothing on that path takes a lock; the shared state is
 * an upstream's failure count and, with {@code max_concurrent}, one counter.
 */
public final class ForwardPlugin implements Plugin, AutoCloseable {
    final ForwardConfig config;
    final Vertx vertx;
    final ForwardMetrics metrics;
    final Upstream[] upstreams;
    /** Failed attempts per query before SERVFAIL: every upstream twice, and 3 for one (its 2 s timeouts fit 5 s that often). */
    final int maxAttempts;
    private final Name from;
    private final Name[] except;
    private final int[] nextRcodes;
    private final boolean nextIsForward;
    private final String limitError;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger robin = new AtomicInteger();
    /** Upstream orders starting at each upstream: round_robin hands them out in turn, sequential uses the first. */
    private final int[][] rotations;
    private final NetClient tcpClient;
    /** Health checks and queries that arrive off an event loop run here. */
    private final Context home;
    private final long expireNanos;
    private final ConcurrentHashMap<Context, LoopConnections> loops = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param nextIsForward the next link of the chain is another {@code forward}: only then does
     *                      {@code next RCODE} pass a query on (CoreDNS's rule)
     */
    public ForwardPlugin(ForwardConfig config, Vertx vertx, ForwardMetrics metrics, boolean nextIsForward) {
        this.config = config;
        this.vertx = vertx;
        this.metrics = metrics;
        this.from = config.from();
        this.except = config.except().toArray(Name[]::new);
        this.nextRcodes = config.next().stream().mapToInt(Integer::intValue).toArray();
        this.nextIsForward = nextIsForward;
        this.limitError = "concurrent queries exceeded maximum " + config.maxConcurrent();
        this.expireNanos = config.expire().toNanos();
        this.tcpClient = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) ForwardConfig.ATTEMPT_TIMEOUT.toMillis())
                .setTcpNoDelay(true));
        this.home = vertx.getOrCreateContext();
        int n = config.to().size();
        this.upstreams = new Upstream[n];
        this.maxAttempts = Math.max(3, 2 * n);
        this.rotations = new int[n][n];
        for (int i = 0; i < n; i++) {
            upstreams[i] = new Upstream(i, config.to().get(i), metrics);
            for (int k = 0; k < n; k++) {
                rotations[i][k] = (i + k) % n;
            }
        }
        boolean checks = config.maxFails() != 0 && !config.healthCheck().isZero();
        for (Upstream u : upstreams) {
            if (checks) {
                u.health(new HealthCheck(this, u, home, tcpClient));
            }
        }
    }

    @Override
    public String name() {
        return ForwardConfig.NAME;
    }

    @Override
    public void serve(Request request, ResponseWriter writer, Chain next) {
        if (!forwards(request.qname())) {
            next.serve(request, writer);
            return;
        }
        if (closed) {
            writer.fail(Rcode.SERVFAIL, "plugin/forward: shutting down");
            return;
        }
        int max = config.maxConcurrent();
        if (max > 0 && inFlight.incrementAndGet() > max) {
            inFlight.decrementAndGet();
            metrics.maxConcurrentRejects.increment();
            writer.fail(Rcode.REFUSED, limitError);
            return;
        }
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext() || context.owner() != vertx) {
            // not on one of our event loops (a direct call): hop to ours, never block the caller
            home.runOnContext(v -> new ForwardQuery(this, loop(home).pools, request, writer, next).start());
            return;
        }
        new ForwardQuery(this, loop(context).pools, request, writer, next).start();
    }

    /** FROM holds the name and no {@code except} zone does (FROM itself is always forwarded). */
    boolean forwards(Name qname) {
        if (!qname.subdomain(from)) {
            return false;
        }
        if (except.length == 0 || qname.equals(from)) {
            return true;
        }
        for (Name e : except) {
            if (qname.subdomain(e)) {
                return false;
            }
        }
        return true;
    }

    /** The calling loop's connections, made on its first query (this runs on that loop). */
    private LoopConnections loop(Context context) {
        LoopConnections l = loops.get(context);
        if (l == null) {
            l = new LoopConnections(context, vertx, tcpClient, upstreams, expireNanos);
            loops.put(context, l);
        }
        return l;
    }

    /** TCP upstream: always with {@code force_tcp}, never with {@code prefer_udp}, else as the client came. */
    boolean tcpFor(Transport client) {
        return config.forceTcp() || (!config.preferUdp() && client == Transport.TCP);
    }

    boolean down(Upstream u) {
        return u.down(config.maxFails());
    }

    /** The order of this query's attempts, by the policy. */
    int[] order() {
        int n = upstreams.length;
        return switch (config.policy()) {
            case SEQUENTIAL -> rotations[0];
            // CoreDNS counts first, so its first query starts at the second upstream
            case ROUND_ROBIN -> rotations[Math.floorMod(robin.incrementAndGet(), n)];
            case RANDOM -> n == 1 ? rotations[0] : shuffled(n);
        };
    }

    private static int[] shuffled(int n) {
        int[] out = new int[n];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < n; i++) {
            int j = random.nextInt(i + 1);
            out[i] = out[j];
            out[j] = i;
        }
        return out;
    }

    /** An upstream answer with {@code rcode} goes to the next plugin instead of the client ({@code next}). */
    boolean passesOn(int rcode) {
        if (!nextIsForward) {
            return false;
        }
        for (int r : nextRcodes) {
            if (r == rcode) {
                return true;
            }
        }
        return false;
    }

    /** A forwarded query is over (answered, failed or passed on). */
    void finished() {
        if (config.maxConcurrent() > 0) {
            inFlight.decrementAndGet();
        }
    }

    boolean closed() {
        return closed;
    }

    /** The upstreams' consecutive failed health checks, in the order written (tests, diagnostics). */
    int[] fails() {
        int[] out = new int[upstreams.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = upstreams[i].fails();
        }
        return out;
    }

    /**
     * Stops the health checks and closes the idle connections (each on its loop); queries in
     * flight end with their sockets when Vert.x closes. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (LoopConnections l : loops.values()) {
            l.context.runOnContext(v -> l.shut());
        }
        tcpClient.close();
    }
}
