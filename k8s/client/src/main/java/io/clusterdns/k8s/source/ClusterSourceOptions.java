package io.clusterdns.k8s.source;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.manifest.PodCidrs;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.clusterdns.k8s.persist.SnapshotLocation;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The flags that say where the cluster state comes from, shared by the three servers as a picocli
 * mixin ({@code @Mixin ClusterSourceOptions source;}) so that they read and check them the same
 * way. Exactly one source:
 *
 * <ul>
 *   <li>{@code --manifests PATH} (repeatable): files or folders of Kubernetes objects, with
 *       {@code --pod-cidr} for the addresses of the pods generated for their workloads;</li>
 *   <li>{@code --kubeconfig FILE} [{@code --context NAME}] [{@code --master URL}]: a cluster;</li>
 *   <li>{@code --master URL} alone: an API server without credentials ({@code kubectl proxy});</li>
 *   <li>none of them, in a pod ({@code KUBERNETES_SERVICE_HOST} set): the pod's service account.</li>
 * </ul>
 *
 * Nothing deeper reads the environment: {@link #spec} gets it from the entry class.
 */
public final class ClusterSourceOptions {
    /** Set by the kubelet in every pod: with no other source given, use the pod's service account. */
    public static final String IN_CLUSTER_ENV = "KUBERNETES_SERVICE_HOST";

    @Option(names = "--manifests", paramLabel = "PATH",
            description = "YAML/JSON file or folder of Kubernetes objects standing in for a cluster (repeatable); edits are picked up live.")
    List<String> manifests = new ArrayList<>();

    @Option(names = "--pod-cidr", paramLabel = "CIDR[,CIDR]",
            description = "With --manifests: where the pods of Deployments, StatefulSets, ReplicaSets and DaemonSets get their"
                    + " addresses on Nodes that list no spec.podCIDRs (two CIDRs of different families: dual-stack pods)."
                    + " Default: " + PodCidrs.DEFAULT_TEXT + ".")
    String podCidr;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Follow the cluster of this kubeconfig. Without it, --master or --manifests: the pod's service account (in a pod).")
    String kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "kubeconfig context to use. Default: the file's current context.")
    String context;

    @Option(names = "--master", paramLabel = "URL",
            description = "API server URL; with --kubeconfig it replaces the context's server, alone it connects without credentials (kubectl proxy).")
    String master;

    @Option(names = "--snapshot-file", paramLabel = "PATH|off",
            description = "Where the last-known-good cluster snapshot is kept (a live cluster only): read at start so that a restart while"
                    + " the API server is unreachable answers from it, rewritten at most every 10s after changes; off disables it."
                    + " Default: /var/lib/clusterdns/PROGRAM-HASH.snapshot (java.io.tmpdir/clusterdns when that is not writable),"
                    + " HASH of the API server connection and filters.")
    String snapshotFile;

    /** The command this mixin is part of: its name names the default snapshot file. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    public ClusterSourceOptions() {
    }

    /** Options as given (tests, other front ends); null or empty means not given. */
    public static ClusterSourceOptions of(List<String> manifests, String kubeconfig, String context, String master) {
        ClusterSourceOptions o = new ClusterSourceOptions();
        o.manifests = manifests == null ? new ArrayList<>() : new ArrayList<>(manifests);
        o.kubeconfig = kubeconfig;
        o.context = context;
        o.master = master;
        return o;
    }

    /**
     * These options with {@code file} as the kubeconfig when {@code --kubeconfig} and
     * {@code --manifests} were not given (a configuration file's kubeconfig: the flags win over it);
     * {@code --context} and {@code --master} still apply to it.
     */
    public ClusterSourceOptions withDefaultKubeconfig(String file) {
        if (file == null || kubeconfig != null || !manifests.isEmpty()) {
            return this;
        }
        ClusterSourceOptions o = of(manifests, file, context, master);
        o.snapshotFile = snapshotFile;
        o.podCidr = podCidr;
        o.mixee = mixee;
        return o;
    }

    /** True when {@code --kubeconfig} was given. */
    public boolean kubeconfigGiven() {
        return kubeconfig != null;
    }

    /**
     * {@code --snapshot-file}: off, the file given, or the default file of this command (for
     * sources the command builds itself, e.g. from a Corefile).
     */
    public SnapshotLocation snapshotLocation() {
        return SnapshotLocation.parse("--snapshot-file", snapshotFile, mixee == null ? "clusterdns" : mixee.name());
    }

    /** True when a cluster flag ({@code --kubeconfig}, {@code --context}, {@code --master}) was given. */
    public boolean clusterFlagsGiven() {
        return kubeconfig != null || context != null || master != null;
    }

    public boolean manifestsGiven() {
        return !manifests.isEmpty();
    }

    /**
     * The one source these flags ask for.
     *
     * @param env the process environment (only {@link #IN_CLUSTER_ENV} is read)
     * @throws ConfigException naming the flag: manifests combined with cluster flags, a missing
     *                         file, a bad URL, a context without a kubeconfig, or no source at all
     *                         outside a pod
     */
    public ClusterSourceSpec spec(Map<String, String> env) {
        if (!manifests.isEmpty()) {
            if (snapshotFile != null && !snapshotFile.equals(SnapshotLocation.OFF_TEXT)) {
                throw new ConfigException("--snapshot-file", "only for a live cluster: with --manifests the files are the truth");
            }
            if (clusterFlagsGiven()) {
                throw new ConfigException("--manifests", "cannot be combined with " + String.join(", ", clusterFlags())
                        + ": serve either manifests or a live cluster");
            }
            List<Path> paths = new ArrayList<>();
            for (String m : manifests) {
                paths.add(existing("--manifests", m, "file or folder"));
            }
            return new ClusterSourceSpec.Manifests(paths, podCidrs());
        }
        if (podCidr != null) {
            throw new ConfigException("--pod-cidr", "only with --manifests: in a live cluster the pods have their addresses already");
        }
        if (context != null && kubeconfig == null) {
            throw new ConfigException("--context", "needs --kubeconfig (a context is an entry of a kubeconfig file)");
        }
        if (kubeconfig != null || master != null) {
            return new ClusterSourceSpec.Api(connection(kubeconfig, context, master), snapshotLocation());
        }
        String inCluster = env.get(IN_CLUSTER_ENV);
        if (inCluster != null && !inCluster.isBlank()) {
            return new ClusterSourceSpec.Api(ClusterConnection.inCluster(), snapshotLocation());
        }
        throw new ConfigException("--manifests or --kubeconfig", "required: give --manifests PATH to read Kubernetes objects"
                + " from files, or --kubeconfig FILE (or --master URL) to follow a cluster; the pod's service account is only"
                + " used in a pod (" + IN_CLUSTER_ENV + " is not set)");
    }

    /** {@code --pod-cidr}, checked; the default when not given. */
    public PodCidrs podCidrs() {
        if (podCidr == null) {
            return PodCidrs.DEFAULT;
        }
        try {
            return PodCidrs.parse(podCidr);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--pod-cidr", e.getMessage());
        }
    }

    /**
     * The API server of {@code --kubeconfig}/{@code --context}/{@code --master} (at least one of
     * kubeconfig and master given), checked with errors named after the flags; for commands that
     * talk to a cluster without following it (e.g. writing a caBundle).
     */
    public static ClusterConnection connection(String kubeconfig, String context, String master) {
        if (context != null && kubeconfig == null) {
            throw new ConfigException("--context", "needs --kubeconfig (a context is an entry of a kubeconfig file)");
        }
        return new ClusterConnection(checkMaster(master), kubeconfig == null ? null : existing("--kubeconfig", kubeconfig, "file"),
                context);
    }

    private List<String> clusterFlags() {
        List<String> given = new ArrayList<>();
        if (kubeconfig != null) {
            given.add("--kubeconfig");
        }
        if (context != null) {
            given.add("--context");
        }
        if (master != null) {
            given.add("--master");
        }
        return given;
    }

    /** The URL, checked here so that a bad one is a flag error named after the flag. */
    private static String checkMaster(String url) {
        if (url == null) {
            return null;
        }
        try {
            ClusterConnection.master(url);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw new ConfigException("--master", message.startsWith("master ") ? message.substring("master ".length()) : message);
        }
        return url;
    }

    /** A path that must exist, named after its flag when it does not. */
    public static Path existing(String option, String text, String what) {
        Path path;
        try {
            path = Paths.get(text);
        } catch (InvalidPathException e) {
            throw new ConfigException(option, "invalid path \"" + text + "\"");
        }
        if (!Files.exists(path)) {
            throw new ConfigException(option, "no such " + what + ": " + text);
        }
        return path;
    }
}
