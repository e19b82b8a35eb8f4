package io.clusterdns.server;

import io.clusterdns.k8s.ApiRequestObserver;
import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.server.chain.BlockChain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.QueryDispatcher;
import io.clusterdns.server.chain.FrontPath;
import io.clusterdns.server.chain.Router;
import io.clusterdns.server.fast.FastPath;
import io.clusterdns.server.http.HealthSelfCheck;
import io.clusterdns.server.http.HttpConfig;
import io.clusterdns.server.http.HttpEndpoints;
import io.clusterdns.server.http.Probes;
import io.clusterdns.server.listen.DnsListeners;
import io.clusterdns.server.listen.Futures;
import io.clusterdns.server.listen.Listener;
import io.clusterdns.server.metrics.DnsMetrics;
import io.clusterdns.server.metrics.ServerMetrics;
import io.clusterdns.server.metrics.TcpMeters;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plan.ZoneKey;
import io.clusterdns.server.plugin.forward.ForwardMetrics;
import io.clusterdns.server.plugin.health.HealthConfig;
import io.clusterdns.server.plugin.hosts.HostsMetrics;
import io.clusterdns.server.plugin.kubernetes.KubernetesBackend;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import io.clusterdns.server.plugin.kubernetes.RestClientMetrics;
import io.clusterdns.server.plugin.local.LocalMetrics;
import io.clusterdns.server.plugin.loop.LoopPlugin;
import io.clusterdns.server.plugin.prometheus.PrometheusConfig;
import io.clusterdns.server.plugin.ready.ReadyConfig;
import io.clusterdns.server.plugin.reload.ReloadConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * A running DNS server: the server blocks of a {@link ServerPlan} (a Corefile, or the command
 * line's equivalent) as plugin chains behind UDP/TCP listeners, the kubernetes backends they
 * answer from, and the HTTP endpoints. Sources publish snapshots on their own threads straight
 * into the resolvers; the listeners' event loops read them without locks.
 *
 * <p>Start-up, in this order (as CoreDNS): HTTP endpoints (so that probes answer while waiting),
 * the kubernetes backends, the wait for their first snapshot (at most their startup timeout), the
 * DNS listeners. The work overlaps: the backends' sources start first, on their own thread (a
 * manifest read, a snapshot decode: most of a start), and beside them Vert.x and the HTTP
 * endpoints are built on theirs and the plugin chains on the calling thread (their indexes fill
 * with the first snapshot, on whichever thread it is published); all are joined before the wait,
 * a source's start error first. A backend that starts from a persisted snapshot has it applied before the wait
 * and builds its API client beside the listeners' start; its start is confirmed (its errors
 * thrown) once they listen, before anything is announced. Shut-down: {@link #shutdown} keeps serving for the lameduck time with
 * {@code /ready} at 503, then {@link #close} stops the listeners and endpoints, then the sources.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);

    /**
     * Makes the cluster source of a backend that kubernetes (or multicluster) plugins follow (main:
     * from its config; tests: their own); a source that talks to an API server tells
     * {@code requests} of its requests (the REST client metrics).
     */
    @FunctionalInterface
    public interface SourceFactory {
        ClusterSource create(KubernetesConfig.Backend backend, ApiRequestObserver requests);
    }

    private final ServerMetrics metrics;
    private final DnsMetrics dnsMetrics;
    private final ForwardMetrics forwardMetrics;
    private final HostsMetrics hostsMetrics;
    /** Vert.x and Netty load beside the cluster source's start (a manifest parse, a snapshot decode); {@link #vertx()} waits. */
    private final CompletableFuture<Vertx> vertxStart;
    private final ScheduledExecutorService timer;
    private final Runnable onLoop;
    private final Probes probes;
    private final Object applying = new Object();
    private final PluginStates states = new PluginStates();
    private final ClusterBackends backends;
    private final Map<ListenAddress, Served> listeners = new LinkedHashMap<>();
    private volatile ServerPlan plan;
    private volatile List<BlockChain> chains = List.of();
    private HttpEndpoints http;
    private HttpConfig httpConfig;
    private HealthSelfCheck healthCheck;
    private Reloader reloader;
    /** What the last failed reload failed on (its message, or the digest it could not apply). */
    private volatile String lastReloadFailure;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** One listening address: its sockets and the router its dispatcher reads (a reload swaps it). */
    private record Served(DnsListeners sockets, AtomicReference<Router> router) {
    }

    /** Threads of the Vert.x worker pool: probes and scrapes, a few at a time. */
    static final int WORKER_THREADS = 4;

    private DnsServer(ServerPlan plan, SourceFactory sources, Runnable onLoop) {
        this.onLoop = onLoop;
        int eventLoops = plan.effectiveUdpSockets();
        // the options too: they load and initialise Netty's platform classes
        this.vertxStart = CompletableFuture.supplyAsync(() -> Vertx.builder().with(vertxOptions(eventLoops)).build(),
                starter("clusterdns-vertx-start"));
        this.metrics = new ServerMetrics();
        this.dnsMetrics = new DnsMetrics(metrics.registry());
        // CoreDNS exports the forward plugin's two counters from the start, forward or not
        this.forwardMetrics = new ForwardMetrics(metrics.registry());
        // and the hosts and local plugins' series (CoreDNS registers them at load: dashboards query them)
        this.hostsMetrics = new HostsMetrics(metrics.registry());
        LocalMetrics.requests(metrics.registry());
        this.backends = new ClusterBackends(sources, new RestClientMetrics(metrics.registry()), metrics.registry());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clusterdns-timer");
            t.setDaemon(true);
            return t;
        });
        this.probes = new Probes(this::unhealthy, this::notReady, this::stale);
    }

    private static VertxOptions vertxOptions(int eventLoops) {
        return new VertxOptions().setPreferNativeTransport(true)
                // no file cache folder: kubeadm runs CoreDNS with a read-only root filesystem
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false))
                .setEventLoopPoolSize(eventLoops)
                // the worker pool runs the HTTP probes and scrapes only (HttpEndpoints); Vert.x's
                // default of 20 threads, each started by its own task and never stopped, cost about
                // 2 MB of stacks and thread-local buffers for nothing
                .setWorkerPoolSize(WORKER_THREADS);
    }

    /**
     * The command line's server: {@code config}'s plan, its kubernetes plugin following
     * {@code source}, which now belongs to the server (closed with it, or at once when the start fails).
     */
    public static DnsServer start(ServerConfig config, ClusterSource source) {
        try {
            return start(config.plan(), (k, requests) -> source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** {@link #start(ServerPlan, SourceFactory, Runnable)} exiting the process (status 1) on a detected loop, as CoreDNS. */
    public static DnsServer start(ServerPlan plan, SourceFactory sources) {
        return start(plan, sources, DnsServer::exitOnLoop);
    }

    /**
     * Starts {@code plan}: the cluster sources {@code sources} makes now belong to the server and
     * are closed with it. Throws with the one-line reason when it cannot start (a bad manifest or
     * kubeconfig, an address in use); nothing is left running then. Blocks for at most the
     * longest startup timeout while the sources sync.
     *
     * @param onLoop what the loop plugin does once it has logged a loop
     */
    public static DnsServer start(ServerPlan plan, SourceFactory sources, Runnable onLoop) {
        DnsServer server = new DnsServer(plan, sources, onLoop);
        try {
            server.apply(plan, true);
        } catch (RuntimeException e) {
            server.stopEverything();
            throw e;
        }
        log.info(server.describe());
        server.backends.all().forEach(KubernetesBackend::announce);
        server.plan.plugin(ReloadConfig.class).ifPresent(r -> {
            if (plan.corefile() != null) {
                server.reloader = Reloader.start(server, r, () -> plan.corefile().read());
            }
        });
        return server;
    }

    /**
     * Applies {@code next}, on start and on every reload, keeping what did not change (the
     * kubernetes backends and their caches of the cluster, the listeners of addresses still
     * served) and swapping the routers at once. On a reload that fails half-way (an address in
     * use, a kubeconfig that cannot be read) nothing changes: what was opened is closed again
     * and the running configuration keeps serving; the error is thrown.
     */
    void apply(ServerPlan next, boolean first) {
        synchronized (applying) {
            List<ListenAddress> deployed = new ArrayList<>();
            HttpEndpoints oldHttp = http;
            HttpConfig wantHttp = httpConfig(next);
            if (wantHttp.metrics().isPresent()) {
                metrics.serveGcMeters();
            }
            boolean restartHttp = !wantHttp.equals(httpConfig);
            CompletableFuture<HttpEndpoints> httpStart = null;
            CompletableFuture<Void> sourcesStart = CompletableFuture.completedFuture(null);
            ClusterBackends.Change changing = null;
            states.begin();
            try {
                if (restartHttp && !first) {
                    if (oldHttp != null) {
                        oldHttp.close(vertx());
                        http = null;
                    }
                    http = HttpEndpoints.start(vertx(), wantHttp, probes, metrics::scrape);
                }
                ClusterBackends.Change change = backends.change(next);
                changing = change;
                Runnable startAll = change::startAll;
                if (first) {
                    // a manifest read or a snapshot decode, most of a start: first, then beside it the
                    // HTTP endpoints (probes answer long before a sync wait could end) and the chains
                    sourcesStart = CompletableFuture.runAsync(startAll, starter("clusterdns-source-start"));
                    if (restartHttp) {
                        httpStart = vertxStart.thenApplyAsync(v -> HttpEndpoints.start(v, wantHttp, probes, metrics::scrape),
                                starter("clusterdns-http-start"));
                    }
                } else {
                    startAll.run();
                }
                Map<ListenAddress, Router> routers;
                try {
                    // the chains' indexes fill with the first snapshot, wherever it is published
                    PluginFactory factory = new PluginFactory(dnsMetrics, forwardMetrics, hostsMetrics, metrics.registry(), vertx(), timer,
                            change::get, onLoop, states);
                    routers = routers(next, factory);
                } catch (RuntimeException e) {
                    // a source that cannot start is the error, as when the sources started before the chains
                    joined(sourcesStart);
                    throw e;
                }
                joined(sourcesStart);
                if (httpStart != null) {
                    http = joined(httpStart);
                    httpStart = null;
                }
                change.awaitSynced();
                for (Map.Entry<ListenAddress, Router> e : routers.entrySet()) {
                    if (!served(e.getKey())) {
                        AtomicReference<Router> router = new AtomicReference<>(e.getValue());
                        QueryDispatcher dispatcher = new QueryDispatcher(router::get, dnsMetrics, metrics.panics());
                        DnsListeners sockets = DnsListeners.deploy(vertx(), e.getKey(), dispatcher, next.effectiveUdpSockets(),
                                next.sharedPort(e.getKey()), next.tcpLimits(e.getKey()));
                        listeners.put(sockets.address(), new Served(sockets, router));
                        TcpMeters.register(metrics.registry(), Listener.of(sockets.address()).label(), sockets.tcp());
                        deployed.add(sockets.address());
                    }
                }
                // the listeners answer already (a persisted snapshot): now the starts that went on beside them
                change.awaitStarted();
                // nothing can fail from here on: swap
                for (Map.Entry<ListenAddress, Router> e : routers.entrySet()) {
                    served(e.getKey(), s -> {
                        s.router().set(e.getValue());
                        s.sockets().tcp().update(next.tcpLimits(e.getKey())); // timeouts: connections from now on
                    });
                }
                for (ListenAddress gone : new ArrayList<>(listeners.keySet())) {
                    if (routers.keySet().stream().noneMatch(a -> sameSocket(a, gone))) {
                        close(listeners.remove(gone).sockets());
                    }
                }
                change.commit();
                List<BlockChain> all = new ArrayList<>();
                routers.values().forEach(r -> r.blocks().stream().filter(c -> !all.contains(c)).forEach(all::add));
                chains = all;
                states.commit();
                plan = next;
                httpConfig = wantHttp;
                restartHealthCheck();
                pluginsEnabled(next);
                probes.listening();
                startLoopProbes(routers);
                if (!first) {
                    change.announceCreated();
                }
            } catch (RuntimeException e) {
                if (httpStart != null) {
                    // started beside a source that failed: wait for it, so that stopping closes what it bound
                    http = httpStart.handle((h, f) -> h).join();
                }
                // the sources are closed below: not while one is still starting
                sourcesStart.handle((v, f) -> null).join();
                states.abort();
                deployed.forEach(a -> close(listeners.remove(a).sockets()));
                if (changing != null) {
                    changing.abort();
                }
                if (restartHttp && !first) {
                    if (http != null) {
                        http.close(vertx());
                    }
                    http = httpConfig == null ? null : HttpEndpoints.start(vertx(), httpConfig, probes, metrics::scrape);
                }
                throw e;
            }
        }
    }

    /** Reads the Corefile again and applies it when it changed; a broken one is logged and counted, the running one stays. */
    void reload(java.util.function.Supplier<ServerPlan> read) {
        ServerPlan next;
        try {
            next = read.get();
        } catch (RuntimeException e) {
            // the same broken file is reported once, as CoreDNS remembers what it tried
            if (!e.getMessage().equals(lastReloadFailure)) {
                lastReloadFailure = e.getMessage();
                metrics.reloadFailed().increment();
                log.error("plugin/reload: Corefile changed but reload failed: {}; the running configuration keeps serving", e.getMessage());
            }
            return;
        }
        if (next.digest().equals(plan.digest()) || next.digest().equals(lastReloadFailure)) {
            return;
        }
        lastReloadFailure = null;
        log.info("Reloading");
        metrics.reloadVersion(next.digest());
        try {
            apply(next, false);
            log.info("Reloading complete: {}", describe());
        } catch (RuntimeException e) {
            lastReloadFailure = next.digest();
            metrics.reloadFailed().increment();
            log.error("plugin/reload: Corefile changed but reload failed: {}; the running configuration keeps serving", e.getMessage());
        }
    }

    private boolean served(ListenAddress address) {
        return listeners.keySet().stream().anyMatch(a -> sameSocket(address, a));
    }

    private void served(ListenAddress address, java.util.function.Consumer<Served> action) {
        listeners.forEach((a, s) -> {
            if (sameSocket(address, a)) {
                action.accept(s);
            }
        });
    }

    /** {@code wanted} is the plan's address (port 0 for any), {@code bound} a bound one. */
    private static boolean sameSocket(ListenAddress wanted, ListenAddress bound) {
        return wanted.address().equals(bound.address()) && (wanted.port() == bound.port() || wanted.port() == 0);
    }

    private void restartHealthCheck() {
        if (healthCheck != null) {
            healthCheck.close();
            healthCheck = null;
        }
        http.address(HttpEndpoints.Endpoint.HEALTH).ifPresent(a ->
                healthCheck = HealthSelfCheck.start(vertx(), a, metrics.healthDuration(), metrics.healthFailures()));
    }

    /** Stops listening on an address and drops its TCP series. */
    private void close(DnsListeners sockets) {
        sockets.close(vertx());
        TcpMeters.remove(metrics.registry(), Listener.of(sockets.address()).label());
    }

    private void pluginsEnabled(ServerPlan next) {
        List<String[]> enabled = new ArrayList<>();
        for (Served s : listeners.values()) {
            String server = Listener.of(s.sockets().address()).label();
            for (BlockChain c : s.router().get().blocks()) {
                for (Plugin p : c.plugins()) {
                    enabled.add(new String[] {server, c.firstZone().toString(), p.name()});
                }
            }
        }
        metrics.pluginsEnabled(enabled);
    }

    private void startLoopProbes(Map<ListenAddress, Router> routers) {
        for (Served s : listeners.values()) {
            ListenAddress a = s.sockets().address();
            for (BlockChain c : s.router().get().blocks()) {
                Plugin p = c.plugin("loop");
                if (p instanceof LoopPlugin loop && loop.probing() == null) {
                    java.net.InetAddress host = a.isWildcard()
                            ? (a.isIPv6() ? java.net.InetAddress.getLoopbackAddress() : IpAddresses.parse("127.0.0.1")) : a.address();
                    loop.startProbing(new java.net.InetSocketAddress(host, a.port()));
                }
            }
        }
    }

    /** The loop plugin's end, as CoreDNS's log.Fatal: the log line is out, the process exits with status 1 at once. */
    private static void exitOnLoop() {
        System.err.flush();
        System.out.flush();
        Runtime.getRuntime().halt(1);
    }

    /** The first listening address (the actual port when port 0 was asked for). */
    public ListenAddress address() {
        return listeners.values().iterator().next().sockets().address();
    }

    /** Every listening address. */
    public List<ListenAddress> addresses() {
        return listeners.values().stream().map(s -> s.sockets().address()).toList();
    }

    public int port() {
        return address().port();
    }

    /** UDP sockets sharing the first address's port (1 when SO_REUSEPORT is unavailable). */
    public int udpSockets() {
        return listeners.values().iterator().next().sockets().udpSockets();
    }

    /** The first address's front path (the fast path, or {@link FrontPath#NONE}) as it runs now: tests. */
    FrontPath frontPath() {
        return listeners.values().iterator().next().router().get().front();
    }

    public boolean nativeTransport() {
        return vertx().isNativeTransportEnabled();
    }

    /** The first kubernetes plugin's resolver. */
    public Resolver resolver() {
        KubernetesConfig k = plan.plugin(KubernetesConfig.class).orElseThrow();
        return backends.get(k.backend()).resolver(k.resolver());
    }

    /** The first kubernetes plugin's cluster source. */
    public ClusterSource source() {
        return backends.all().get(0).source();
    }

    public ServerPlan plan() {
        return plan;
    }

    /** Where {@code /health} listens; empty when off. */
    public Optional<ListenAddress> healthAddress() {
        return http.address(HttpEndpoints.Endpoint.HEALTH);
    }

    /** Where {@code /ready} listens; empty when off. */
    public Optional<ListenAddress> readyAddress() {
        return http.address(HttpEndpoints.Endpoint.READY);
    }

    /** Where {@code /metrics} listens; empty when off. */
    public Optional<ListenAddress> metricsAddress() {
        return http.address(HttpEndpoints.Endpoint.METRICS);
    }

    /** The Prometheus text of {@code /metrics}, also when it is not served (tools, tests). */
    public String scrape() {
        return metrics.scrape();
    }

    /**
     * What SIGTERM does: with a lameduck time, {@code /ready} turns 503 at once while DNS and
     * {@code /health} keep serving for that long (so the Service stops sending new queries before
     * the listeners go); then {@link #close}. A {@link #close} from elsewhere cuts the wait short.
     */
    public void shutdown() {
        Duration lameduck = plan.plugin(HealthConfig.class).map(HealthConfig::lameduck).orElse(Duration.ZERO);
        if (!lameduck.isZero() && !closed.get()) {
            probes.shuttingDown();
            log.info("lameduck: /ready is 503, still serving DNS and /health for {} ms", lameduck.toMillis());
            try {
                closeRequested.await(lameduck.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close();
    }

    /**
     * Closes the listeners and endpoints (in-flight TCP connections are cut), then the sources.
     * Idempotent; a second caller waits until the first one has finished.
     */
    @Override
    public void close() {
        closeRequested.countDown();
        if (!closed.compareAndSet(false, true)) {
            awaitClose();
            return;
        }
        probes.shuttingDown();
        String where = addresses().stream().map(ListenAddress::toString).collect(Collectors.joining(", "));
        stopEverything();
        log.info("dns-server on {} stopped", where);
        stopped.countDown();
    }

    /** Stops what runs, whatever got started (also after a start that failed half-way). */
    private void stopEverything() {
        if (reloader != null) {
            reloader.close();
        }
        synchronized (applying) {
            if (healthCheck != null) {
                healthCheck.close();
            }
            // forward's links close their sockets and health checks on their event loops
            states.close();
            if (!vertxStart.handle((v, e) -> e != null).join()) {
                closeQuietly(vertx());
            }
            backends.closeAll();
            timer.shutdownNow();
            metrics.close();
        }
    }

    /** One router per listening address, over the blocks (and of each, the zones) served there. */
    private static Map<ListenAddress, Router> routers(ServerPlan plan, PluginFactory factory) {
        Map<BlockPlan, List<Plugin>> links = new LinkedHashMap<>();
        for (BlockPlan b : plan.blocks()) {
            links.put(b, factory.chain(b));
        }
        Map<ListenAddress, Router> out = new LinkedHashMap<>();
        for (ListenAddress address : plan.listenAddresses()) {
            List<BlockChain> here = new ArrayList<>();
            for (BlockPlan b : plan.blocksOn(address)) {
                List<Name> zones = b.keys().stream().filter(k -> k.port() == address.port()).map(ZoneKey::zone).distinct().toList();
                here.add(BlockChain.of(zones, links.get(b)));
            }
            out.put(address, new Router(here, FastPath.unlessDisabled(here)));
        }
        return out;
    }

    /** The endpoints the health, ready and prometheus plugins ask for (the first of each). */
    static HttpConfig httpConfig(ServerPlan plan) {
        Optional<HealthConfig> health = plan.plugin(HealthConfig.class);
        return new HttpConfig(health.map(HealthConfig::address),
                plan.plugin(ReadyConfig.class).map(ReadyConfig::address),
                plan.plugin(PrometheusConfig.class).map(PrometheusConfig::address),
                health.map(HealthConfig::lameduck).orElse(Duration.ZERO));
    }

    /** {@code /health}'s reason: a source that stopped following the cluster for good. */
    private String unhealthy() {
        return backends.firstReason(b -> b.health().isHealthy() ? null : b.health().reason());
    }

    /** Ready, but answering from a persisted snapshot until the API server syncs. */
    private String stale() {
        return backends.firstReason(KubernetesBackend::staleReason);
    }

    private String notReady() {
        for (BlockChain c : chains) {
            for (Plugin p : c.plugins()) {
                if (p.reportsReadiness() && !p.ready()) {
                    String reason = backends.firstReason(KubernetesBackend::notReadyReason);
                    return reason != null ? reason : p.name();
                }
            }
        }
        // before the first chain exists: the backends being waited for
        return chains.isEmpty() ? backends.firstReason(KubernetesBackend::notReadyReason) : null;
    }

    /** Blocks the calling thread until {@link #close} has finished (main parks here until SIGTERM). */
    public void awaitClose() {
        boolean interrupted = false;
        while (true) {
            try {
                stopped.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private String describe() {
        String transport = vertx().isNativeTransportEnabled()
                ? "epoll"
                : "nio, native transport unavailable: " + vertx().unavailableNativeTransportCause();
        StringBuilder sb = new StringBuilder("dns-server listening on");
        String sep = " ";
        for (Served s : listeners.values()) {
            DnsListeners l = s.sockets();
            sb.append(sep).append(String.format("udp %s (%d socket%s, %s) and tcp %s (%d event loops)", l.address(), l.udpSockets(),
                    l.udpSockets() == 1 ? "" : "s", transport, l.address(), l.eventLoops()));
            sep = ", ";
        }
        List<Name> zones = new ArrayList<>();
        chains.forEach(c -> c.zones().stream().filter(z -> !zones.contains(z)).forEach(zones::add));
        sb.append("; zones ").append(zones.stream().map(Name::toString).collect(Collectors.joining(", ")));
        List<KubernetesBackend> all = backends.all();
        for (KubernetesBackend b : all) {
            // with several sources, which one each snapshot is
            sb.append("; ").append(all.size() > 1 ? b.config().source().spec().describe() + ": " : "").append(b.describe());
        }
        sb.append(describeHttp());
        return sb.toString();
    }

    private String describeHttp() {
        StringBuilder sb = new StringBuilder();
        for (HttpEndpoints.Endpoint e : HttpEndpoints.Endpoint.values()) {
            http.address(e).ifPresent(a -> sb.append(sb.length() == 0 ? "; http " : ", ").append(e.path).append(' ').append(a));
        }
        return sb.toString();
    }

    /** Runs one start-up task on its own daemon thread (the start's work beside the main thread's). */
    private static Executor starter(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
        };
    }

    /** The value of a start-up task; its failure thrown as it was. */
    private static <T> T joined(CompletableFuture<T> task) {
        try {
            return task.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private Vertx vertx() {
        return joined(vertxStart);
    }

    private static void closeQuietly(Vertx vertx) {
        try {
            vertx.close().await(Futures.START_TIMEOUT);
        } catch (Exception e) {
            log.warn("closing the listeners: {}", e.toString());
        }
    }
}
