package io.clusterdns.envinjector;

import io.vertx.core.file.FileSystemOptions;
import io.clusterdns.envinjector.tls.ServingCertificate;
import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.SourceHealth;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.source.ClusterSources;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running webhook: a cluster source feeding the {@link ServiceCatalog}, the HTTPS
 * {@link WebhookServer} answering with the {@link Injector}, and the {@link CertificateWatcher}.
 *
 * <pre>{@code
 * try (EnvInjector injector = EnvInjector.start(config)) {   // throws with a one-line message if it cannot start
 *     injector.port();                                      // the bound port (config port 0 picks one)
 *     injector.awaitClose();                                // until close() (the CLI: until SIGTERM)
 * }
 * }</pre>
 */
public final class EnvInjector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EnvInjector.class);
    /** Admissions take microseconds of CPU each; a second loop keeps probes answered while one is busy. */
    static final int EVENT_LOOPS = 2;
    /** How long requests in flight may take to finish on close; the API server's timeout is 5 s. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

    private final ClusterSource source;
    private final Vertx vertx;
    private final WebhookServer server;
    private final CertificateWatcher watcher;
    private final InjectorMetrics metrics;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile ServiceCatalog catalog = ServiceCatalog.EMPTY;

    private EnvInjector(InjectorConfig config, ClusterSource source) {
        this.source = source;
        CertificateWatcher.Loaded tls = CertificateWatcher.load(config.tlsCert(), config.tlsKey());
        ServingCertificate certificate = tls.certificate();
        this.metrics = new InjectorMetrics(() -> catalog);
        source.subscribe(this::update);
        source.start();
        source.awaitStarted(); // a persisted snapshot's live source starts in the background: its errors are ours
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(EVENT_LOOPS)
                // no file cache folder: the Deployment runs with a read-only root filesystem
                .setFileSystemOptions(new FileSystemOptions().setClassPathResolvingEnabled(false).setFileCachingEnabled(false)));
        try {
            Injector injector = new Injector(config, () -> catalog, metrics);
            this.server = WebhookServer.start(vertx, config, certificate, injector, metrics, () -> notReadyReason(source));
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
        this.watcher = new CertificateWatcher(config.tlsCert(), config.tlsKey(), config.tlsReloadInterval(), tls,
                server::updateCertificate, metrics);
        watcher.start();
        LOG.info("envinjector listening on https://{} (POST /mutate, /healthz, /readyz, /metrics); services from {}; zone {}; certificate {}",
                config.listen().withPort(server.port()), config.source().describe(), config.zone(), certificate.describe());
    }

    /**
     * Starts everything; the source from {@code config.source()}.
     *
     * @throws RuntimeException with a message fit for the operator (bad certificate files, a bad
     *                          manifest, an address in use, no kubeconfig)
     */
    public static EnvInjector start(InjectorConfig config) {
        // the injector needs neither EndpointSlices nor Pods, so its RBAC role and memory stay small
        return start(config, ClusterSources.create(config.source(), true, informers -> informers.withNoEndpoints(true)));
    }

    /** Starts with a given source (tests, benchmarks); it is closed with the injector. */
    public static EnvInjector start(InjectorConfig config, ClusterSource source) {
        try {
            return new EnvInjector(config, source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /** The source's listener thread: keep the catalog in step with every snapshot. */
    private void update(ClusterSnapshot snapshot) {
        ServiceCatalog previous = catalog;
        catalog = previous.next(snapshot);
        if (!previous.synced()) {
            LOG.info("Service cache synced: {} services in {} namespaces (snapshot version {})", snapshot.services().size(),
                    snapshot.namespaces().size(), snapshot.version());
        }
    }

    public int port() {
        return server.port();
    }

    /** True once the service cache synced (what {@code /readyz} answers). */
    public boolean ready() {
        return notReadyReason(source) == null;
    }

    public InjectorMetrics metrics() {
        return metrics;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /** Stops accepting connections (requests in flight finish), then the watcher, the source and Vert.x. Idempotent. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            watcher.close();
            server.close(SHUTDOWN_GRACE).toCompletionStage().toCompletableFuture().get(SHUTDOWN_GRACE.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("Closing the HTTPS server: {}", e.toString());
        } finally {
            source.close();
            vertx.close();
            closed.countDown();
            LOG.info("envinjector stopped");
        }
    }

    /** Null when {@code source} has synced and can still follow the cluster, else why not. */
    static String notReadyReason(ClusterSource source) {
        SourceHealth health = source.health();
        if (!health.isHealthy()) {
            return "the service cache no longer follows the cluster: " + health.reason();
        }
        if (!source.hasSynced()) {
            String status = source.syncStatus().describe();
            return "waiting for the service cache" + (status.isEmpty() ? "" : ": " + status);
        }
        return null;
    }
}
