package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.PodInfo;
import java.nio.file.Path;
import java.util.List;

/**
 * One-shot loading, without a watcher: for tools, and for other modules' tests that want a
 * snapshot built from a few lines of YAML with the same allocation and endpoint rules as
 * {@link ManifestClusterSource}. Both throw {@link ManifestException} on invalid input.
 */
public final class ManifestSnapshots {
    private ManifestSnapshots() {
    }

    /** Reads files/folders as {@link ManifestClusterSource} does; the snapshot has version 1. */
    public static ClusterSnapshot load(Path... paths) {
        return new ClusterStateBuilder().build(new ManifestLoader(List.of(paths)).load(false), 1);
    }

    /**
     * The pods {@link #load} derives endpoints from (explicit and generated, the same names and
     * addresses), with their labels and named container ports, which its snapshot does not keep
     * ({@link PodInfo#slim}): for tools such as the demo's kubelet view.
     */
    public static List<PodInfo> pods(Path... paths) {
        return new ClusterStateBuilder().pods(new ManifestLoader(List.of(paths)).load(false), ClusterSnapshot.EMPTY);
    }

    /** Reads manifest text (multi-document YAML); errors name the source {@code <inline>}. */
    public static ClusterSnapshot parse(String yaml) {
        return new ClusterStateBuilder().build(ManifestLoader.parse(yaml, "<inline>"), 1);
    }
}
