package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.informer.InformerConfig;
import io.clusterdns.k8s.persist.SnapshotLocation;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.resolver.PodMode;
import io.clusterdns.server.http.HttpConfig;
import io.clusterdns.server.listen.TcpLimits;
import io.clusterdns.server.listen.Wildcard;
import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plugin.kubernetes.KubernetesConfig;
import io.clusterdns.server.plugin.kubernetes.SourceConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import picocli.CommandLine;

/**
 * The command line, run in-process through picocli: exit codes, one-line errors, flags → config.
 * Runs see an empty environment unless a test passes one (KUBERNETES_SERVICE_HOST = "in a pod").
 */
class DnsServerMainTest {
    @TempDir
    static Path manifests;

    /** Exit code, stdout and stderr of one in-process run. */
    record Run(int exitCode, String out, String err) {
    }

    /** Runs in-process with an empty environment (not in a pod). */
    static Run run(String... args) {
        return run(Map.of(), args);
    }

    static Run run(Map<String, String> env, String... args) {
        CommandLine cmd = DnsServerMain.commandLine(env);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** What the informer source of {@code c} would watch: its plan's kubernetes backend, as {@link DnsServerMain#source} reads it. */
    static InformerConfig informers(ServerConfig c) {
        ClusterSourceSpec.Api api = (ClusterSourceSpec.Api) c.source().spec();
        KubernetesConfig.Backend backend = c.plan().plugins(KubernetesConfig.class).get(0).backend();
        return c.source().informers(InformerConfig.of(api.connection()), backend.watchPods(), backend.endpointPodNames());
    }

    static ServerConfig config(String... args) {
        return config(Map.of(), args);
    }

    static ServerConfig config(Map<String, String> env, String... args) {
        CommandLine cmd = DnsServerMain.commandLine(env);
        cmd.parseArgs(args);
        return ((DnsServerMain) cmd.getCommand()).config();
    }

    static String[] withManifests(String... args) {
        List<String> all = new ArrayList<>(List.of("--manifests", manifests.toString()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    @Test
    void helpListsEveryFlagAndExitsZero() {
        Run r = run("--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--manifests=PATH", "--kubeconfig=FILE", "--context=NAME", "--master=URL",
                "--labels=SELECTOR", "--namespace-labels=SELECTOR", "--noendpoints", "--startup-timeout=DURATION",
                "--listen=ADDR:PORT", "--zone=ZONE", "--ttl=SECONDS", "--pods=MODE",
                "--namespaces=NS[,NS...]", "--endpoint-pod-names", "--ignore-empty-service", "--tcp-idle-timeout=DURATION",
                "--udp-sockets=N", "--health=ADDR:PORT|off", "--lameduck=DURATION", "--ready=ADDR:PORT|off",
                "--metrics=ADDR:PORT|off", "--version", "Default: 127.0.0.1:1053", "Default: 5.", "Default: 10s", "Default: 5s",
                "Default: 0s");
        assertThat(r.err()).isEmpty();
    }

    /** Netty's JFR allocation events stay uninitialised (their first buffer loaded JFR on the first answer's path) unless asked for. */
    @Test
    void nettysJfrEventsAreOffUnlessGiven() {
        DnsServerMain.commandLine();

        assertThat(System.getProperty(DnsServerMain.NETTY_JFR)).isEqualTo("false");
    }

    @Test
    void versionExitsZero() {
        Run r = run("--version");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out().trim()).matches("clusterdns-dns-server \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    static Stream<Object[]> badFlags() {
        String address = "expected ADDR:PORT like 127.0.0.1:1053, [::1]:1053 or :1053, got ";
        return Stream.of(
                new Object[] {new String[0], "--manifests or --kubeconfig: required: give --manifests PATH to read Kubernetes"
                        + " objects from files, or --kubeconfig FILE (or --master URL) to follow a cluster; the pod's service"
                        + " account is only used in a pod (KUBERNETES_SERVICE_HOST is not set)"},
                new Object[] {withManifests("--kubeconfig", "/root/.kube/config"),
                        "--manifests: cannot be combined with --kubeconfig: serve either manifests or a live cluster"},
                new Object[] {withManifests("--master", "http://127.0.0.1:8001", "--labels", "app=web", "--noendpoints"),
                        "--manifests: cannot be combined with --master: serve either manifests or a live cluster"},
                new Object[] {withManifests("--labels", "app=web", "--noendpoints"),
                        "--manifests: cannot be combined with --labels, --noendpoints: they choose what is watched on an API server"},
                new Object[] {new String[] {"--context", "kind-kind"}, "--context: needs --kubeconfig (a context is an entry of a kubeconfig file)"},
                new Object[] {new String[] {"--kubeconfig", "/no/such/kubeconfig"}, "--kubeconfig: no such file: /no/such/kubeconfig"},
                new Object[] {new String[] {"--master", "ftp://10.0.0.1"}, "--master: \"ftp://10.0.0.1\" must be an http:// or https:// URL"},
                new Object[] {new String[] {"--master", "https://"}, "--master: \"https://\" is not a URL: Expected authority"},
                new Object[] {new String[] {"--master", "http://127.0.0.1:8001", "--labels", "app=web,,tier=db"},
                        "--labels: \"app=web,,tier=db\": \"\" is empty (stray comma?)"},
                new Object[] {new String[] {"--master", "http://127.0.0.1:8001", "--namespace-labels", "env in prod"},
                        "--namespace-labels: \"env in prod\": \"env in prod\" needs a parenthesized value list, e.g. \"env in (prod,qa)\""},
                new Object[] {withManifests("--startup-timeout", "5d"), "--startup-timeout: expected a duration like 500ms, 30s, 1m30s or 2h (or whole seconds), got \"5d\""},
                new Object[] {withManifests("--startup-timeout", "11m"), "--startup-timeout: must be 0s..10m, got \"11m\""},
                new Object[] {withManifests("--lameduck", "soon"), "--lameduck: expected a duration like 500ms, 30s, 1m30s or 2h (or whole seconds), got \"soon\""},
                new Object[] {withManifests("--lameduck", "20m"), "--lameduck: must be 0s..10m, got \"20m\""},
                new Object[] {withManifests("--health", "localhost:8080"), "--health: expected ADDR:PORT like 127.0.0.1:8080, [::1]:8080 or :8080, got \"localhost:8080\""},
                new Object[] {withManifests("--ready", "127.0.0.1:99999"), "--ready: port must be 0..65535, got \"127.0.0.1:99999\""},
                new Object[] {withManifests("--metrics", "on"), "--metrics: expected ADDR:PORT like 127.0.0.1:9153, [::1]:9153 or :9153, got \"on\""},
                new Object[] {withManifests("--metrics", "::1:9153"), "--metrics: IPv6 addresses need brackets, like [::1]:9153, got \"::1:9153\""},
                new Object[] {withManifests("--ttl", "9000"), "--ttl: must be 0..3600, got \"9000\""},
                new Object[] {withManifests("--ttl", "-1"), "--ttl: must be 0..3600, got \"-1\""},
                new Object[] {withManifests("--ttl", "abc"), "--ttl: expected a whole number, got \"abc\""},
                new Object[] {withManifests("--listen", "localhost:53"), "--listen: " + address + "\"localhost:53\""},
                new Object[] {withManifests("--listen", "127.0.0.1:70000"), "--listen: port must be 0..65535, got \"127.0.0.1:70000\""},
                new Object[] {withManifests("--pods", "maybe"), "--pods: must be disabled, insecure or verified, got \"maybe\""},
                new Object[] {withManifests("--zone", "in-addr.arpa"), "--zone: a forward zone such as cluster.local is required besides reverse zones"},
                new Object[] {withManifests("--zone", "a..b"), "--zone: invalid zone \"a..b\""},
                new Object[] {withManifests("--namespaces", "prod,Bad_NS"), "--namespaces: \"Bad_NS\" is not a valid namespace name"},
                new Object[] {withManifests("--tcp-idle-timeout", "0s"), "--tcp-idle-timeout: must be 1ms..1h, got \"0s\""},
                new Object[] {withManifests("--udp-sockets", "100"), "--udp-sockets: must be 0..64 (0 = one per CPU), got \"100\""},
                new Object[] {withManifests("--tcp-max-connections", "0"), "--tcp-max-connections: must be 1..2147483647, got \"0\""},
                new Object[] {withManifests("--tcp-max-connections-per-client", "lots"),
                        "--tcp-max-connections-per-client: expected a whole number, got \"lots\""},
                new Object[] {withManifests("--tcp-max-pipelined", "-5"), "--tcp-max-pipelined: must be 1..2147483647, got \"-5\""},
                new Object[] {new String[] {"--manifests", "/no/such/manifests"}, "--manifests: no such file or folder: /no/such/manifests"},
                new Object[] {withManifests("--bogus"), "Unknown option: '--bogus'"},
                new Object[] {withManifests("--ttl"), "Missing required parameter for option '--ttl' (SECONDS)"},
                new Object[] {withManifests("--pod-cidr", "10.244.0.1/16"), "--pod-cidr: \"10.244.0.1/16\" is not in canonical form (bits set after the prefix)"},
                new Object[] {withManifests("--pod-cidr", "10.244.0.0/16,10.245.0.0/16"), "--pod-cidr: a second IPv4 CIDR (at most one per family)"
                        + ", got \"10.244.0.0/16,10.245.0.0/16\""},
                new Object[] {new String[] {"--kubeconfig", "/dev/null", "--pod-cidr", "10.244.0.0/16"},
                        "--pod-cidr: only with --manifests: in a live cluster the pods have their addresses already"});
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badFlags")
    void rejectsBadFlagsWithOneLineAndExitCode2(String[] args, String message) {
        Run r = run(args);

        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("clusterdns-dns-server: " + message + " (see --help)" + System.lineSeparator());
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aBadManifestExits1NamingFileDocumentAndField(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.yaml"), """
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                  namespace: default
                spec:
                  ports:
                  - port: 70000
                """);

        Run r = run("--manifests", dir.toString(), "--listen", "127.0.0.1:0", "--health", "off", "--ready", "off", "--metrics", "off");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("clusterdns-dns-server: " + dir.resolve("bad.yaml")
                + " document 1 (line 8): spec.ports[0].port: must be 1..65535, got 70000" + System.lineSeparator());
    }

    @Test
    void anAddressInUseExits1() {
        try (DnsServer running = DnsServer.start(TestCluster.config(), new SnapshotSource(TestCluster.snapshot()))) {
            Run r = run(withManifests("--listen", "127.0.0.1:" + running.port(), "--health", "off", "--ready", "off", "--metrics", "off"));

            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err()).startsWith("clusterdns-dns-server: cannot start listeners on 127.0.0.1:" + running.port() + ": ")
                    .contains("in use");
        }
    }

    @Test
    void aKubeconfigWithoutTheContextExits1(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("config"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: kind
                  cluster: {server: "https://127.0.0.1:6443"}
                contexts:
                - name: kind-kind
                  context: {cluster: kind, user: admin}
                users:
                - name: admin
                  user: {token: abc}
                current-context: kind-kind
                """);

        Run r = run("--kubeconfig", kubeconfig.toString(), "--context", "prod", "--listen", "127.0.0.1:0",
                "--health", "off", "--ready", "off", "--metrics", "off");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("clusterdns-dns-server: kubeconfig " + kubeconfig + ": no context named \"prod\""
                + System.lineSeparator());
    }

    @Test
    void defaultsWithOnlyManifests() {
        ServerConfig c = config(withManifests());

        assertThat(c).isEqualTo(ServerConfig.defaults(manifests));
        assertThat(c.startupTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.http().health()).hasValue(ListenAddress.of("127.0.0.1:8080"));
        assertThat(c.http().ready()).hasValue(ListenAddress.of("127.0.0.1:8181"));
        assertThat(c.http().metrics()).hasValue(ListenAddress.of("127.0.0.1:9153"));
        assertThat(c.http().lameduck()).isZero();
    }

    @Test
    void httpEndpointsDefaultToTheListenHostAndCanBeMovedOrTurnedOff() {
        ServerConfig all = config(withManifests("--listen", ":53"));
        ServerConfig moved = config(withManifests("--listen", "[::1]:53", "--health", "off", "--ready", ":18181",
                "--metrics", "[::1]:0", "--lameduck", "5s"));

        assertThat(all.http()).isEqualTo(new HttpConfig(Optional.of(ListenAddress.of("0.0.0.0:8080")),
                Optional.of(ListenAddress.of("0.0.0.0:8181")), Optional.of(ListenAddress.of("0.0.0.0:9153")), Duration.ZERO));
        assertThat(moved.http()).isEqualTo(new HttpConfig(Optional.empty(), Optional.of(ListenAddress.of("0.0.0.0:18181")),
                Optional.of(ListenAddress.of("[::1]:0")), Duration.ofSeconds(5)));
    }

    @Test
    void masterAloneFollowsThatApiServer() {
        ServerConfig c = config("--master", "http://127.0.0.1:8001", "--startup-timeout", "0s");

        assertThat(c.source()).isEqualTo(SourceConfig.of(new ClusterSourceSpec.Api(ClusterConnection.master("http://127.0.0.1:8001"),
                new SnapshotLocation.Default(DnsServerMain.NAME))));
        assertThat(c.startupTimeout()).isZero();
    }

    @Test
    void kubeconfigWithEveryClusterFlagReachesTheInformerConfig(@TempDir Path dir) throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("config"), "apiVersion: v1\nkind: Config\n");

        ServerConfig c = config("--kubeconfig", kubeconfig.toString(), "--context", "kind-kind", "--master", "https://127.0.0.1:6443",
                "--labels", "app in (web,api)", "--namespace-labels", "dns=enabled", "--noendpoints", "--pods", "verified",
                "--startup-timeout", "30s");
        InformerConfig informer = informers(c);

        assertThat(informer.connection()).isEqualTo(new ClusterConnection("https://127.0.0.1:6443", kubeconfig, "kind-kind"));
        assertThat(informer.labels()).isEqualTo("app in (web,api)");
        assertThat(informer.namespaceLabels()).isEqualTo("dns=enabled");
        assertThat(informer.noEndpoints()).isTrue();
        assertThat(informer.watchPods()).as("pods verified needs the Pods").isTrue();
        assertThat(c.startupTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void endpointsKeepTheirPodsNamesOnlyForEndpointPodNames() {
        assertThat(informers(config("--master", "http://127.0.0.1:8001", "--endpoint-pod-names")).endpointPodNames()).isTrue();
        assertThat(informers(config("--master", "http://127.0.0.1:8001")).endpointPodNames()).isFalse();
    }

    @Test
    void podsAreWatchedOnlyForPodsVerified() {
        for (String mode : List.of("disabled", "insecure")) {
            ServerConfig c = config("--master", "http://127.0.0.1:8001", "--pods", mode);
            assertThat(informers(c).watchPods()).as(mode).isFalse();
        }
    }

    @Test
    void inAPodWithoutSourceFlagsUsesTheServiceAccount() {
        Map<String, String> pod = Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1");

        ServerConfig inCluster = config(pod, "--labels", "app=web");
        ServerConfig manifestsStillWin = config(pod, withManifests());

        assertThat(inCluster.source()).isEqualTo(new SourceConfig(new ClusterSourceSpec.Api(ClusterConnection.inCluster(),
                new SnapshotLocation.Default(DnsServerMain.NAME)), "app=web", null, false));
        assertThat(manifestsStillWin.source()).isEqualTo(SourceConfig.of(new ClusterSourceSpec.Manifests(List.of(manifests))));
    }

    @Test
    void podCidrReachesTheManifestSource() {
        ServerConfig dual = config(withManifests("--pod-cidr", "10.32.0.0/16, fd00:32::/56"));
        assertThat(dual.source()).isEqualTo(SourceConfig.of(new ClusterSourceSpec.Manifests(List.of(manifests),
                io.clusterdns.k8s.manifest.PodCidrs.parse("10.32.0.0/16,fd00:32::/56"))));
    }

    @Test
    void everyFlagReachesTheConfig() {
        ServerConfig c = config(withManifests("--listen", "[::1]:5353", "--zone", "k8s.example", "--zone", "10.in-addr.arpa",
                "--zone", "ip6.arpa", "--ttl", "30", "--pods", "verified", "--namespaces", "prod,staging", "--namespaces", "dev",
                "--endpoint-pod-names", "--ignore-empty-service", "--tcp-idle-timeout", "1500ms", "--udp-sockets", "3",
                "--startup-timeout", "2m"));

        assertThat(c.listen()).hasToString("[::1]:5353");
        assertThat(c.zones()).containsExactly(Name.fromConstantString("k8s.example."),
                Name.fromConstantString("10.in-addr.arpa."), Name.fromConstantString("ip6.arpa."));
        assertThat(c.resolver().ttl()).isEqualTo(30);
        assertThat(c.resolver().podMode()).isEqualTo(PodMode.VERIFIED);
        assertThat(c.resolver().namespaces()).containsExactlyInAnyOrder("prod", "staging", "dev");
        assertThat(c.resolver().endpointPodNames()).isTrue();
        assertThat(c.resolver().ignoreEmptyService()).isTrue();
        assertThat(c.tcpIdleTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.udpSockets()).isEqualTo(3);
        assertThat(c.startupTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.http().health()).hasValue(ListenAddress.of("[::1]:8080"));
    }

    @Test
    void theTcpFlagsSetTheListenersLimitsWithOrWithoutACorefile() throws Exception {
        String[] caps = {"--tcp-max-connections", "500", "--tcp-max-connections-per-client", "7", "--tcp-max-pipelined", "9",
                "--tcp-idle-timeout", "20s"};
        CommandLine flags = DnsServerMain.commandLine(Map.of());
        flags.parseArgs(withManifests(caps));
        TcpLimits want = TcpLimits.DEFAULT.withCaps(500, 7, 9).withIdleTimeout(Duration.ofSeconds(20));
        assertThat(((DnsServerMain) flags.getCommand()).tcpLimits()).isEqualTo(want);

        Path corefile = Files.writeString(Files.createTempFile("Corefile", ""), ".:0 {\n  timeouts {\n    read 4s\n  }\n}\n");
        CommandLine conf = DnsServerMain.commandLine(Map.of());
        List<String> args = new ArrayList<>(List.of("-conf", corefile.toString()));
        args.addAll(List.of(caps));
        conf.parseArgs(args.toArray(String[]::new));
        ServerPlan plan = ((DnsServerMain) conf.getCommand()).corefile().read();
        assertThat(plan.tcpLimits(Wildcard.on(0))).isEqualTo(want.withReadTimeout(Duration.ofSeconds(4)));
        Files.delete(corefile);
    }

    @Test
    void corefileReplacesTheClusterFlags(@TempDir Path dir) throws Exception {
        Path corefile = Files.writeString(dir.resolve("Corefile"), ".:53 {\n errors\n}\n");

        Run r = run("-conf", corefile.toString(), "--ttl", "30", "--zone", "example.local");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("clusterdns-dns-server: -conf: cannot be combined with --zone, --ttl: the Corefile configures them"
                + " (see the kubernetes, health, ready and prometheus plugins) (see --help)" + System.lineSeparator());
    }

    @Test
    void aMissingCorefileIsAFlagError() {
        Run r = run("-conf", "/no/such/Corefile");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("clusterdns-dns-server: -conf: no such file: /no/such/Corefile (see --help)" + System.lineSeparator());
    }

    @Test
    void aBrokenCorefileStopsTheStartNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path corefile = Files.writeString(dir.resolve("Corefile"), ".:0 {\n    errors\n    dnssec\n}\n");

        Run r = run("--conf", corefile.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("clusterdns-dns-server: " + corefile + ":3: plugin 'dnssec' is not supported by clusterdns (yet)")
                .hasLineCount(1);
    }
}
