package io.clusterdns.k8s.source;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.informer.ClusterConnection;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where a server's cluster state comes from, validated: Kubernetes manifests on disk, or an API
 * server. Built from the shared flags by {@link ClusterSourceOptions} (or from a Corefile), turned
 * into a running source by {@link ClusterSources#create}.
 */
public sealed interface ClusterSourceSpec {

    /** {@code --manifests PATH...}: YAML/JSON files or folders, reloaded when they change. */
    record Manifests(List<Path> paths) implements ClusterSourceSpec {
        public Manifests {
            paths = List.copyOf(paths);
            if (paths.isEmpty()) {
                throw new ConfigException("--manifests", "at least one file or folder is required");
            }
        }

        @Override
        public String describe() {
            return "manifests " + paths;
        }
    }

    /** {@code --kubeconfig}/{@code --context}/{@code --master}, or the pod's service account. */
    record Api(ClusterConnection connection) implements ClusterSourceSpec {
        public Api {
            Objects.requireNonNull(connection, "connection");
        }

        @Override
        public String describe() {
            return "Kubernetes API (" + connection.describe() + ")";
        }
    }

    /** For log lines. */
    String describe();
}
