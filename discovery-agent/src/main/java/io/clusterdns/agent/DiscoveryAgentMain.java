package io.clusterdns.agent;

import io.clusterdns.agent.kernel.Conntrack;
import io.clusterdns.agent.kernel.Nft;
import io.clusterdns.agent.kernel.NftResult;
import io.clusterdns.agent.kernel.ProcessConntrack;
import io.clusterdns.agent.kernel.ProcessNft;
import io.clusterdns.agent.netlink.NftBackend;
import io.clusterdns.agent.lb.LoadBalancingConfig;
import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.DesiredStateBuilder;
import io.clusterdns.agent.model.NodePortAddresses;
import io.clusterdns.agent.nft.FamilyRenderer;
import io.clusterdns.agent.nft.NftScripts;
import io.clusterdns.agent.nft.RulesetText;
import io.clusterdns.agent.sync.NodeContexts;
import io.clusterdns.agent.sync.ServiceRanges;
import io.clusterdns.k8s.BuildVersion;
import io.clusterdns.k8s.cli.CommandLines;
import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.config.Durations;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.persist.SnapshotLocation;
import io.clusterdns.k8s.source.ClusterSourceOptions;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code discovery-agent}: the kube-proxy replacement's command line. Runs the agent, or prints the
 * rules it would write ({@code --dry-run}), or removes its tables ({@code --cleanup}).
 */
@Command(name = DiscoveryAgentMain.NAME, mixinStandardHelpOptions = true, versionProvider = DiscoveryAgentMain.Version.class,
        sortOptions = false,
        description = "Programs Kubernetes Service load balancing into nftables (tables 'ip clusterdns' and 'ip6 clusterdns'),"
                + " in place of kube-proxy.")
public final class DiscoveryAgentMain implements Callable<Integer> {
    static final String NAME = "discovery-agent";

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterSourceOptions sourceOptions = new ClusterSourceOptions();

    @Option(names = "--config", paramLabel = "FILE",
            description = "kube-proxy's configuration file (KubeProxyConfiguration, kubeproxy.config.k8s.io/v1alpha1, YAML or JSON);"
                    + " flags given on the command line win over it.")
    String configFile;

    @Option(names = {"--node-name", "--hostname-override"}, paramLabel = "NAME", defaultValue = "${env:NODE_NAME}",
            description = "This node's name (endpoints with this nodeName are local). Default: $NODE_NAME, else the host name.")
    String nodeName;

    @Option(names = "--node-ip", paramLabel = "IP", split = ",", description = "This node's primary IPv4 and/or IPv6 address; decides the families programmed (default: both).")
    List<String> nodeIPs = new ArrayList<>();

    @Option(names = "--cluster-cidr", paramLabel = "CIDR", split = ",", description = "Pod ranges; off-cluster traffic to ClusterIPs is masqueraded.")
    List<String> clusterCidrs = new ArrayList<>();

    @Option(names = "--nodeport-addresses", paramLabel = "CIDR|primary", split = ",",
            description = "Local addresses accepting NodePorts: those in these CIDRs, or 'primary' (the node IPs). Default: all but loopback.")
    List<String> nodePortAddresses = new ArrayList<>();

    @Option(names = "--service-cidr", paramLabel = "CIDR", split = ",",
            description = "Service ranges: traffic to unallocated addresses in them is dropped. Default with --manifests: 10.96.0.0/12,fd00:10:96::/112; else none.")
    List<String> serviceCidrs;

    @Option(names = "--masquerade-all", description = "Masquerade all traffic to ClusterIPs, not only off-cluster traffic.")
    boolean masqueradeAll;

    @Option(names = "--masquerade-bit", paramLabel = "N", defaultValue = "14", description = "Packet mark bit used to ask for masquerade (default ${DEFAULT-VALUE}).")
    int masqueradeBit;

    @Option(names = "--endpoint-chain-threshold", paramLabel = "N", defaultValue = "16",
            description = "Services with more endpoints pick one through a numgen verdict map and per-endpoint chains; smaller ones inline. 0 = always per-endpoint chains (default ${DEFAULT-VALUE}).")
    int endpointChainThreshold;

    @Option(names = "--load-balancing", paramLabel = "MODE", defaultValue = "random",
            description = "How services pick an endpoint for a new connection: random (kube-proxy's), round-robin (IPVS rr),"
                    + " maglev (consistent hashing of the 5-tuple, even shares), maglev-source (of the source address),"
                    + " rendezvous, rendezvous-source (consistent hashing that moves only the flows of the endpoint that"
                    + " comes or goes, uneven shares). A Service's clusterdns.io/load-balancing annotation overrides it"
                    + " (default ${DEFAULT-VALUE}).")
    String loadBalancing;

    @Option(names = "--maglev-table-size", paramLabel = "PRIME", defaultValue = "4093",
            description = "Slots of each Maglev or rendezvous lookup table, a prime; the same on every node. A Service's"
                    + " clusterdns.io/maglev-table-size annotation overrides it (default ${DEFAULT-VALUE}).")
    String maglevTableSize;

    @Option(names = "--sync-period", paramLabel = "DURATION", defaultValue = "30s", description = "Longest time between syncs (default ${DEFAULT-VALUE}).")
    String syncPeriod;

    @Option(names = "--min-sync-period", paramLabel = "DURATION", defaultValue = "1s", description = "Shortest time between syncs; faster changes are batched (default ${DEFAULT-VALUE}).")
    String minSyncPeriod;

    @Option(names = "--healthz-bind-address", paramLabel = "HOST:PORT", defaultValue = AgentConfig.DEFAULT_HEALTHZ_BIND,
            description = "/healthz address, empty to disable (default ${DEFAULT-VALUE}).")
    String healthzBind;

    @Option(names = "--metrics-bind-address", paramLabel = "HOST:PORT", defaultValue = AgentConfig.DEFAULT_METRICS_BIND,
            description = "/metrics address, empty to disable (default ${DEFAULT-VALUE}).")
    String metricsBind;

    @Option(names = "--startup-timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long --dry-run waits for the first complete view of the cluster (default ${DEFAULT-VALUE}).")
    String startupTimeout;

    @Option(names = "--nft-backend", paramLabel = "cli|netlink", defaultValue = NftBackend.DEFAULT,
            description = "How transactions reach the kernel: netlink (nf_tables batches sent directly, nothing read back on a"
                    + " partial sync) or cli (the nft binary, nft -f). Listings and --cleanup use nft either way (default ${DEFAULT-VALUE}).")
    String nftBackend;

    @Option(names = "--dry-run", description = "Print the ruleset the agent would apply (nft -f syntax) and exit.")
    boolean dryRun;

    @Option(names = "--cleanup", description = "Remove the agent's tables (and nothing else) and exit.")
    boolean cleanup;

    private final PrintStream out;
    private final PrintStream err;
    private final Supplier<Nft> nft;
    /** Tests hand in a fake nft: it is used as is, whatever --nft-backend says (no socket to the real kernel). */
    private boolean nftInjected = true;
    private final Supplier<Conntrack> conntrack;
    private final Map<String, String> env;

    public DiscoveryAgentMain() {
        this(System.out, System.err, ProcessNft::system, ProcessConntrack::system, System.getenv());
        nftInjected = false;
    }

    DiscoveryAgentMain(PrintStream out, PrintStream err, Supplier<Nft> nft, Supplier<Conntrack> conntrack, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.nft = nft;
        this.conntrack = conntrack;
        this.env = Map.copyOf(env);
    }

    public static void main(String[] args) {
        System.exit(commandLine(new DiscoveryAgentMain()).execute(args));
    }

    /** The command line with one-line errors for unknown flags and bad values (exit code 2), as the other servers. */
    static CommandLine commandLine(DiscoveryAgentMain main) {
        CommandLine cmd = CommandLines.configure(new CommandLine(main));
        // flag errors and the command's own output go to the same streams (tests capture them)
        cmd.setErr(new java.io.PrintWriter(main.err, true));
        cmd.setOut(new java.io.PrintWriter(main.out, true));
        return cmd;
    }

    @Override
    public Integer call() throws Exception {
        AgentConfig config;
        try {
            config = config();
        } catch (ConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try {
            return switch (config.mode()) {
                case CLEANUP -> cleanup();
                case DRY_RUN -> dryRun(config);
                case RUN -> run(config);
            };
        } catch (RuntimeException e) {
            // a bad manifest, an unusable kubeconfig, a port in use: one line, no stack trace
            err.println(NAME + ": " + e.getMessage());
            return 1;
        }
    }

    AgentConfig config() {
        if (dryRun && cleanup) {
            throw new ConfigException("--dry-run", "cannot be combined with --cleanup");
        }
        if (configFile != null) {
            ConfigFileDefaults.apply(this, spec.commandLine().getParseResult());
        }
        NftBackend.parse(nftBackend);
        String name = nodeName == null || nodeName.isBlank() ? hostName() : nodeName.trim();
        List<InetAddress> ips = flag("--node-ip", () -> nodeIPs.stream().map(String::trim).map(IpAddresses::parse).toList());
        List<Cidr> cluster = flag("--cluster-cidr", () -> clusterCidrs.stream().map(Cidr::parse).toList());
        List<Cidr> services = serviceCidrs == null ? null : flag("--service-cidr", () -> serviceCidrs.stream().map(Cidr::parse).toList());
        AgentConfig.Mode mode = cleanup ? AgentConfig.Mode.CLEANUP : dryRun ? AgentConfig.Mode.DRY_RUN : AgentConfig.Mode.RUN;
        // --cleanup reads no cluster: it needs no source
        ClusterSourceSpec source = mode == AgentConfig.Mode.CLEANUP && !sourceOptions.manifestsGiven() && !sourceOptions.clusterFlagsGiven()
                ? null : sourceOptions.spec(env);
        if (mode != AgentConfig.Mode.RUN && sourceOptions.snapshotLocation() instanceof SnapshotLocation.At) {
            throw new ConfigException("--snapshot-file", "cannot be combined with " + (dryRun ? "--dry-run" : "--cleanup")
                    + ": only a running agent keeps a snapshot");
        }
        if (mode != AgentConfig.Mode.RUN && source instanceof ClusterSourceSpec.Api api) {
            // a dry run prints what the live cluster asks for, never an earlier run's snapshot
            source = api.withSnapshotFile(SnapshotLocation.OFF);
        }
        return new AgentConfig(source, name, ips, cluster,
                flag("--nodeport-addresses", () -> NodePortAddresses.parse(nodePortAddresses)), services, masqueradeAll,
                masqueradeBit, endpointChainThreshold, Durations.parse("--sync-period", syncPeriod),
                Durations.parse("--min-sync-period", minSyncPeriod),
                ListenAddress.parseOrOff("--healthz-bind-address", healthzBind, Optional.empty(), 10256).orElse(null),
                ListenAddress.parseOrOff("--metrics-bind-address", metricsBind, Optional.empty(), 10249).orElse(null),
                Durations.parse("--startup-timeout", startupTimeout), mode,
                new LoadBalancingConfig(LoadBalancingConfig.parseMode(loadBalancing),
                        LoadBalancingConfig.parseTableSize(maglevTableSize)));
    }

    /** Parses one flag's value; a bad value is reported as {@code --flag: reason}, like the other commands. */
    private static <T> T flag(String name, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() == null ? "invalid value" : e.getMessage();
            String own = message.startsWith(name + ": ") ? message.substring(name.length() + 2)
                    : message.startsWith(name + " ") ? message.substring(name.length() + 1) : message;
            throw new ConfigException(name, own, e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
        } catch (java.net.UnknownHostException e) {
            return "";
        }
    }

    private int cleanup() {
        NftResult r = nft.get().apply(NftScripts.cleanup());
        if (r instanceof NftResult.Failed f) {
            err.println("discovery-agent: removing the clusterdns tables failed: " + f.summary());
            return 1;
        }
        out.println("Removed the nftables tables ip clusterdns and ip6 clusterdns (if they existed).");
        return 0;
    }

    private int dryRun(AgentConfig config) throws InterruptedException {
        try (ClusterSource source = DiscoveryAgent.createSource(config, false)) {
            source.start();
            source.awaitStarted();
            if (!source.awaitSynced(config.startupTimeout())) {
                String health = source.health().isHealthy() ? "" : "; " + source.health().reason();
                err.println(NAME + ": no complete view of the cluster from " + source.describe() + " within "
                        + Durations.format(config.startupTimeout()) + " (--startup-timeout): " + source.syncStatus().describe() + health);
                return 1;
            }
            ClusterSnapshot snapshot = source.current();
            NodeContexts contexts = NodeContexts.of(config.nodeNetwork());
            DesiredStateBuilder builder = new DesiredStateBuilder(config.nodeName());
            // the same contexts as a sync's: the snapshot's zone and service ranges (its ServiceCIDRs, when it has any)
            List<Cidr> ranges = new ServiceRanges(config.nodeNetwork().serviceCidrs()).of(snapshot);
            for (IpFamily f : config.families()) {
                out.print(RulesetText.render(FamilyRenderer.renderAll(snapshot, builder, contexts.context(f).withZone(builder.zone(snapshot))
                        .withServiceCidrs(ServiceRanges.ofFamily(ranges, f)))));
            }
            out.flush();
            return 0;
        }
    }

    private int run(AgentConfig config) throws Exception {
        Nft kernel;
        try {
            kernel = NftBackend.open(NftBackend.parse(nftBackend), nft.get(), nftInjected);
        } catch (java.io.IOException | LinkageError e) {
            if (spec.commandLine().getParseResult().hasMatchedOption("--nft-backend")) {
                err.println(NAME + ": --nft-backend netlink: " + e.getMessage());
                return 1;
            }
            // the default backend must never keep an agent from starting where nft works
            err.println(NAME + ": cannot use the netlink backend (" + e.getMessage() + "); using nft -f (--nft-backend cli)");
            kernel = nft.get();
        }
        Conntrack tracker = conntrack.get();
        if (kernel instanceof io.clusterdns.agent.netlink.NetlinkNft) {
            tracker = NftBackend.conntrack(tracker, nftInjected);
        }
        ClusterSource source = DiscoveryAgent.createSource(config, true);
        DiscoveryAgent agent = new DiscoveryAgent(config, source, kernel, tracker);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "clusterdns-agent-shutdown"));
        try {
            agent.start();
        } catch (Exception e) {
            agent.close();
            err.println(NAME + ": " + e.getMessage());
            return 1;
        }
        stopped.await();
        return 0;
    }


    /** {@code --version}: the Maven project version, filtered into a resource at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {NAME + " " + BuildVersion.get()};
        }
    }
}
