package io.clusterdns.server;

import io.clusterdns.k8s.ApiRequestObserver;
import io.clusterdns.k8s.BuildVersion;
import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.cli.CommandLines;
import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.config.Durations;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.persist.SnapshotLocation;
import io.clusterdns.k8s.source.ClusterSourceOptions;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.k8s.source.ClusterSources;
import io.clusterdns.resolver.ResolverConfig;
import io.clusterdns.server.corefile.Corefile;
import io.clusterdns.server.http.HttpConfig;
import io.clusterdns.server.jvm.MemoryFootprint;
import io.clusterdns.server.listen.TcpLimits;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plugin.kubernetes.FollowsCluster;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import io.clusterdns.server.plugin.kubernetes.SourceConfig;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
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
@Command(name = DnsServerMain.NAME, sortOptions = false,
        versionProvider = DnsServerMain.Version.class,
        description = "Serves the Kubernetes cluster DNS zone (Kubernetes DNS spec, CoreDNS-compatible) over UDP and TCP.")
public final class DnsServerMain implements Callable<Integer> {
    /** Set before Netty's first class loads (it reads the property once). */
    static final String NETTY_JFR = "io.netty.jfr.enabled";

    static {
        // CoreDNS's log lines, which operators' log alerts match: "[INFO] plugin/reload: ...",
        // "[WARNING] plugin/kubernetes: ...", "[ERROR] plugin/errors: 2 example.com. A: ...". Set
        // before the first logger exists; -D options and ORG_SLF4J_SIMPLELOGGER_* still win.
        logDefault("org.slf4j.simpleLogger.showThreadName", "false");
        logDefault("org.slf4j.simpleLogger.showLogName", "false");
        logDefault("org.slf4j.simpleLogger.levelInBrackets", "true");
        logDefault("org.slf4j.simpleLogger.warnLevelString", "WARNING");
        // Netty 4.2's buffer allocators emit JFR events: the first buffer they allocate (on an event
        // loop once the listeners are up, before the first answer) initialises JFR's event machinery,
        // ~200 classes and about 0.1 s of CPU, for events nobody records. -Dio.netty.jfr.enabled=true
        // brings them back.
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
    }

    static final String NAME = "clusterdns-dns-server";
    /** Set by the kubelet in every pod: with no other source given, use the pod's service account. */
    static final String IN_CLUSTER_ENV = ClusterSourceOptions.IN_CLUSTER_ENV;

    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Option(names = {"-conf", "--conf"}, paramLabel = "FILE",
            description = "Read the configuration from this Corefile, as CoreDNS (-conf /etc/coredns/Corefile): server blocks, "
                    + "plugins and their options. The cluster, zone and endpoint flags below then do not apply.")
    String conf;

    @Option(names = {"-dns.port", "--dns-port"}, paramLabel = "PORT", defaultValue = "53",
            description = "With -conf: the port of server blocks that name none (CoreDNS -dns.port). Default: ${DEFAULT-VALUE}.")
    String dnsPort;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = {"-V", "--version", "-version"}, versionHelp = true,
            description = "Print version information and exit (-version: CoreDNS's spelling).")
    boolean version;

    @Mixin
    ClusterSourceOptions sourceOptions = new ClusterSourceOptions();

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

    @Option(names = "--tcp-max-connections", paramLabel = "N", defaultValue = "10000",
            description = "Open DNS-over-TCP connections per listening address; past it new ones are closed at once. Default: ${DEFAULT-VALUE}.")
    String tcpMaxConnections;

    @Option(names = "--tcp-max-connections-per-client", paramLabel = "N", defaultValue = "256",
            description = "Open DNS-over-TCP connections from one client address. Default: ${DEFAULT-VALUE}.")
    String tcpMaxPerClient;

    @Option(names = "--tcp-max-pipelined", paramLabel = "N", defaultValue = "128",
            description = "Queries of one TCP connection answered at once; past it the connection is not read. Default: ${DEFAULT-VALUE}.")
    String tcpMaxPipelined;

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

    private static void logDefault(String property, String value) {
        String env = property.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
        if (System.getProperty(property) == null && System.getenv(env) == null) {
            System.setProperty(property, value);
        }
    }

    public static void main(String[] args) {
        // the server process only: a test JVM starting servers keeps its own heap settings
        MemoryFootprint.enable();
        System.exit(commandLine().execute(args));
    }

    /** The command line with this command's one-line error reporting; tests call {@code execute} on it. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** The command line seeing {@code env} as its environment. */
    static CommandLine commandLine(Map<String, String> env) {
        return CommandLines.configure(new CommandLine(new DnsServerMain(env)));
    }

    @Override
    public Integer call() {
        AtomicReference<DnsServer> running = new AtomicReference<>();
        Signals.install(running::get);
        DnsServer server;
        try {
            server = startServer();
            running.set(server);
        } catch (ParameterException e) {
            throw e;
        } catch (RuntimeException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(NAME + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        // SIGTERM/SIGINT shut down and return here (exit 0, as CoreDNS); the hook covers other exits
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "dns-server-shutdown"));
        server.awaitClose();
        return 0;
    }

    /** The server the parsed command line asks for, started (a Corefile's, or the flags'); not waited for. */
    DnsServer startServer() {
        return conf != null ? start(corefile(), snapshotLocation())
                : DnsServer.start(config().plan().withTcpLimits(tcpLimits()), DnsServerMain::source);
    }

    /** The wiring main uses: the flags' plan, its sources made from their configs. Tests start servers the same way. */
    public static DnsServer start(ServerConfig config) {
        return DnsServer.start(config.plan(), DnsServerMain::source);
    }

    /** Starts the server a Corefile describes; its errors (FILE:LINE: ...) and import warnings are the caller's to show. */
    public static DnsServer start(CorefileSource source) {
        return start(source, SnapshotLocation.OFF);
    }

    /**
     * {@link #start(CorefileSource)}, the snapshots of its API server sources kept where
     * {@code --snapshot-file} says (by default: on, in the default location; a Corefile names no file).
     */
    public static DnsServer start(CorefileSource source, SnapshotLocation snapshots) {
        Corefile corefile = source.parse();
        corefile.warnings().forEach(w -> LoggerFactory.getLogger(DnsServerMain.class).warn("{}", w));
        ServerPlan plan = source.plan(corefile);
        if (snapshots instanceof SnapshotLocation.At at && plan.plugins(FollowsCluster.class).stream()
                .noneMatch(k -> k.backend().source().spec() instanceof ClusterSourceSpec.Api)) {
            // flags mode refuses the pair; a Corefile may gain a live cluster on reload, so this is a warning
            LoggerFactory.getLogger(DnsServerMain.class).warn("--snapshot-file {}: the Corefile follows no live cluster (its"
                    + " kubernetes plugins read manifests, which are the truth): nothing is persisted", at.file());
        }
        return DnsServer.start(plan, (backend, requests) -> source(backend, requests, snapshots));
    }

    /** {@code --snapshot-file} for the Corefile's sources, a bad value a picocli error. */
    SnapshotLocation snapshotLocation() {
        try {
            return sourceOptions.snapshotLocation();
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /**
     * The Corefile source of {@code -conf}; the flags that the Corefile replaces are refused with
     * it (exit code 2), so that nobody believes they apply.
     */
    CorefileSource corefile() {
        ParseResult parsed = spec.commandLine().getParseResult();
        List<String> replaced = new ArrayList<>();
        for (String flag : List.of("--manifests", "--kubeconfig", "--context", "--master", "--labels", "--namespace-labels", "--noendpoints",
                "--startup-timeout", "--listen", "--zone", "--ttl", "--pods", "--namespaces", "--endpoint-pod-names",
                "--ignore-empty-service", "--health", "--lameduck", "--ready", "--metrics")) {
            if (parsed.hasMatchedOption(flag)) {
                replaced.add(flag);
            }
        }
        try {
            if (!replaced.isEmpty()) {
                throw new ConfigException("-conf", "cannot be combined with " + String.join(", ", replaced)
                        + ": the Corefile configures them (see the kubernetes, health, ready and prometheus plugins)");
            }
            Path file = ClusterSourceOptions.existing("-conf", conf, "file");
            int port = (int) ServerConfig.parseInRange("-dns.port", dnsPort, 65535, "0..65535");
            return new CorefileSource(file, env, port, tcpLimits(), ServerConfig.parseUdpSockets(udpSockets));
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** The TCP listeners' caps and idle timeout the flags set (a Corefile's {@code timeouts} set the rest, per block). */
    TcpLimits tcpLimits() {
        try {
            return TcpLimits.DEFAULT
                    .withIdleTimeout(Durations.parseOrSeconds("--tcp-idle-timeout", tcpIdleTimeout, ServerConfig.MIN_TCP_IDLE_TIMEOUT,
                            ServerConfig.MAX_TCP_IDLE_TIMEOUT))
                    .withCaps(atLeastOne("--tcp-max-connections", tcpMaxConnections),
                            atLeastOne("--tcp-max-connections-per-client", tcpMaxPerClient), atLeastOne("--tcp-max-pipelined", tcpMaxPipelined));
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private static int atLeastOne(String flag, String text) {
        return (int) ServerConfig.parseInRange(flag, text, 1, Integer.MAX_VALUE, "1.." + Integer.MAX_VALUE);
    }

    /** The cluster source kubernetes (and multicluster) plugins ask for, its client's requests told to {@code requests}; not started. */
    static ClusterSource source(KubernetesConfig.Backend backend, ApiRequestObserver requests) {
        return source(backend, requests, null);
    }

    /** {@link #source(KubernetesConfig.Backend, ApiRequestObserver)} with an API server's snapshot kept at {@code snapshots} (null: as the spec says). */
    static ClusterSource source(KubernetesConfig.Backend backend, ApiRequestObserver requests, SnapshotLocation snapshots) {
        SourceConfig source = backend.source();
        ClusterSourceSpec spec = snapshots != null && source.spec() instanceof ClusterSourceSpec.Api api
                ? api.withSnapshotFile(snapshots) : source.spec();
        return ClusterSources.create(spec, true, informers -> source.informers(informers, backend.watchPods(), backend.endpointPodNames()).withRequests(requests));
    }

    /** The validated configuration; a bad value becomes a picocli error (exit code 2). */
    ServerConfig config() {
        try {
            ListenAddress listenAddress = ListenAddress.parse("--listen", listen, ServerConfig.DEFAULT_PORT);
            InetAddress host = listenAddress.address();
            HttpConfig http = new HttpConfig(
                    HttpConfig.parseAddress("--health", health, host, HttpConfig.DEFAULT_HEALTH_PORT),
                    HttpConfig.parseAddress("--ready", ready, host, HttpConfig.DEFAULT_READY_PORT),
                    HttpConfig.parseAddress("--metrics", metrics, host, HttpConfig.DEFAULT_METRICS_PORT),
                    Durations.parseOrSeconds("--lameduck", lameduck, Duration.ZERO, HttpConfig.MAX_LAMEDUCK));
            ResolverConfig resolver = new ResolverConfig(ServerConfig.parseZones(zones), ServerConfig.parseTtl(ttl),
                    ServerConfig.parsePodMode(pods), ServerConfig.parseNamespaces(namespaces), endpointPodNames, ignoreEmptyService);
            return new ServerConfig(new SourceConfig(sourceOptions.spec(env), labels, namespaceLabels, noEndpoints),
                    listenAddress, resolver,
                    Durations.parseOrSeconds("--tcp-idle-timeout", tcpIdleTimeout, ServerConfig.MIN_TCP_IDLE_TIMEOUT,
                            ServerConfig.MAX_TCP_IDLE_TIMEOUT),
                    ServerConfig.parseUdpSockets(udpSockets),
                    Durations.parseOrSeconds("--startup-timeout", startupTimeout, Duration.ZERO, ServerConfig.MAX_STARTUP_TIMEOUT),
                    http);
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** The build's project version (one for every command, see {@link BuildVersion}). */
    static String version() {
        return BuildVersion.get();
    }

    /** {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {NAME + " " + version()};
        }
    }
}
