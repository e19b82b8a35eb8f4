package io.clusterdns.envinjector;

import io.clusterdns.k8s.BuildVersion;
import io.clusterdns.k8s.cli.CommandLines;
import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.config.Durations;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.persist.SnapshotLocation;
import io.clusterdns.k8s.source.ClusterSourceOptions;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code envinjector} command: serves the admission webhook until SIGTERM; {@code envinjector
 * certs} makes its certificates. Exit codes: 0 after {@code --help}/{@code --version} or a clean
 * stop, 2 for a bad flag or value, 1 when it cannot start (bad certificate files, a bad manifest,
 * an address in use).
 */
@Command(name = EnvInjectorMain.NAME, mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = EnvInjectorMain.Version.class, subcommands = CertsCommand.class,
        description = {"Mutating admission webhook injecting kubelet-compatible service environment variables into pods.",
                "Cluster state from --manifests, a kubeconfig, --master, or (none of these) the pod's service account."})
public final class EnvInjectorMain implements Callable<Integer> {
    static final String NAME = "envinjector";

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterSourceOptions sourceOptions = new ClusterSourceOptions();

    @Option(names = "--listen", paramLabel = "ADDR:PORT", defaultValue = "0.0.0.0:8443",
            description = "HTTPS listen address: 0.0.0.0:8443, [::]:8443, 127.0.0.1:0. Default: ${DEFAULT-VALUE}.")
    String listen;

    @Option(names = "--zone", paramLabel = "ZONE", defaultValue = InjectorConfig.DEFAULT_ZONE,
            description = "Cluster domain used in *_SERVICE_DNS values. Default: ${DEFAULT-VALUE}.")
    String zone;

    // not picocli-required: that would also demand them of the certs subcommand; InjectorConfig checks them
    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Required. PEM serving certificate (chain, leaf first); reloaded when the file changes.")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "Required. PEM private key of --tls-cert (not encrypted).")
    String tlsKey;

    @Option(names = "--tls-reload-interval", paramLabel = "DURATION", defaultValue = "10s",
            description = "How often the certificate files are checked for rotation (500ms, 10s, 1m). Default: ${DEFAULT-VALUE}.")
    String tlsReloadInterval;

    @Option(names = "--max-variables", paramLabel = "N", defaultValue = "" + InjectorConfig.DEFAULT_MAX_VARIABLES,
            description = "Most variables injected per container; a pod that needs more gets none and a warning. Default: ${DEFAULT-VALUE}.")
    String maxVariables;

    @Option(names = "--max-request-bytes", paramLabel = "N", defaultValue = "" + InjectorConfig.DEFAULT_MAX_REQUEST_BYTES,
            description = "Largest AdmissionReview body accepted (HTTP 413 beyond). Default: ${DEFAULT-VALUE}.")
    String maxRequestBytes;

    private final Map<String, String> env;

    EnvInjectorMain(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with one-line error reporting; tests call {@code execute} on it. */
    public static CommandLine commandLine() {
        return commandLine(System.getenv());
    }

    /** The command line seeing {@code env} as its environment ({@code KUBERNETES_SERVICE_HOST}: in a pod). */
    static CommandLine commandLine(Map<String, String> env) {
        return CommandLines.configure(new CommandLine(new EnvInjectorMain(env)));
    }

    @Override
    public Integer call() throws InterruptedException {
        InjectorConfig config = config();
        EnvInjector injector;
        try {
            injector = EnvInjector.start(config);
        } catch (RuntimeException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(NAME + ": " + e.getMessage());
            err.flush();
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(injector::close, "envinjector-shutdown"));
        injector.awaitClose();
        return 0;
    }

    /** The validated configuration; a bad value becomes a picocli error (exit code 2). */
    InjectorConfig config() {
        try {
            return new InjectorConfig(withoutDefaultSnapshot(sourceOptions.spec(env)), ListenAddress.parse("--listen", listen, 8443), zone, optionalPath("--tls-cert", tlsCert),
                    optionalPath("--tls-key", tlsKey), Durations.parseOrSeconds("--tls-reload-interval", tlsReloadInterval,
                            InjectorConfig.MIN_TLS_RELOAD_INTERVAL, InjectorConfig.MAX_TLS_RELOAD_INTERVAL),
                    integer("--max-variables", maxVariables), integer("--max-request-bytes", maxRequestBytes));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private static Path optionalPath(String option, String text) {
        return text == null ? null : path(option, text);
    }

    static Path path(String option, String text) {
        try {
            return Paths.get(text);
        } catch (InvalidPathException e) {
            throw new ConfigException(option, "invalid path \"" + text + "\"");
        }
    }

    static int integer(String option, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(option, "expected a whole number, got \"" + text + "\"");
        }
    }

    /** {@code --version}: the build's project version (one for every command, see {@link BuildVersion}). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {NAME + " " + BuildVersion.get()};
        }
    }

    /**
     * The webhook is called by the API server, so it is never needed while the API server is
     * unreachable: no snapshot file unless {@code --snapshot-file} names one.
     */
    static ClusterSourceSpec withoutDefaultSnapshot(ClusterSourceSpec spec) {
        return spec instanceof ClusterSourceSpec.Api api && api.snapshotFile() instanceof SnapshotLocation.Default
                ? api.withSnapshotFile(SnapshotLocation.OFF) : spec;
    }
}
