package io.clusterdns.k8s.informer;

import io.clusterdns.k8s.ApiRequestObserver;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of an {@link InformerClusterSource}; the options of the CoreDNS
 * {@code kubernetes} plugin that decide what is watched.
 *
 * @param connection      how to reach the API server (CoreDNS {@code kubeconfig}, {@code endpoint})
 * @param labels          label selector for Services and EndpointSlices, null for all (CoreDNS
 *                        {@code labels}); the EndpointSlice controller copies a Service's labels onto
 *                        its slices, so one selector fits both
 * @param namespaceLabels label selector for Namespaces, null for all (CoreDNS
 *                        {@code namespace_labels}): only objects in matching namespaces are
 *                        published, and only matching namespaces exist
 * @param noEndpoints     true to watch no EndpointSlices at all (CoreDNS {@code noendpoints}):
 *                        snapshots then hold no slices
 * @param watchPods       true to watch Pods too (needed by {@code pods verified}); Pods are by far
 *                        the most numerous objects, so they are watched only when a feature needs them
 * @param coalesce        the least time between two published snapshots: a change arriving after a
 *                        quiet period is published at once, and changes arriving within this time of
 *                        the last publish are coalesced into the next one
 * @param requests        hears of every request the source's client sends to the API server (the
 *                        servers' REST client metrics); {@link ApiRequestObserver#NONE} for none
 * @param watchServiceImports true to watch ServiceImports ({@code multicluster.x-k8s.io/v1alpha1},
 *                        the CoreDNS {@code multicluster} plugin); a cluster without the CRD then has
 *                        none (one log line), it does not stop the source
 * @param watchImportedSlices true to watch the EndpointSlices MCS controllers import for
 *                        ServiceImports (labelled {@code multicluster.kubernetes.io/service-name});
 *                        false with the multicluster plugin's {@code noendpoints}
 * @param listPageSize    objects per list request ({@code limit}, then {@code continue} for the
 *                        next page), so that a list or a relist (after an outage, or a watch that
 *                        expired with 410 Gone) holds one page of fabric8 objects at a time rather
 *                        than the whole cluster; 0 lists everything in one response
 * @param nodeName        the one Node to watch (by field selector {@code metadata.name}), null for
 *                        none: the discovery agent reads its own node's zone label, as kube-proxy does
 * @param watchTimeout    the least time a watch is kept open: each is closed and opened again
 *                        (from the last resourceVersion: no relist) after a random time between
 *                        this and twice this, so that a watch that went silent is replaced within a
 *                        bounded time; whole seconds, at least 1 s. client-go's reflector and fabric8
 *                        use 5 min, but client-go also notices a dead connection within ~45 s (HTTP/2
 *                        pings) while the JDK WebSocket under fabric8 can miss a connection cut by a
 *                        dying API server or load balancer altogether; hence 1 min by default
 * @param watchServiceCidrs true to watch ServiceCIDRs ({@code networking.k8s.io/v1}, GA in 1.33):
 *                        the discovery agent's service ranges; an API server without them answers
 *                        404 and the source then has none (one log line), as for ServiceImports
 * @param endpointPodNames true to keep the name of the Pod each endpoint refers to
 *                        ({@code targetRef}; {@link io.clusterdns.k8s.model.EndpointInfo#targetPodName}),
 *                        which only the kubernetes plugin's {@code endpoint_pod_names} reads. Off,
 *                        an endpoint keeps none: in a live cluster nearly every endpoint names its
 *                        Pod, and a name costs about 64 bytes (10 MB at 150,000 endpoints)
 */
public record InformerConfig(
        ClusterConnection connection,
        String labels,
        String namespaceLabels,
        boolean noEndpoints,
        boolean watchPods,
        Duration coalesce,
        ApiRequestObserver requests,
        boolean watchServiceImports,
        boolean watchImportedSlices,
        int listPageSize,
        String nodeName,
        Duration watchTimeout,
        boolean watchServiceCidrs,
        boolean endpointPodNames) {

    /** client-go's page size (its reflector's default). */
    public static final int DEFAULT_LIST_PAGE_SIZE = 500;
    public static final Duration DEFAULT_WATCH_TIMEOUT = Duration.ofMinutes(1);
    public static final Duration DEFAULT_COALESCE = Duration.ofMillis(10);
    public static final Duration MAX_COALESCE = Duration.ofSeconds(5);
    public static final boolean DEFAULT_NO_ENDPOINTS = false;
    public static final boolean DEFAULT_WATCH_PODS = false;

    public InformerConfig {
        Objects.requireNonNull(connection, "connection");
        labels = LabelSelectors.check("labels", labels);
        namespaceLabels = LabelSelectors.check("namespace_labels", namespaceLabels);
        coalesce = coalesce == null ? DEFAULT_COALESCE : coalesce;
        requests = requests == null ? ApiRequestObserver.NONE : requests;
        if (coalesce.isNegative() || coalesce.compareTo(MAX_COALESCE) > 0) {
            throw new IllegalArgumentException("coalesce must be 0.." + MAX_COALESCE.toMillis() + " ms, got " + coalesce.toMillis() + " ms");
        }
        watchTimeout = watchTimeout == null ? DEFAULT_WATCH_TIMEOUT : watchTimeout;
        if (watchTimeout.toSeconds() < 1) {
            throw new IllegalArgumentException("watch timeout must be at least 1 s, got " + watchTimeout.toMillis() + " ms");
        }
        if (listPageSize < 0) {
            throw new IllegalArgumentException("list page size must be 0 (no pages) or more, got " + listPageSize);
        }
    }

    /** With the default list page size. */
    public InformerConfig(ClusterConnection connection, String labels, String namespaceLabels, boolean noEndpoints, boolean watchPods,
                          Duration coalesce, ApiRequestObserver requests, boolean watchServiceImports, boolean watchImportedSlices) {
        this(connection, labels, namespaceLabels, noEndpoints, watchPods, coalesce, requests, watchServiceImports, watchImportedSlices,
                DEFAULT_LIST_PAGE_SIZE, null, DEFAULT_WATCH_TIMEOUT, false, false);
    }

    /** Without the clusterset kinds (ServiceImports and the slices imported for them). */
    public InformerConfig(ClusterConnection connection, String labels, String namespaceLabels, boolean noEndpoints, boolean watchPods,
                          Duration coalesce, ApiRequestObserver requests) {
        this(connection, labels, namespaceLabels, noEndpoints, watchPods, coalesce, requests, false, false);
    }

    /** Everything watched with the defaults, through {@code connection}. */
    public static InformerConfig of(ClusterConnection connection) {
        return new InformerConfig(connection, null, null, DEFAULT_NO_ENDPOINTS, DEFAULT_WATCH_PODS, DEFAULT_COALESCE, ApiRequestObserver.NONE);
    }

    public InformerConfig withLabels(String selector) {
        return new InformerConfig(connection, selector, namespaceLabels, noEndpoints, watchPods, coalesce, requests, watchServiceImports, watchImportedSlices, listPageSize, nodeName, watchTimeout, watchServiceCidrs, endpointPodNames);
    }

    public InformerConfig withNamespaceLabels(String selector) {
        return new InformerConfig(connection, labels, selector, noEndpoints, watchPods, coalesce, requests, watchServiceImports, watchImportedSlices, listPageSize, nodeName, watchTimeout, watchServiceCidrs, endpointPodNames);
    }

    public InformerConfig withNoEndpoints(boolean value) {
        return new InformerConfig(connection, labels, namespaceLabels, value, watchPods, coalesce, requests, watchServiceImports, watchImportedSlices, listPageSize, nodeName, watchTimeout, watchServiceCidrs, endpointPodNames);
    }

    public InformerConfig withWatchPods(boolean value) {
        return new InformerConfig(connection, labels, namespaceLabels, noEndpoints, value, coalesce, requests, watchServiceImports, watchImportedSlices, listPageSize, nodeName, watchTimeout, watchServiceCidrs, endpointPodNames);
    }

    public InformerConfig withCoalesce(Duration value) {
        return new InformerConfig(connection, labels, namespaceLabels, noEndpoints, watchPods, value, requests, watchServiceImports, watchImportedSlices, listPageSize, nodeName, watchTimeout, watchServiceCidrs, endpointPodNames);
    }

    public InformerConfig withRequests(ApiRequestObserver value) {
        return new InformerConfig(connection, labels, namespaceLabels, noEndpoints, watchPods, coalesce, value, watchServiceImports, watchImportedSlices, listPageSize, nodeName, watchTimeout, watchServiceCidrs, endpointPodNames);
    }

    /** With ServiceImports watched or not (the multicluster plugin). */
    public InformerConfig withServiceImports(boolean value) {
        return new InformerConfig(connection, labels, namespaceLabels, noEndpoints, watchPods, coalesce, requests, value, watchImportedSlices, listPageSize, nodeName, watchTimeout, watchServiceCidrs, endpointPodNames);
    }

    /** With the slices imported for ServiceImports watched or not (the multicluster plugin without {@code noendpoints}). */
    public InformerConfig withImportedSlices(boolean value) {
        return new InformerConfig(connection, labels, namespaceLabels, noEndpoints, watchPods, coalesce, requests, watchServiceImports, value, listPageSize, nodeName, watchTimeout, watchServiceCidrs, endpointPodNames);
    }

    /** With {@code value} objects per list request; 0 for one unpaged list. */
    public InformerConfig withListPageSize(int value) {
        return new InformerConfig(connection, labels, namespaceLabels, noEndpoints, watchPods, coalesce, requests, watchServiceImports,
                watchImportedSlices, value, nodeName, watchTimeout, watchServiceCidrs, endpointPodNames);
    }

    /** With watches recycled after {@code value} to twice that (see {@link #watchTimeout}). */
    public InformerConfig withWatchTimeout(Duration value) {
        return new InformerConfig(connection, labels, namespaceLabels, noEndpoints, watchPods, coalesce, requests, watchServiceImports,
                watchImportedSlices, listPageSize, nodeName, value, watchServiceCidrs, endpointPodNames);
    }

    /** With this one Node watched (its name), or none (null). */
    public InformerConfig withNode(String name) {
        return new InformerConfig(connection, labels, namespaceLabels, noEndpoints, watchPods, coalesce, requests, watchServiceImports,
                watchImportedSlices, listPageSize, name, watchTimeout, watchServiceCidrs, endpointPodNames);
    }

    /** With ServiceCIDRs watched, or not. */
    public InformerConfig withServiceCidrs(boolean value) {
        return new InformerConfig(connection, labels, namespaceLabels, noEndpoints, watchPods, coalesce, requests, watchServiceImports,
                watchImportedSlices, listPageSize, nodeName, watchTimeout, value, endpointPodNames);
    }

    /** With the names of the Pods endpoints refer to kept, or not (see {@link #endpointPodNames}). */
    public InformerConfig withEndpointPodNames(boolean value) {
        return new InformerConfig(connection, labels, namespaceLabels, noEndpoints, watchPods, coalesce, requests, watchServiceImports,
                watchImportedSlices, listPageSize, nodeName, watchTimeout, watchServiceCidrs, value);
    }

    /**
     * Checks a label selector as the API server would; null stays null.
     *
     * @param option the option named in the error ({@code labels}, {@code namespace_labels})
     * @throws IllegalArgumentException {@code "labels \"x!\": ..."}
     */
    public static String checkSelector(String option, String selector) {
        return LabelSelectors.check(option, selector);
    }

    /** True when only namespaces matching {@link #namespaceLabels} are published. */
    public boolean filtersNamespaces() {
        return namespaceLabels != null;
    }
}
