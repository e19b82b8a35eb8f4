package io.clusterdns.server;

import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.manifest.ManifestClusterSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
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
 * manifest source into a {@link DnsServer} and serves until SIGTERM. Exit codes: 0 after
 * {@code --help}/{@code --version}, 2 for a bad flag or value, 1 when the server cannot start
 * (a bad manifest, an address in use).
 *
 * <p>Values are taken as text and converted by {@link ServerConfig}'s parsers so that every bad
 * value gets the same one-line form: {@code --ttl: must be 0..3600, got 9000}.
 */
@Command(name = DnsServerMain.NAME, mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = DnsServerMain.Version.class,
        description = "Serves the Kubernetes cluster DNS zone (Kubernetes DNS spec, CoreDNS-compatible) over UDP and TCP.")
public final class DnsServerMain implements Callable<Integer> {
    static final String NAME = "clusterdns-dns-server";

    @Spec
    CommandSpec spec;

    @Option(names = "--manifests", required = true, paramLabel = "PATH",
            description = "YAML file or folder of Kubernetes objects (Services, EndpointSlices, Endpoints, Pods, Namespaces); edits are picked up live.")
    String manifests;

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
            description = "Pod records a-b-c-d.NS.pod.ZONE: disabled, insecure or verified. Default: ${DEFAULT-VALUE}.")
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

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with this command's one-line error reporting; tests call {@code execute} on it. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new DnsServerMain());
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
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dns-server-shutdown"));
        server.awaitClose();
        return 0;
    }

    /** The wiring main uses: a manifest source feeding a server. Tests start servers the same way. */
    public static DnsServer start(ServerConfig config) {
        return DnsServer.start(config, manifestSource(config.manifests()));
    }

    static ClusterSource manifestSource(Path manifests) {
        return new ManifestClusterSource(manifests);
    }

    /** The validated configuration; a bad value becomes a picocli error (exit code 2). */
    ServerConfig config() {
        try {
            Path path = manifestsPath();
            if (!Files.exists(path)) {
                throw new ConfigException("--manifests", "no such file or folder: " + manifests);
            }
            return new ServerConfig(path, ListenAddress.parse(listen), ServerConfig.parseZones(zones),
                    ServerConfig.parseTtl(ttl), ServerConfig.parsePodMode(pods), ServerConfig.parseNamespaces(namespaces),
                    endpointPodNames, ignoreEmptyService, ServerConfig.parseDuration("--tcp-idle-timeout", tcpIdleTimeout),
                    ServerConfig.parseUdpSockets(udpSockets));
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private Path manifestsPath() {
        try {
            return Paths.get(manifests);
        } catch (InvalidPathException e) {
            throw new ConfigException("--manifests", "invalid path \"" + manifests + "\"");
        }
    }

    /** {@code --version}: the Maven project version, filtered into a resource at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = DnsServerMain.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {NAME + " " + p.getProperty("version", "unknown")};
        }
    }
}
