package io.clusterdns.agent;

import io.vertx.core.file.FileSystemOptions;
import io.clusterdns.agent.http.AgentHttpServers;
import io.clusterdns.agent.http.ServiceHealthServers;
import io.clusterdns.agent.kernel.Conntrack;
import io.clusterdns.agent.kernel.Nft;
import io.clusterdns.agent.status.AgentMetrics;
import io.clusterdns.agent.status.ProxierHealth;
import io.clusterdns.agent.sync.NodeContexts;
import io.clusterdns.agent.sync.RuleSyncer;
import io.clusterdns.agent.sync.SyncLoop;
import io.clusterdns.agent.sync.Ticker;
import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.persist.SnapshotMeters;
import io.clusterdns.k8s.source.ClusterSources;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent: cluster source → sync loop → nftables, plus the HTTP endpoints. Owns every
 * resource it starts and releases them in {@link #close()}; the nftables rules stay in place on
 * exit (as with kube-proxy: traffic keeps flowing while the agent restarts).
 */
public final class DiscoveryAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiscoveryAgent.class);

    private final AgentConfig config;
    private final ClusterSource source;
    private final AgentMetrics metrics = new AgentMetrics();
    private final ProxierHealth health;
    private final RuleSyncer syncer;
    private final SyncLoop loop;
    private Vertx vertx;
    private AgentHttpServers http;
    private ServiceHealthServers healthChecks;
    private int[] ports = {-1, -1};
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    public DiscoveryAgent(AgentConfig config, ClusterSource source, Nft nft, Conntrack conntrack) {
        this.config = config;
        this.source = source;
        Clock clock = Clock.systemUTC();
        this.health = new ProxierHealth(clock, System::nanoTime, config.syncPeriod().multipliedBy(2));
        this.syncer = new RuleSyncer(config.families(), config.nodeName(), nft, conntrack, NodeContexts.of(config.nodeNetwork()), metrics, health, clock, Ticker.SYSTEM);
        this.loop = new SyncLoop(source, syncer, config.minSyncPeriod(), config.syncPeriod(), health, metrics);
        metrics.bind(SnapshotMeters.of(source, clock));
    }

    /**
     * The cluster source the configuration asks for: manifests, or the API server, where this
     * node's own Node is watched too (its zone label, for topology-aware routing), by default with
     * its last-known-good snapshot persisted: a restart while the API server is unreachable then
     * programs the rules of that snapshot, the ones already in place, instead of waiting with
     * whatever the node has; without one, nothing is written before the first complete view.
     */
    public static ClusterSource createSource(AgentConfig config, boolean watch) {
        return ClusterSources.create(config.source(), watch, informers -> informers.withNode(config.nodeName()).withServiceCidrs(true));
    }

    /**
     * Starts the HTTP endpoints, the source (a bad manifest throws here) and the loop.
     *
     * @throws Exception when a port cannot be bound or the source cannot start
     */
    public void start() throws Exception {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                // no file cache folder: the DaemonSet runs with a read-only root filesystem
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false)));
        http = new AgentHttpServers(vertx, health, metrics);
        ports = http.start(config.healthzBind(), config.metricsBind());
        String hcHost = config.nodePortAddresses().primary() && config.nodeIPs().size() == 1
                ? config.nodeIPs().get(0).getHostAddress() : "0.0.0.0";
        healthChecks = new ServiceHealthServers(vertx, hcHost, () -> health.status().healthy());
        syncer.onHealthChecks(healthChecks::update);
        source.start();
        source.awaitStarted(); // a persisted snapshot's live source starts in the background: its errors are ours
        loop.start();
        LOG.info("discovery-agent started: {}; families {}; healthz {}, metrics {}", config, config.families(),
                config.healthzBind() == null ? "off" : config.healthzBind().host() + ":" + ports[0],
                config.metricsBind() == null ? "off" : config.metricsBind().host() + ":" + ports[1]);
    }

    public int healthzPort() {
        return ports[0];
    }

    public int metricsPort() {
        return ports[1];
    }

    public ClusterSource source() {
        return source;
    }

    public SyncLoop loop() {
        return loop;
    }

    public RuleSyncer syncer() {
        return syncer;
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    public ProxierHealth health() {
        return health;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        loop.close();
        if (healthChecks != null) {
            healthChecks.close();
        }
        if (http != null) {
            http.close();
        }
        source.close();
        if (vertx != null) {
            try {
                AgentHttpServers.await(vertx.close(), "stop Vert.x");
            } catch (Exception e) {
                LOG.debug("Vert.x did not stop cleanly", e);
            }
        }
        if (!syncer.hasWritten()) {
            // nothing was written by this run (it never synced): do not claim rules it does not know of
            LOG.info("discovery-agent stopped before its first sync; it wrote no nftables rules");
        } else {
            LOG.info("discovery-agent stopped; the nftables rules stay in place (use --cleanup to remove them)");
        }
    }

}
