package io.clusterdns.server;

import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.informer.InformerConfig;
import io.clusterdns.resolver.PodMode;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where the cluster state comes from: Kubernetes manifests on disk, or a live API server. The two
 * are exclusive; the command line picks one ({@code --manifests} or the cluster flags).
 */
public sealed interface SourceConfig {

    /** {@code --manifests PATH}: a YAML/JSON file or folder, watched for changes. */
    record Manifests(Path path) implements SourceConfig {
        public Manifests {
            if (path == null) {
                throw new ConfigException("--manifests", "required: a YAML file or folder of Kubernetes objects");
            }
        }
    }

    /**
     * A live API server through informers: the CoreDNS {@code kubernetes} plugin options that decide
     * what is watched.
     *
     * @param connection      kubeconfig (+ context), API server URL, or the pod's service account
     * @param labels          {@code --labels}: only Services (and their slices) matching, null for all
     * @param namespaceLabels {@code --namespace-labels}: only namespaces matching, null for all
     * @param noEndpoints     {@code --noendpoints}: watch no EndpointSlices (headless names and
     *                        endpoint names then do not exist)
     */
    record Kubernetes(ClusterConnection connection, String labels, String namespaceLabels, boolean noEndpoints)
            implements SourceConfig {

        public Kubernetes {
            Objects.requireNonNull(connection, "connection");
            // InformerConfig validates the selectors as the API server would; say which flag was wrong.
            InformerConfig base = InformerConfig.of(connection);
            String l = labels;
            String nl = namespaceLabels;
            labels = checkSelector("--labels", "labels ", () -> base.withLabels(l).labels());
            namespaceLabels = checkSelector("--namespace-labels", "namespace_labels ", () -> base.withNamespaceLabels(nl).namespaceLabels());
        }

        /** What the informer source watches; {@code pods verified} needs the Pods too. */
        public InformerConfig informerConfig(PodMode podMode) {
            return InformerConfig.of(connection)
                    .withLabels(labels)
                    .withNamespaceLabels(namespaceLabels)
                    .withNoEndpoints(noEndpoints)
                    .withWatchPods(podMode == PodMode.VERIFIED);
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
}
