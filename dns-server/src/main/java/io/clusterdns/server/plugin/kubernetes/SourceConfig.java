package io.clusterdns.server.plugin.kubernetes;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.informer.InformerConfig;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.resolver.PodMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where the cluster state comes from (manifests or an API server, {@link ClusterSourceSpec}) and,
 * for an API server, the CoreDNS {@code kubernetes} plugin options that decide what is watched.
 *
 * @param spec            manifests, kubeconfig (+ context), API server URL, or the pod's service account
 * @param labels          {@code --labels}: only Services (and their slices) matching, null for all
 * @param namespaceLabels {@code --namespace-labels}: only namespaces matching, null for all
 * @param noEndpoints     {@code --noendpoints}: watch no EndpointSlices (headless names and
 *                        endpoint names then do not exist)
 * @param clusterSet      what a {@code multicluster} plugin following this source needs watched
 *                        besides (manifests are read whole: always {@link ClusterSet#NONE} for them)
 */
public record SourceConfig(ClusterSourceSpec spec, String labels, String namespaceLabels, boolean noEndpoints, ClusterSet clusterSet) {

    /** The clusterset kinds (KEP-1645) an API server source watches: only when a multicluster plugin asks for them. */
    public enum ClusterSet {
        NONE,
        /** ServiceImports only (the multicluster plugin's {@code noendpoints}). */
        IMPORTS,
        /** ServiceImports and the EndpointSlices imported for them. */
        IMPORTS_AND_SLICES
    }

    public SourceConfig {
        Objects.requireNonNull(spec, "spec");
        clusterSet = clusterSet == null || spec instanceof ClusterSourceSpec.Manifests ? ClusterSet.NONE : clusterSet;
        if (spec instanceof ClusterSourceSpec.Manifests) {
            List<String> given = new ArrayList<>();
            if (labels != null) {
                given.add("--labels");
            }
            if (namespaceLabels != null) {
                given.add("--namespace-labels");
            }
            if (noEndpoints) {
                given.add("--noendpoints");
            }
            if (!given.isEmpty()) {
                throw new ConfigException("--manifests", "cannot be combined with " + String.join(", ", given)
                        + ": they choose what is watched on an API server");
            }
        }
        // InformerConfig validates the selectors as the API server would; say which flag was wrong.
        String l = labels;
        String nl = namespaceLabels;
        labels = checkSelector("--labels", "labels ", () -> InformerConfig.checkSelector("labels", l));
        namespaceLabels = checkSelector("--namespace-labels", "namespace_labels ", () -> InformerConfig.checkSelector("namespace_labels", nl));
    }

    /** Without the clusterset kinds. */
    public SourceConfig(ClusterSourceSpec spec, String labels, String namespaceLabels, boolean noEndpoints) {
        this(spec, labels, namespaceLabels, noEndpoints, ClusterSet.NONE);
    }

    /** Every object of the source. */
    public static SourceConfig of(ClusterSourceSpec spec) {
        return new SourceConfig(spec, null, null, false);
    }

    /** The same source, also watching what a multicluster plugin needs. */
    public SourceConfig withClusterSet(ClusterSet value) {
        return new SourceConfig(spec, labels, namespaceLabels, noEndpoints, value);
    }

    /** What the informer source watches; {@code pods verified} needs the Pods too. */
    public InformerConfig informers(InformerConfig base, PodMode podMode) {
        return informers(base, podMode == PodMode.VERIFIED);
    }

    /** What the informer source watches, Pods when {@code watchPods}; without the names of the Pods endpoints refer to. */
    public InformerConfig informers(InformerConfig base, boolean watchPods) {
        return informers(base, watchPods, false);
    }

    /** What the informer source watches, Pods when {@code watchPods}, the names of the endpoints' Pods kept when {@code endpointPodNames}. */
    public InformerConfig informers(InformerConfig base, boolean watchPods, boolean endpointPodNames) {
        return base.withLabels(labels)
                .withNamespaceLabels(namespaceLabels)
                .withNoEndpoints(noEndpoints)
                .withWatchPods(watchPods)
                .withEndpointPodNames(endpointPodNames)
                .withServiceImports(clusterSet != ClusterSet.NONE)
                .withImportedSlices(clusterSet == ClusterSet.IMPORTS_AND_SLICES);
    }

    private static String checkSelector(String option, String prefix, Supplier<String> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new ConfigException(option, message.startsWith(prefix) ? message.substring(prefix.length()) : message);
        }
    }
}
