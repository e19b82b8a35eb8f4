package io.clusterdns.k8s.informer;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How to reach the Kubernetes API server, with the choices of the CoreDNS {@code kubernetes}
 * plugin:
 *
 * <ul>
 *   <li>nothing given: in-cluster, with the pod's service account (CoreDNS default);</li>
 *   <li>{@code kubeconfig} (+ optional {@code context}, else the file's current context): CoreDNS
 *       {@code kubeconfig KUBECONFIG [CONTEXT]}; {@code master}, when also given, replaces the
 *       context's server URL as {@code kubectl --server} does;</li>
 *   <li>{@code master} alone: CoreDNS {@code endpoint URL}, without credentials (a
 *       {@code kubectl proxy}, or a test API server).</li>
 * </ul>
 *
 * @param master     API server URL (http or https), or null
 * @param kubeconfig kubeconfig file, or null
 * @param context    kubeconfig context, or null for its current context; needs {@code kubeconfig}
 */
public record ClusterConnection(String master, Path kubeconfig, String context) {

    public ClusterConnection {
        master = blankToNull(master);
        context = blankToNull(context);
        if (master != null) {
            checkMaster(master);
        }
        if (context != null && kubeconfig == null) {
            throw new IllegalArgumentException("context \"" + context + "\" needs a kubeconfig file");
        }
    }

    /** In-cluster: the service account token and CA mounted into the pod. */
    public static ClusterConnection inCluster() {
        return new ClusterConnection(null, null, null);
    }

    /** A kubeconfig file; {@code context} null means its current context. */
    public static ClusterConnection kubeconfig(Path file, String context) {
        return new ClusterConnection(null, file, context);
    }

    /** An API server URL without credentials. */
    public static ClusterConnection master(String url) {
        return new ClusterConnection(url, null, null);
    }

    public boolean isInCluster() {
        return master == null && kubeconfig == null;
    }

    /** For log lines: where the source connects to. */
    public String describe() {
        if (isInCluster()) {
            return "in-cluster service account";
        }
        StringBuilder sb = new StringBuilder();
        if (kubeconfig != null) {
            sb.append("kubeconfig ").append(kubeconfig);
            sb.append(context == null ? " (current context)" : " (context " + context + ")");
        }
        if (master != null) {
            sb.append(sb.length() == 0 ? "" : ", ").append("master ").append(master);
        }
        return sb.toString();
    }

    private static void checkMaster(String master) {
        String lower = master.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            throw new IllegalArgumentException("master \"" + master + "\" must be an http:// or https:// URL");
        }
        URI uri;
        try {
            uri = new URI(master);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("master \"" + master + "\" is not a URL: " + e.getReason());
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("master \"" + master + "\" has no host");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
