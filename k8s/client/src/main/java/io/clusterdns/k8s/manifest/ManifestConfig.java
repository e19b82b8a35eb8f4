package io.clusterdns.k8s.manifest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Configuration of a {@link ManifestClusterSource}.
 *
 * @param paths    YAML/JSON files or folders (read recursively), at least one
 * @param debounce quiet time after the last file event before reloading; editors write a file in
 *                 several steps, and one reload per save is enough
 * @param watch    false to read the manifests once and never reload
 * @param podCidrs where the pods generated for workloads get their addresses (Nodes' own
 *                 {@code podCIDRs} first); {@link PodCidrs#DEFAULT} when null
 */
public record ManifestConfig(List<Path> paths, Duration debounce, boolean watch, PodCidrs podCidrs) {
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(200);
    public static final Duration MAX_DEBOUNCE = Duration.ofSeconds(10);

    public ManifestConfig {
        Objects.requireNonNull(paths, "paths");
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("at least one manifest path is required");
        }
        paths = List.copyOf(paths);
        debounce = debounce == null ? DEFAULT_DEBOUNCE : debounce;
        if (debounce.isNegative() || debounce.isZero() || debounce.compareTo(MAX_DEBOUNCE) > 0) {
            throw new IllegalArgumentException("debounce must be > 0 and <= " + MAX_DEBOUNCE + ", got " + debounce);
        }
        podCidrs = podCidrs == null ? PodCidrs.DEFAULT : podCidrs;
    }

    /** With the default pod CIDR. */
    public ManifestConfig(List<Path> paths, Duration debounce, boolean watch) {
        this(paths, debounce, watch, PodCidrs.DEFAULT);
    }

    /** Watches {@code paths} with the default debounce. */
    public static ManifestConfig of(Path... paths) {
        return new ManifestConfig(List.of(paths), DEFAULT_DEBOUNCE, true);
    }

    public ManifestConfig withDebounce(Duration newDebounce) {
        return new ManifestConfig(paths, newDebounce, watch, podCidrs);
    }

    public ManifestConfig withWatch(boolean newWatch) {
        return new ManifestConfig(paths, debounce, newWatch, podCidrs);
    }

    public ManifestConfig withPodCidrs(PodCidrs newPodCidrs) {
        return new ManifestConfig(paths, debounce, watch, newPodCidrs);
    }
}
