package io.clusterdns.envinjector;

import io.clusterdns.k8s.informer.ClusterConnection;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Where the services come from: manifests on disk, or the Kubernetes API. */
public sealed interface SourceConfig {

    /** {@code --manifests PATH}: YAML/JSON files or folders, reloaded when they change. */
    record Manifests(List<Path> paths) implements SourceConfig {
        public Manifests {
            paths = List.copyOf(paths);
            if (paths.isEmpty()) {
                throw new ConfigException("--manifests", "at least one path is required");
            }
        }

        @Override
        public String describe() {
            return "manifests " + paths;
        }
    }

    /** {@code --kubeconfig}/{@code --context}/{@code --master}, or in-cluster when none is given. */
    record Api(ClusterConnection connection) implements SourceConfig {
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
