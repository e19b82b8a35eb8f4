package io.clusterdns.k8s.informer;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.PublishReport;
import io.clusterdns.k8s.SnapshotBroadcaster;
import io.clusterdns.k8s.SourceHealth;
import io.clusterdns.k8s.SourceStats;
import io.clusterdns.k8s.SyncStatus;
import io.clusterdns.k8s.WatchedKind;
import io.clusterdns.k8s.convert.EndpointSliceConverter;
import io.clusterdns.k8s.convert.ServiceCidrConverter;
import io.clusterdns.k8s.convert.ServiceImportConverter;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster state from a live API server, through fabric8 shared informers on Services,
 * EndpointSlices ({@code discovery.k8s.io/v1}), Namespaces, and when asked for Pods, ServiceImports
 * and the EndpointSlices imported for them (the clusterset view, KEP-1645).
 *
 * <pre>{@code
 * InformerConfig config = InformerConfig.of(ClusterConnection.kubeconfig(Path.of("/root/.kube/config"), null))
 *         .withNamespaceLabels("dns=enabled");
 * try (InformerClusterSource source = new InformerClusterSource(config)) {
 *     source.start();                         // returns at once; lists and watches in the background
 *     source.subscribe(snapshot -> ...);      // every snapshot from the first complete one on
 *     ... wait up to the startup timeout for source.hasSynced() ...
 *     source.syncStatus();                    // "services synced, endpointslices waiting, namespaces synced"
 *     source.health();                        // unhealthy once an informer stopped for good (e.g. a 404 API)
 * }
 * }</pre>
 *
 * <p>Each object is converted once into its record on the informer's thread and recorded as a
 * pending change; the informers keep only keys and resourceVersions. One publisher thread turns
 * the changes into snapshots ({@link ClusterSnapshot#apply}) and calls the listeners in version
 * order. Nothing is published before every informer has delivered its first list. Disconnects,
 * expired watches (410 Gone) and relists are handled by the informers; the last snapshot keeps
 * serving and a relist publishes only real differences.
 */
public final class InformerClusterSource implements ClusterSource {
    private static final Logger LOG = LoggerFactory.getLogger(InformerClusterSource.class);
    private static final ResourceDefinitionContext SERVICE_IMPORT = new ResourceDefinitionContext.Builder()
            .withGroup(ServiceImportConverter.GROUP).withVersion(ServiceImportConverter.VERSION)
            .withKind(ServiceImportConverter.KIND).withPlural(ServiceImportConverter.PLURAL).withNamespaced(true).build();

    private final InformerConfig config;
    private final boolean ownsClient;
    private final PendingChanges pending = new PendingChanges();
    private final ClusterState state;
    private final SnapshotPublisher publisher;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile List<KindInformer<?>> informers = List.of();
    private volatile KubernetesClient client;
    private volatile String crash;

    /**
     * A source that creates (at {@link #start()}) and closes its own client from
     * {@code config.connection()}, telling {@code config.requests()} of its requests.
     */
    public InformerClusterSource(InformerConfig config) {
        this(config, null);
    }

    /** A source on a client the caller owns and closes; {@code config.connection()} and {@code requests()} are then unused. */
    InformerClusterSource(InformerConfig config, KubernetesClient client) {
        this.config = config;
        this.client = client;
        this.ownsClient = client == null;
        this.state = new ClusterState(config.filtersNamespaces());
        this.publisher = new SnapshotPublisher(pending, state, this::allSynced, () -> syncStatus().describe(),
                config.coalesce(), t -> crash = "snapshot publisher stopped: " + t);
    }

    public InformerConfig config() {
        return config;
    }

    /**
     * Connects and starts the informers and the publisher, then returns without waiting for the
     * API server; {@link #hasSynced()} turns true with the first snapshot.
     *
     * @throws IllegalArgumentException if the client cannot be configured (unreadable kubeconfig,
     *                                  unknown context, not in a cluster); the message is fit for
     *                                  the user
     * @throws IllegalStateException    if called twice
     */
    @Override
    public void start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        if (client == null) {
            client = ClientFactory.create(config.connection(), config.requests());
        }
        informers = List.copyOf(createInformers(client));
        publisher.start();
        for (KindInformer<?> informer : informers) {
            informer.recycleWatchesAfter(config.watchTimeout());
            informer.start(reason -> LOG.error("{}; the last snapshot keeps serving, but this kind no longer follows the cluster", reason));
        }
        LOG.info("Watching the Kubernetes API at {} ({}): {}", client.getMasterUrl(),
                ownsClient ? config.connection().describe() : "given client", describeWatches());
    }

    private List<KindInformer<?>> createInformers(KubernetesClient c) {
        List<KindInformer<?>> out = new ArrayList<>();
        out.add(new KindInformer<>(WatchedKind.SERVICES, "Service",
                select(c.services().inAnyNamespace(), config.labels()), Service::new, Recorder.SERVICES, pending, config.listPageSize()));
        if (!config.noEndpoints()) {
            // slices without the service-name label belong to no Service: let the API server leave them out
            String selector = LabelSelectors.and(config.labels(), EndpointSliceConverter.SERVICE_NAME_LABEL);
            out.add(new KindInformer<>(WatchedKind.ENDPOINT_SLICES, "EndpointSlice",
                    select(c.discovery().v1().endpointSlices().inAnyNamespace(), selector), EndpointSlice::new,
                    Recorder.endpointSlices(config.endpointPodNames()), pending, config.listPageSize()));
        }
        out.add(new KindInformer<>(WatchedKind.NAMESPACES, "Namespace",
                select(c.namespaces(), config.namespaceLabels()), Namespace::new, Recorder.NAMESPACES, pending, config.listPageSize()));
        if (config.watchPods()) {
            out.add(new KindInformer<>(WatchedKind.PODS, "Pod",
                    c.pods().inAnyNamespace(), Pod::new, Recorder.PODS, pending, config.listPageSize()));
        }
        if (config.nodeName() != null) {
            // kube-proxy watches only its own node too: one object, whatever the cluster's size
            out.add(new KindInformer<>(WatchedKind.NODES, "Node",
                    c.nodes().withField("metadata.name", config.nodeName()), Node::new, Recorder.NODES, pending, config.listPageSize()));
        }
        if (config.watchServiceCidrs()) {
            // cluster-scoped and few (the default "kubernetes" plus any an administrator added); 404 before 1.33
            out.add(new KindInformer<>(WatchedKind.SERVICE_CIDRS, ServiceCidrConverter.KIND,
                    c.network().v1().serviceCIDRs(), ServiceCIDR::new, Recorder.SERVICE_CIDRS, pending, config.listPageSize()));
        }
        if (config.watchServiceImports()) {
            // a CRD: no typed model, and no discovery call (the plural is known; a cluster without it answers 404)
            out.add(new KindInformer<>(WatchedKind.SERVICE_IMPORTS, ServiceImportConverter.KIND,
                    c.genericKubernetesResources(SERVICE_IMPORT).inAnyNamespace(), GenericKubernetesResource::new,
                    Recorder.SERVICE_IMPORTS, pending, config.listPageSize()));
        }
        if (config.watchImportedSlices()) {
            // the MCS controllers' slices, whatever the kubernetes plugin's labels select (CoreDNS's multicluster
            // plugin watches them on its own)
            out.add(new KindInformer<>(WatchedKind.IMPORTED_ENDPOINT_SLICES, "EndpointSlice",
                    c.discovery().v1().endpointSlices().inAnyNamespace().withLabel(EndpointSliceConverter.MULTICLUSTER_SERVICE_NAME_LABEL),
                    EndpointSlice::new, Recorder.IMPORTED_SLICES, pending, config.listPageSize()));
        }
        return out;
    }

    private static <T extends HasMetadata> Informable<T> select(FilterWatchListDeletable<T, ?, ?> all, String selector) {
        return selector == null ? all : all.withLabelSelector(selector);
    }

    private String describeWatches() {
        StringJoiner out = new StringJoiner(", ");
        for (KindInformer<?> i : informers) {
            out.add(i.kind().label());
        }
        String s = out.toString();
        if (config.labels() != null) {
            s += "; labels " + config.labels();
        }
        if (config.namespaceLabels() != null) {
            s += "; namespace labels " + config.namespaceLabels();
        }
        return s;
    }

    private boolean allSynced() {
        boolean all = !informers.isEmpty();
        for (KindInformer<?> i : informers) {
            // no short cut: synced() also releases each informer's key tracking as soon as it can
            all &= i.synced();
        }
        return all;
    }

    @Override
    public ClusterSnapshot current() {
        return publisher.broadcaster().current();
    }

    @Override
    public boolean hasSynced() {
        return publisher.broadcaster().synced();
    }

    @Override
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        return publisher.broadcaster().awaitFirst(timeout);
    }

    @Override
    public void subscribe(Consumer<ClusterSnapshot> listener) {
        publisher.broadcaster().subscribe(listener);
    }

    @Override
    public void onPublish(Consumer<PublishReport> listener) {
        publisher.broadcaster().onPublish(listener);
    }

    /** Unhealthy, with the reasons, once an informer (or the publisher) stopped for good. */
    @Override
    public SourceHealth health() {
        StringJoiner reasons = new StringJoiner("; ");
        if (crash != null) {
            reasons.add(crash);
        }
        for (KindInformer<?> i : informers) {
            if (i.state() == SyncStatus.State.FAILED) {
                reasons.add(i.failure());
            }
        }
        return reasons.length() == 0 ? SourceHealth.HEALTHY : SourceHealth.unhealthy(reasons.toString());
    }

    @Override
    public SyncStatus syncStatus() {
        Map<WatchedKind, SyncStatus.State> kinds = new EnumMap<>(WatchedKind.class);
        // before start() every kind the configuration watches is waiting
        if (config.watchPods()) {
            kinds.put(WatchedKind.PODS, SyncStatus.State.WAITING);
        }
        if (config.watchServiceImports()) {
            kinds.put(WatchedKind.SERVICE_IMPORTS, SyncStatus.State.WAITING);
        }
        if (config.watchImportedSlices()) {
            kinds.put(WatchedKind.IMPORTED_ENDPOINT_SLICES, SyncStatus.State.WAITING);
        }
        if (config.nodeName() != null) {
            kinds.put(WatchedKind.NODES, SyncStatus.State.WAITING);
        }
        if (config.watchServiceCidrs()) {
            kinds.put(WatchedKind.SERVICE_CIDRS, SyncStatus.State.WAITING);
        }
        if (!config.noEndpoints()) {
            kinds.put(WatchedKind.ENDPOINT_SLICES, SyncStatus.State.WAITING);
        }
        kinds.put(WatchedKind.SERVICES, SyncStatus.State.WAITING);
        kinds.put(WatchedKind.NAMESPACES, SyncStatus.State.WAITING);
        String lastError = null;
        for (KindInformer<?> i : informers) {
            kinds.put(i.kind(), i.state());
            if (i.lastRetried() != null) {
                lastError = i.lastRetried();
            }
        }
        return new SyncStatus(hasSynced(), kinds, hasSynced() ? null : lastError);
    }

    @Override
    public String describe() {
        KubernetesClient c = client;
        return "Kubernetes API " + (c != null ? c.getMasterUrl() + " (" : "(") + (ownsClient ? config.connection().describe() : "given client") + ")";
    }

    @Override
    public SourceStats stats() {
        Map<WatchedKind, Integer> objects = new EnumMap<>(WatchedKind.class);
        Map<WatchedKind, Boolean> watching = new EnumMap<>(WatchedKind.class);
        long errors = 0;
        for (KindInformer<?> i : informers) {
            objects.put(i.kind(), state.count(i.kind()));
            watching.put(i.kind(), i.watching());
            errors += i.conversionErrors();
        }
        SnapshotBroadcaster b = publisher.broadcaster();
        return new SourceStats(b.publishCount(), b.current().version(), b.lastPublished(),
                objects, watching, errors);
    }

    /** Stops the informers and the publisher; closes the client if this source created it. */
    @Override
    public void close() {
        for (KindInformer<?> i : informers) {
            i.stop();
        }
        publisher.close();
        KubernetesClient c = client;
        if (ownsClient && c != null) {
            c.close();
        }
    }
}
