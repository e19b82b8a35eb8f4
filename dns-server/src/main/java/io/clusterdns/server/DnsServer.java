package io.clusterdns.server;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.SourceHealth;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.resolver.Resolver;
import io.clusterdns.server.chain.BlockChain;
import io.clusterdns.server.chain.Plugin;
import io.clusterdns.server.chain.QueryDispatcher;
import io.clusterdns.server.chain.Router;
import io.clusterdns.server.http.HttpConfig;
import io.clusterdns.server.http.HttpEndpoints;
import io.clusterdns.server.http.Probes;
import io.clusterdns.server.listen.DnsListeners;
import io.clusterdns.server.listen.Futures;
import io.clusterdns.server.metrics.DnsMetrics;
import io.clusterdns.server.metrics.ServerMetrics;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plan.ZoneKey;
import io.clusterdns.server.plugin.forward.ForwardMetrics;
import io.clusterdns.server.plugin.health.HealthConfig;
import io.clusterdns.server.plugin.kubernetes.KubernetesBackend;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import io.clusterdns.server.plugin.prometheus.PrometheusConfig;
import io.clusterdns.server.plugin.ready.ReadyConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
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
 * DNS listeners. Shut-down: {@link #shutdown} keeps serving for the lameduck time with
 * {@code /ready} at 503, then {@link #close} stops the listeners and endpoints, then the sources.
 */
public final class DnsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DnsServer.class);

    /** Makes the cluster source of a kubernetes plugin (main: from its config; tests: their own). */
    @FunctionalInterface
    public interface SourceFactory {
        ClusterSource create(KubernetesConfig config);
    }

    private final ServerMetrics metrics;
    private final Vertx vertx;
    private final ScheduledExecutorService timer;
    private final PluginFactory plugins;
    private final Map<KubernetesConfig.Backend, KubernetesBackend> backends;
    private final Map<ListenAddress, Served> listeners;
    private final HttpEndpoints http;
    private final Probes probes;
    private final Duration lameduck;
    private volatile ServerPlan plan;
    private volatile List<BlockChain> chains;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** One listening address: its sockets and the router its dispatcher reads (a reload swaps it). */
    private record Served(DnsListeners sockets, AtomicReference<Router> router) {
    }

    private DnsServer(Builder b) {
        this.metrics = b.metrics;
        this.vertx = b.vertx;
        this.timer = b.timer;
        this.plugins = b.plugins;
        this.backends = b.backends;
        this.listeners = b.listeners;
        this.http = b.http;
        this.probes = b.probes;
        this.lameduck = b.plan.plugin(HealthConfig.class).map(HealthConfig::lameduck).orElse(Duration.ZERO);
        this.plan = b.plan;
        this.chains = b.chains;
    }

    /**
     * The command line's server: {@code config}'s plan, its kubernetes plugin following
     * {@code source}, which now belongs to the server (closed with it, or at once when the start fails).
     */
    public static DnsServer start(ServerConfig config, ClusterSource source) {
        try {
            return start(config.plan(), k -> source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /**
     * Starts {@code plan}: the cluster sources {@code sources} makes now belong to the server and
     * are closed with it. Throws with the one-line reason when it cannot start (a bad manifest or
     * kubeconfig, an address in use); nothing is left running then. Blocks for at most the
     * longest startup timeout while the sources sync.
     */
    public static DnsServer start(ServerPlan plan, SourceFactory sources) {
        Builder b = new Builder(plan);
        try {
            return b.start(sources);
        } catch (RuntimeException e) {
            b.abort();
            throw e;
        }
    }

    /** The parts being started, released again if the start fails half-way. */
    private static final class Builder {
        final ServerPlan plan;
        final ServerMetrics metrics = new ServerMetrics();
        final DnsMetrics dnsMetrics = new DnsMetrics(metrics.registry());
        final ForwardMetrics forwardMetrics = new ForwardMetrics(metrics.registry());
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clusterdns-timer");
            t.setDaemon(true);
            return t;
        });
        final Map<KubernetesConfig.Backend, KubernetesBackend> backends = new LinkedHashMap<>();
        final Map<ListenAddress, Served> listeners = new LinkedHashMap<>();
        Vertx vertx;
        PluginFactory plugins;
        HttpEndpoints http;
        Probes probes;
        List<BlockChain> chains;

        Builder(ServerPlan plan) {
            this.plan = plan;
        }

        DnsServer start(SourceFactory sources) {
            vertx = Vertx.builder()
                    .with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(plan.effectiveUdpSockets()))
                    .build();
            probes = new Probes(() -> unhealthy(backends.values()), () -> notReady(backends.values()));
            http = HttpEndpoints.start(vertx, httpConfig(plan), probes, metrics.registry());
            for (KubernetesConfig k : plan.plugins(KubernetesConfig.class)) {
                if (!backends.containsKey(k.backend())) {
                    KubernetesBackend backend = new KubernetesBackend(k.backend(), sources.create(k), metrics.registry());
                    backends.put(k.backend(), backend);
                    backend.start();
                }
            }
            awaitBackends();
            plugins = new PluginFactory(dnsMetrics, forwardMetrics, vertx, timer, k -> backends.get(k.backend()));
            Map<ListenAddress, Router> routers = routers(plan, plugins);
            chains = new ArrayList<>();
            routers.values().forEach(r -> r.blocks().forEach(c -> {
                if (!chains.contains(c)) {
                    chains.add(c);
                }
            }));
            for (Map.Entry<ListenAddress, Router> e : routers.entrySet()) {
                AtomicReference<Router> router = new AtomicReference<>(e.getValue());
                QueryDispatcher dispatcher = new QueryDispatcher(router::get, dnsMetrics, metrics.panics());
                DnsListeners sockets = DnsListeners.deploy(vertx, e.getKey(), dispatcher, plan.effectiveUdpSockets(), plan.tcpIdleTimeout());
                listeners.put(sockets.address(), new Served(sockets, router));
            }
            probes.listening();
            DnsServer server = new DnsServer(this);
            log.info(server.describe());
            backends.values().forEach(KubernetesBackend::announce);
            return server;
        }

        /** CoreDNS's rule: wait for every backend's first snapshot, each at most its startup timeout from now. */
        private void awaitBackends() {
            long start = System.nanoTime();
            for (KubernetesConfig k : plan.plugins(KubernetesConfig.class)) {
                Duration left = k.startupTimeout().minusNanos(System.nanoTime() - start);
                backends.get(k.backend()).awaitSynced(left.isNegative() ? Duration.ZERO : left);
            }
        }

        void abort() {
            if (plugins != null) {
                plugins.close();
            }
            if (vertx != null) {
                closeQuietly(vertx);
            }
            backends.values().forEach(KubernetesBackend::close);
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
            out.put(address, new Router(here));
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

    private static String unhealthy(Iterable<KubernetesBackend> backends) {
        for (KubernetesBackend b : backends) {
            SourceHealth h = b.health();
            if (!h.isHealthy()) {
                return "kubernetes: " + h.reason();
            }
        }
        return null;
    }

    private static String notReady(Iterable<KubernetesBackend> backends) {
        for (KubernetesBackend b : backends) {
            String reason = b.notReadyReason();
            if (reason != null) {
                return "kubernetes: " + reason;
            }
        }
        return null;
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

    public boolean nativeTransport() {
        return vertx.isNativeTransportEnabled();
    }

    /** The first kubernetes plugin's resolver. */
    public Resolver resolver() {
        return backends.values().iterator().next().resolver();
    }

    /** The first kubernetes plugin's cluster source. */
    public ClusterSource source() {
        return backends.values().iterator().next().source();
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
        return metrics.registry().scrape();
    }

    /**
     * What SIGTERM does: with a lameduck time, {@code /ready} turns 503 at once while DNS and
     * {@code /health} keep serving for that long (so the Service stops sending new queries before
     * the listeners go); then {@link #close}. A {@link #close} from elsewhere cuts the wait short.
     */
    public void shutdown() {
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
        plugins.close();
        closeQuietly(vertx);
        backends.values().forEach(KubernetesBackend::close);
        timer.shutdownNow();
        metrics.close();
        log.info("dns-server on {} stopped", addresses().stream().map(ListenAddress::toString).collect(Collectors.joining(", ")));
        stopped.countDown();
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
        String transport = vertx.isNativeTransportEnabled()
                ? "epoll"
                : "nio, native transport unavailable: " + vertx.unavailableNativeTransportCause();
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
        for (KubernetesBackend b : backends.values()) {
            sb.append("; ").append(b.describe());
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

    private static void closeQuietly(Vertx vertx) {
        try {
            vertx.close().await(Futures.START_TIMEOUT);
        } catch (Exception e) {
            log.warn("closing the listeners: {}", e.toString());
        }
    }
}
