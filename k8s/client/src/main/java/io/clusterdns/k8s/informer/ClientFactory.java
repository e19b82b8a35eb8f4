package io.clusterdns.k8s.informer;

import io.clusterdns.k8s.ApiRequestObserver;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Builds fabric8 {@link KubernetesClient}s from a {@link ClusterConnection}, on the JDK's own
 * HTTP client (fabric8's default Vert.x 4 client would clash with the dns-server's Vert.x 5).
 * The one place in clusterdns where a client is configured, shared by every component that talks
 * to the API server.
 */
public final class ClientFactory {
    /**
     * First delay before re-establishing a broken watch or list (fabric8 doubles it up to 32×).
     * fabric8's 1 s default is slow for a DNS server that should catch up within milliseconds of
     * an API server restart; 32 × 250 ms = 8 s still spreads reconnects of many nodes.
     */
    public static final Duration WATCH_RECONNECT_INTERVAL = Duration.ofMillis(250);
    /**
     * Per request. Informers list everything at start (from the API server's watch cache, at
     * resourceVersion 0); on a big cluster that takes longer than fabric8's 10 s default.
     */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Retries of one failed request inside the client (100 ms doubling: 0.7 s in all). fabric8's
     * default of 10 hides an unreachable API server for ~100 s before the informer even hears of
     * it; the informers retry for ever on their own back-off anyway, and say so (one log line,
     * and the sync status's last error).
     */
    public static final int REQUEST_RETRIES = 3;

    /** Where Kubernetes mounts a pod's service account token. */
    static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    private ClientFactory() {
    }

    /**
     * A client for {@code connection}. Reads the kubeconfig (or service account) now; connects
     * lazily.
     *
     * @throws IllegalArgumentException with a message fit for the user when the kubeconfig cannot
     *                                  be read or the context does not exist, or when in-cluster
     *                                  configuration is asked for outside a cluster
     */
    public static KubernetesClient create(ClusterConnection connection) {
        return create(config(connection), ApiRequestObserver.NONE);
    }

    /** {@link #create(ClusterConnection)} telling {@code requests} of every request it sends (see {@link ApiRequestInterceptor}). */
    public static KubernetesClient create(ClusterConnection connection, ApiRequestObserver requests) {
        return create(config(connection), requests);
    }

    /** A client for a ready {@link Config} (tests tune {@link #config} before calling this). */
    public static KubernetesClient create(Config config) {
        return create(config, ApiRequestObserver.NONE);
    }

    /** {@link #create(Config)} telling {@code requests} of every request it sends. */
    public static KubernetesClient create(Config config, ApiRequestObserver requests) {
        // h2c (HTTP/2 over plain HTTP) is only ever a test server or kubectl proxy; the JDK client's
        // upgrade probing does not mix well with streamed watches, so stay on HTTP/1.1 there.
        boolean plainHttp = config.getMasterUrl() != null
                && config.getMasterUrl().toLowerCase(Locale.ROOT).startsWith("http:");
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(new JdkHttpClientFactory())
                .withHttpClientBuilderConsumer(b -> {
                    if (plainHttp) {
                        b.preferHttp11();
                    }
                    // added after fabric8's own interceptors (auth, impersonation): it sees requests as sent
                    b.addOrReplaceInterceptor(ApiRequestInterceptor.NAME, new ApiRequestInterceptor(requests));
                })
                .build();
    }

    /** The fabric8 configuration for {@code connection}, with clusterdns' timeouts. */
    public static Config config(ClusterConnection connection) {
        Config config;
        if (connection.kubeconfig() != null) {
            config = fromKubeconfig(connection.kubeconfig(), connection.context());
        } else if (connection.master() != null) {
            config = new ConfigBuilder(Config.empty()).withMasterUrl(connection.master()).build();
        } else {
            config = inCluster(System.getenv());
        }
        if (connection.master() != null) {
            // a setter, not ConfigBuilder: a copy would lose the kubeconfig file that token refresh re-reads
            config.setMasterUrl(connection.master());
        }
        config.setWatchReconnectInterval((int) WATCH_RECONNECT_INTERVAL.toMillis());
        config.setWatchReconnectLimit(-1);
        config.setRequestTimeout((int) REQUEST_TIMEOUT.toMillis());
        config.setRequestRetryBackoffLimit(REQUEST_RETRIES);
        return config;
    }

    private static Config fromKubeconfig(Path file, String context) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("kubeconfig " + file + ": no such file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("kubeconfig " + file + ": not readable");
        }
        Config config;
        try {
            config = Config.fromKubeconfig(context, file.toFile());
        } catch (RuntimeException e) {
            // fabric8 wraps some failures and lets others (snakeyaml's syntax errors) through as they are
            throw new IllegalArgumentException("kubeconfig " + file + ": " + rootMessage(e), e);
        }
        if (context != null && (config.getCurrentContext() == null || !context.equals(config.getCurrentContext().getName()))) {
            throw new IllegalArgumentException("kubeconfig " + file + ": no context named \"" + context + "\"");
        }
        if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
            throw new IllegalArgumentException("kubeconfig " + file + ": the context names no cluster server");
        }
        Path tokenFile = tokenFile(file, config);
        if (tokenFile != null) {
            if (!Files.isReadable(tokenFile)) {
                throw new IllegalArgumentException("kubeconfig " + file + ": tokenFile " + tokenFile + " is not readable");
            }
            config.setOauthTokenProvider(() -> readToken(tokenFile));
        }
        return config;
    }

    /**
     * The user's {@code tokenFile} (kubeadm's kube-proxy kubeconfig points it at the pod's service
     * account token), resolved against the kubeconfig's folder as kubectl does; null when the user
     * has a token of its own or no token file. fabric8 does not read this field itself.
     */
    private static Path tokenFile(Path kubeconfig, Config config) {
        if (config.getOauthToken() != null || config.getCurrentContext() == null || config.getCurrentContext().getContext() == null) {
            return null;
        }
        String user = config.getCurrentContext().getContext().getUser();
        io.fabric8.kubernetes.api.model.Config parsed = KubeConfigUtils.parseConfig(kubeconfig.toFile());
        if (user == null || parsed.getUsers() == null) {
            return null;
        }
        return parsed.getUsers().stream()
                .filter(u -> user.equals(u.getName()) && u.getUser() != null && u.getUser().getTokenFile() != null
                        && !u.getUser().getTokenFile().isBlank())
                .map(u -> kubeconfig.toAbsolutePath().getParent().resolve(u.getUser().getTokenFile()))
                .findFirst().orElse(null);
    }

    /** Read at every request: the kubelet rotates projected service account tokens in place. */
    private static String readToken(Path tokenFile) {
        try {
            return Files.readString(tokenFile).trim();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read tokenFile " + tokenFile, e);
        }
    }

    /**
     * The pod's service account, through fabric8's auto-configuration: it re-reads the projected
     * token when it rotates, which a hand-built configuration would not.
     */
    static Config inCluster(Map<String, String> env) {
        String host = env.get("KUBERNETES_SERVICE_HOST");
        if (host == null || host.isBlank() || !Files.isReadable(SERVICE_ACCOUNT_TOKEN)) {
            throw new IllegalArgumentException("not running in a Kubernetes pod (no KUBERNETES_SERVICE_HOST or no service account token at "
                    + SERVICE_ACCOUNT_TOKEN + "): give a kubeconfig file or the API server URL");
        }
        return Config.autoConfigure(null);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        // one line for the command line: YAML errors come as several lines with a caret drawing
        return (t.getMessage() == null ? t.toString() : t.getMessage()).replaceAll("\\s*\\n\\s*", " ").trim();
    }
}
