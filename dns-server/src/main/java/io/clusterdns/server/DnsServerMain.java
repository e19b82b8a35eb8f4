package io.clusterdns.server;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.informer.InformerClusterSource;
import io.clusterdns.k8s.manifest.ManifestClusterSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code clusterdns-dns-server} command: parses flags into one {@link ServerConfig}, wires a
 * cluster source (manifests, or a live API server through informers) into a {@link DnsServer}
 * and serves until SIGTERM. Exit codes: 0 after {@code --help}/{@code --version}, 2 for a bad flag
 * or value, 1 when the server cannot start (a bad manifest or kubeconfig, an address in use).
 *
 * <p>Values are taken as text and converted by {@link ServerConfig}'s parsers so that every bad
 * value gets the same one-line form: {@code --ttl: must be 0..3600, got 9000}. The environment is
 * read here and nowhere deeper: {@code KUBERNETES_SERVICE_HOST} means "in a pod".
 */
@Command(name = DnsServerMain.NAME, mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = DnsServerMain.Version.class,
        description = "Serves the Kubernetes cluster DNS zone (Kubernetes DNS spec, CoreDNS-compatible) over UDP and TCP.")
public final class DnsServerMain implements Callable<Integer> {
    static final String NAME = "clusterdns-dns-server";
    /** Set by the kubelet in every pod: with no other source given, use the pod's service account. */
    static final String IN_CLUSTER_ENV = "KUBERNETES_SERVICE_HOST";

    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Option(names = "--manifests", paramLabel = "PATH",
            description = "Serve a YAML file or folder of Kubernetes objects (Services, EndpointSlices, Endpoints, Pods, Namespaces) instead of a cluster; edits are picked up live.")
    String manifests;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Follow the cluster of this kubeconfig (CoreDNS kubeconfig). Without it, --master or --manifests: the pod's service account.")
    String kubeconfig;

    @Option(names = "--context", paramLabel = "NAME",
            description = "kubeconfig context to use. Default: the file's current context.")
    String context;

    @Option(names = "--master", paramLabel = "URL",
            description = "API server URL (CoreDNS endpoint); with --kubeconfig it replaces the context's server, alone it connects without credentials (kubectl proxy).")
    String master;

    @Option(names = "--labels", paramLabel = "SELECTOR",
            description = "Only Services (and their EndpointSlices) matching this label selector (CoreDNS labels). Default: all.")
    String labels;

    @Option(names = "--namespace-labels", paramLabel = "SELECTOR",
            description = "Only namespaces matching this label selector (CoreDNS namespace_labels). Default: all.")
    String namespaceLabels;

    @Option(names = "--noendpoints",
            description = "Watch no EndpointSlices (CoreDNS noendpoints): no headless or endpoint names.")
    boolean noEndpoints;

    @Option(names = "--startup-timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = "Wait this long for the Kubernetes API to sync before listening anyway (CoreDNS startup_timeout); until then cluster names get SERVFAIL. Default: ${DEFAULT-VALUE}.")
    String startupTimeout;

    @Option(names = "--listen", paramLabel = "ADDR:PORT", defaultValue = "127.0.0.1:1053",
            description = "UDP and TCP listen address: 127.0.0.1:1053, :53 (all IPv4), [::1]:1053. Default: ${DEFAULT-VALUE}.")
    String listen;

    @Option(names = "--zone", paramLabel = "ZONE",
            description = "Zone to answer, repeatable: the cluster domain and optional reverse zones (in-addr.arpa, ip6.arpa, 10.in-addr.arpa). Default, as kubeadm's Corefile: cluster.local in-addr.arpa ip6.arpa.")
    List<String> zones = List.of();

    @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "5",
            description = "TTL of answers, 0..3600. Default: ${DEFAULT-VALUE}.")
    String ttl;

    @Option(names = "--pods", paramLabel = "MODE", defaultValue = "disabled",
            description = "Pod records a-b-c-d.NS.pod.ZONE: disabled, insecure or verified (watches Pods). Default: ${DEFAULT-VALUE}.")
    String pods;

    @Option(names = "--namespaces", paramLabel = "NS[,NS...]",
            description = "Only expose these namespaces (repeatable, comma-separated). Default: all.")
    List<String> namespaces = List.of();

    @Option(names = "--endpoint-pod-names",
            description = "Name headless endpoints after their pod instead of their dashed IP.")
    boolean endpointPodNames;

    @Option(names = "--ignore-empty-service",
            description = "Answer NXDOMAIN for services without ready endpoints.")
    boolean ignoreEmptyService;

    @Option(names = "--tcp-idle-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "Close TCP connections idle this long (10s, 500ms, 2m). Default: ${DEFAULT-VALUE}.")
    String tcpIdleTimeout;

    @Option(names = "--udp-sockets", paramLabel = "N", defaultValue = "0",
            description = "SO_REUSEPORT UDP sockets, one per event loop; 0 = one per CPU. Default: ${DEFAULT-VALUE}.")
    String udpSockets;

    @Option(names = "--health", paramLabel = "ADDR:PORT|off",
            description = "/health endpoint (CoreDNS health). Default: port 8080 of the --listen address.")
    String health;

    @Option(names = "--lameduck", paramLabel = "DURATION", defaultValue = "0s",
            description = "On SIGTERM keep serving this long while /ready says 503 (CoreDNS health lameduck; kubeadm uses 5s). Default: ${DEFAULT-VALUE}.")
    String lameduck;

    @Option(names = "--ready", paramLabel = "ADDR:PORT|off",
            description = "/ready endpoint (CoreDNS ready): 200 once synced and listening. Default: port 8181 of the --listen address.")
    String ready;

    @Option(names = "--metrics", paramLabel = "ADDR:PORT|off",
            description = "/metrics endpoint, Prometheus format (CoreDNS prometheus). Default: port 9153 of the --listen address.")
    String metrics;

    DnsServerMain(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with this command's one-line error reporting; tests call {@code execute} on it. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** The command line seeing {@code env} as its environment. */
    static CommandLine commandLine(Map<String, String> env) {
        CommandLine cmd = new CommandLine(new DnsServerMain(env));
        cmd.setParameterExceptionHandler((ex, args) -> {
            // One line, no usage dump: the message names the flag and the problem.
            ex.getCommandLine().getErr().println(NAME + ": " + ex.getMessage() + " (see --help)");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cmd;
    }

    @Override
    public Integer call() {
        ServerConfig config = config();
        DnsServer server;
        try {
            server = start(config);
        } catch (RuntimeException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(NAME + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "dns-server-shutdown"));
        server.awaitClose();
        return 0;
    }

    /** The wiring main uses: the configured source feeding a server. Tests start servers the same way. */
    public static DnsServer start(ServerConfig config) {
        return DnsServer.start(config, source(config));
    }

    /** The cluster source {@code config} asks for; not started. */
    static ClusterSource source(ServerConfig config) {
        if (config.source() instanceof SourceConfig.Kubernetes k) {
            return new InformerClusterSource(k.informerConfig(config.podMode()));
        }
        return new ManifestClusterSource(((SourceConfig.Manifests) config.source()).path());
    }

    /** The validated configuration; a bad value becomes a picocli error (exit code 2). */
    ServerConfig config() {
        try {
            ListenAddress listenAddress = ListenAddress.parse(listen);
            InetAddress host = listenAddress.address();
            HttpConfig http = new HttpConfig(
                    HttpConfig.parseAddress("--health", health, host, HttpConfig.DEFAULT_HEALTH_PORT),
                    HttpConfig.parseAddress("--ready", ready, host, HttpConfig.DEFAULT_READY_PORT),
                    HttpConfig.parseAddress("--metrics", metrics, host, HttpConfig.DEFAULT_METRICS_PORT),
                    ServerConfig.parseDuration("--lameduck", lameduck));
            return new ServerConfig(sourceConfig(), listenAddress, ServerConfig.parseZones(zones),
                    ServerConfig.parseTtl(ttl), ServerConfig.parsePodMode(pods), ServerConfig.parseNamespaces(namespaces),
                    endpointPodNames, ignoreEmptyService, ServerConfig.parseDuration("--tcp-idle-timeout", tcpIdleTimeout),
                    ServerConfig.parseUdpSockets(udpSockets), ServerConfig.parseDuration("--startup-timeout", startupTimeout), http);
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** {@code --manifests}, or the cluster flags, or the pod's service account: exactly one source. */
    private SourceConfig sourceConfig() {
        List<String> clusterFlags = clusterFlagsGiven();
        if (manifests != null) {
            if (!clusterFlags.isEmpty()) {
                throw new ConfigException("--manifests", "cannot be combined with " + String.join(", ", clusterFlags)
                        + ": serve either manifests or a live cluster");
            }
            return new SourceConfig.Manifests(existing("--manifests", manifests, "file or folder"));
        }
        if (context != null && kubeconfig == null) {
            throw new ConfigException("--context", "needs --kubeconfig (a context is an entry of a kubeconfig file)");
        }
        ClusterConnection connection;
        if (kubeconfig != null || master != null) {
            connection = new ClusterConnection(checkMaster(master),
                    kubeconfig == null ? null : existing("--kubeconfig", kubeconfig, "file"), context);
        } else if (isSet(env.get(IN_CLUSTER_ENV))) {
            connection = ClusterConnection.inCluster();
        } else {
            throw new ConfigException("--manifests or --kubeconfig", "required: give --manifests PATH to serve Kubernetes objects"
                    + " from files, or --kubeconfig FILE (or --master URL) to follow a cluster; the pod's service account is only"
                    + " used in a pod (" + IN_CLUSTER_ENV + " is not set)");
        }
        return new SourceConfig.Kubernetes(connection, labels, namespaceLabels, noEndpoints);
    }

    private List<String> clusterFlagsGiven() {
        List<String> given = new ArrayList<>();
        addIf(given, kubeconfig != null, "--kubeconfig");
        addIf(given, context != null, "--context");
        addIf(given, master != null, "--master");
        addIf(given, labels != null, "--labels");
        addIf(given, namespaceLabels != null, "--namespace-labels");
        addIf(given, noEndpoints, "--noendpoints");
        return given;
    }

    private static void addIf(List<String> list, boolean condition, String flag) {
        if (condition) {
            list.add(flag);
        }
    }

    /** The URL, checked here so that a bad one is a flag error (exit 2) named after the flag. */
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

    private static Path existing(String option, String text, String what) {
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

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    /** The Maven project version, filtered into a resource at build time ("unknown" in an IDE). */
    static String version() {
        Properties p = new Properties();
        try (InputStream in = DnsServerMain.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // unknown
        }
        return p.getProperty("version", "unknown");
    }

    /** {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {NAME + " " + version()};
        }
    }
}
