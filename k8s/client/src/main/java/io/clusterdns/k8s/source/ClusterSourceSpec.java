package io.clusterdns.k8s.source;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.manifest.PodCidrs;
import io.clusterdns.k8s.persist.SnapshotLocation;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where a server's cluster state comes from, validated: Kubernetes manifests on disk, or an API
 * server. Built from the shared flags by {@link ClusterSourceOptions} (or from a Corefile), turned
 * into a running source by {@link ClusterSources#create}.
 */
public sealed interface ClusterSourceSpec {

    /**
     * {@code --manifests PATH...}: YAML/JSON files or folders, reloaded when they change, and
     * {@code --pod-cidr}: where the pods generated for their workloads get their addresses.
     */
    record Manifests(List<Path> paths, PodCidrs podCidrs) implements ClusterSourceSpec {
        public Manifests {
            paths = List.copyOf(paths);
            if (paths.isEmpty()) {
                throw new ConfigException("--manifests", "at least one file or folder is required");
            }
            podCidrs = podCidrs == null ? PodCidrs.DEFAULT : podCidrs;
        }

        /** With the default pod CIDR ({@value PodCidrs#DEFAULT_TEXT}). */
        public Manifests(List<Path> paths) {
            this(paths, PodCidrs.DEFAULT);
        }

        @Override
        public String describe() {
            return "manifests " + paths;
        }
    }

    /**
     * {@code --kubeconfig}/{@code --context}/{@code --master}, or the pod's service account; and
     * where the last-known-good snapshot is kept ({@code --snapshot-file}).
     */
    record Api(ClusterConnection connection, SnapshotLocation snapshotFile) implements ClusterSourceSpec {
        public Api {
            Objects.requireNonNull(connection, "connection");
            snapshotFile = snapshotFile == null ? SnapshotLocation.OFF : snapshotFile;
        }

        /** Without a persisted snapshot. */
        public Api(ClusterConnection connection) {
            this(connection, SnapshotLocation.OFF);
        }

        /** The same connection, its snapshot kept at {@code location}. */
        public Api withSnapshotFile(SnapshotLocation location) {
            return new Api(connection, location);
        }

        @Override
        public String describe() {
            return "Kubernetes API (" + connection.describe() + ")";
        }
    }

    /** For log lines. */
    String describe();
}
