package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.BroadcastingClusterSource;
import io.clusterdns.k8s.PublishReport;
import io.clusterdns.k8s.SourceHealth;
import io.clusterdns.k8s.SourceStats;
import io.clusterdns.k8s.SyncStatus;
import io.clusterdns.k8s.WatchedKind;
import io.clusterdns.k8s.model.ClusterSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster state from Kubernetes manifests on disk, for running without a cluster: reads
 * Namespaces, Nodes, Services, EndpointSlices, Endpoints, Pods and the apps/v1 workloads from
 * YAML/JSON files or folders, makes what the control plane would (the workloads' pods with their
 * addresses, cluster IPs, node ports, endpoints of selector services), and publishes a new
 * snapshot whenever the files change.
 *
 * <pre>{@code
 * try (ManifestClusterSource source = new ManifestClusterSource(Path.of("k8s/examples"))) {
 *     source.start();                       // first load; throws ManifestException if it is bad
 *     source.subscribe(snapshot -> ...);    // called at once, then after every good reload
 *     source.lastError();                   // the broken edit currently ignored, if any
 * }
 * }</pre>
 *
 * <p>Threads: {@link #start()} loads on the caller's thread; reloads and their listener calls run
 * on the single watcher thread. A reload that fails logs one error line naming file, document,
 * line and field, keeps the last good snapshot, and sets {@link #lastError()} until the next good
 * reload. When a reload finds an object defined twice, or a cluster IP or node port written
 * twice, the error is about the definition that is new since the serving state (for values: the
 * service that does not hold it yet), whichever file sorts first.
 */
public final class ManifestClusterSource extends BroadcastingClusterSource {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestClusterSource.class);

    private final ManifestConfig config;
    private final ManifestLoader loader;
    private final ClusterStateBuilder builder;
    private final List<Consumer<ManifestException>> errorListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ManifestException>> warningListeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile ManifestException lastError;
    /** Where each object of the serving state was defined; read and written on the loading thread only. */
    private Map<String, String> servingFiles = Map.of();
    private volatile ManifestWatcher watcher;

    public ManifestClusterSource(ManifestConfig config) {
        super((what, e) -> LOG.warn("{}", what, e));
        this.config = config;
        this.loader = new ManifestLoader(config.paths());
        this.builder = new ClusterStateBuilder(config.podCidrs());
    }

    /** Watches {@code paths} with the default debounce. */
    public ManifestClusterSource(Path... paths) {
        this(ManifestConfig.of(paths));
    }

    public ManifestConfig config() {
        return config;
    }

    /**
     * Loads the manifests (synchronously) and starts watching them.
     *
     * @throws ManifestException     if the manifests cannot be read or are invalid; its message
     *                               is fit to show the user as is
     * @throws IllegalStateException if called twice
     */
    @Override
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        ManifestWatcher w = config.watch() ? createWatcher() : null;
        try {
            ManifestObjects objects = loader.load(true, servingFiles, this::warn);
            publish(builder.build(objects, 1), true);
            servingFiles = objects.files();
        } catch (RuntimeException e) {
            if (w != null) {
                w.close();
            }
            throw e;
        }
        LOG.info("Loaded manifests from {}: {}{}", config.paths(), summary(current()), w == null ? "" : "; watching for changes");
        if (w != null) {
            watcher = w;
            w.start();
        }
    }

    private ManifestWatcher createWatcher() {
        for (Path p : config.paths()) {
            if (!Files.exists(p)) {
                throw ManifestException.ofFile(p.toString(), "no such file or directory", null);
            }
        }
        try {
            return ManifestWatcher.create(config.paths(), config.debounce(), this::reload);
        } catch (IOException e) {
            throw ManifestException.ofFile(config.paths().toString(), "cannot watch for changes: " + e, e);
        }
    }

    /** Runs on the watcher thread only, so versions never race. */
    private void reload() {
        long version = current().version() + 1;
        try {
            ManifestObjects objects = loader.load(false, servingFiles, this::warn);
            ClusterSnapshot next = builder.build(objects, version, current());
            servingFiles = objects.files();
            boolean recovered = lastError != null;
            lastError = null;
            publish(next, false);
            LOG.info("Manifests {}: {}", recovered ? "valid again" : "reloaded", summary(next));
        } catch (ManifestException e) {
            lastError = e;
            LOG.error("{} — keeping the last good cluster state (version {})", e.getMessage(), current().version());
            notify(errorListeners, e);
        }
    }

    /** A document skipped although an API server would refuse it; already logged by the parser. */
    private void warn(ManifestException warning) {
        notify(warningListeners, warning);
    }

    private static void notify(List<Consumer<ManifestException>> listeners, ManifestException e) {
        for (Consumer<ManifestException> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException failure) {
                LOG.warn("Listener {} failed", l, failure);
            }
        }
    }

    private void publish(ClusterSnapshot snapshot, boolean first) {
        broadcaster.publish(snapshot, () -> new PublishReport(snapshot.version(), first,
                first ? 0 : snapshot.changes().services().size(), Duration.ZERO, List.of()));
    }

    private static String summary(ClusterSnapshot s) {
        int slices = s.slicesByService().values().stream().mapToInt(List::size).sum();
        String clusterSet = s.serviceImports().isEmpty() ? ""
                : ", " + s.serviceImports().size() + " service imports, " + s.importedSliceCount() + " imported slices";
        return "version " + s.version() + ", " + s.services().size() + " services, " + slices + " endpoint slices, "
                + s.pods().size() + " pods, " + s.namespaces().size() + " namespaces" + clusterSet;
    }






    /**
     * Every kind is read from the files at once: all synced after the first load. A broken edit
     * does not change that (the last good state keeps serving, see {@link #lastError()}).
     */
    @Override
    public SyncStatus syncStatus() {
        Map<WatchedKind, SyncStatus.State> kinds = new EnumMap<>(WatchedKind.class);
        SyncStatus.State state = hasSynced() ? SyncStatus.State.SYNCED : SyncStatus.State.WAITING;
        for (WatchedKind k : WatchedKind.values()) {
            kinds.put(k, state);
        }
        return new SyncStatus(hasSynced(), kinds);
    }

    /** Always healthy: a broken edit keeps the last good state serving, and the next good edit is picked up. */
    @Override
    public SourceHealth health() {
        return SourceHealth.HEALTHY;
    }

    @Override
    public SourceStats stats() {
        ClusterSnapshot s = current();
        Map<WatchedKind, Integer> objects = new EnumMap<>(WatchedKind.class);
        objects.put(WatchedKind.SERVICES, s.services().size());
        objects.put(WatchedKind.ENDPOINT_SLICES, s.slicesByService().values().stream().mapToInt(List::size).sum());
        objects.put(WatchedKind.NAMESPACES, s.namespaces().size());
        objects.put(WatchedKind.PODS, s.pods().size());
        objects.put(WatchedKind.SERVICE_IMPORTS, s.serviceImports().size());
        objects.put(WatchedKind.IMPORTED_ENDPOINT_SLICES, s.importedSliceCount());
        objects.put(WatchedKind.NODES, s.nodes().size());
        objects.put(WatchedKind.SERVICE_CIDRS, s.serviceCidrs().size());
        Map<WatchedKind, Boolean> watching = new EnumMap<>(WatchedKind.class);
        for (WatchedKind k : WatchedKind.values()) {
            watching.put(k, watching());
        }
        return new SourceStats(broadcaster.publishCount(), s.version(), broadcaster.lastPublished(), objects, watching, 0);
    }

    @Override
    public String describe() {
        return "manifests " + config.paths();
    }

    /** Called on the watcher thread with every failed reload (for readiness reporting, tests). */
    public void onError(Consumer<ManifestException> listener) {
        errorListeners.add(listener);
    }

    /**
     * Called with every document a load skipped although an API server would have refused it (a
     * misspelt kind such as {@code kind: Servce}), at start-up (for listeners added before
     * {@link #start()}) and on every reload, on the loading thread. Such a document does not fail
     * the load; each is also logged at WARN once per load.
     */
    public void onWarning(Consumer<ManifestException> listener) {
        warningListeners.add(listener);
    }

    /** The error of the latest reload when it failed; empty once a reload succeeds. */
    public Optional<ManifestException> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** True while the watcher thread runs (between a watching start() and close()). */
    public boolean watching() {
        ManifestWatcher w = watcher;
        return w != null && w.running();
    }

    /** Stops the watcher thread and waits for a reload in progress to finish. */
    @Override
    public void close() {
        ManifestWatcher w = watcher;
        if (w != null) {
            w.close();
        }
    }
}
