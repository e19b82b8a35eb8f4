package io.clusterdns.agent;

import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.DesiredStateBuilder;
import io.clusterdns.agent.nft.Nft;
import io.clusterdns.agent.nft.NftResult;
import io.clusterdns.agent.nft.NftScripts;
import io.clusterdns.agent.nft.ProcessNft;
import io.clusterdns.agent.nft.RulesetText;
import io.clusterdns.agent.sync.Conntrack;
import io.clusterdns.agent.sync.FamilyRenderer;
import io.clusterdns.agent.sync.NodeContexts;
import io.clusterdns.agent.sync.ProcessConntrack;
import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.manifest.ManifestException;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code discovery-agent}: the kube-proxy replacement's command line. Runs the agent, or prints the
 * rules it would write ({@code --dry-run}), or removes its tables ({@code --cleanup}).
 */
@Command(name = "discovery-agent", mixinStandardHelpOptions = true, version = "clusterdns discovery-agent 0.1.0",
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Programs Kubernetes Service load balancing into nftables (tables 'ip clusterdns' and 'ip6 clusterdns'),"
                + " in place of kube-proxy.")
public final class DiscoveryAgentMain implements Callable<Integer> {

    @Option(names = "--manifests", paramLabel = "PATH", description = "Kubernetes YAML/JSON file or folder standing in for a cluster (repeatable); watched for changes.")
    List<Path> manifests = new ArrayList<>();

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "kubeconfig of the API server (default: in-cluster service account).")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "kubeconfig context (default: the current one).")
    String context;

    @Option(names = "--master", paramLabel = "URL", description = "API server URL, overriding the kubeconfig's.")
    String master;

    @Option(names = "--node-name", paramLabel = "NAME", defaultValue = "${env:NODE_NAME}",
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

    @Option(names = "--dry-run", description = "Print the ruleset the agent would apply (nft -f syntax) and exit.")
    boolean dryRun;

    @Option(names = "--cleanup", description = "Remove the agent's tables (and nothing else) and exit.")
    boolean cleanup;

    private final PrintStream out;
    private final PrintStream err;
    private final Supplier<Nft> nft;
    private final Supplier<Conntrack> conntrack;

    public DiscoveryAgentMain() {
        this(System.out, System.err, ProcessNft::system, ProcessConntrack::system);
    }

    DiscoveryAgentMain(PrintStream out, PrintStream err, Supplier<Nft> nft, Supplier<Conntrack> conntrack) {
        this.out = out;
        this.err = err;
        this.nft = nft;
        this.conntrack = conntrack;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DiscoveryAgentMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        AgentConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            err.println("discovery-agent: " + e.getMessage());
            return 2;
        }
        try {
            return switch (config.mode()) {
                case CLEANUP -> cleanup();
                case DRY_RUN -> dryRun(config);
                case RUN -> run(config);
            };
        } catch (ManifestException e) {
            err.println("discovery-agent: " + e.getMessage());
            return 1;
        }
    }

    AgentConfig config() {
        if (dryRun && cleanup) {
            throw new IllegalArgumentException("--dry-run and --cleanup exclude each other");
        }
        String name = nodeName == null || nodeName.isBlank() ? hostName() : nodeName.trim();
        List<InetAddress> ips = flag("--node-ip", () -> nodeIPs.stream().map(String::trim).map(IpAddresses::parse).toList());
        List<Cidr> cluster = flag("--cluster-cidr", () -> clusterCidrs.stream().map(Cidr::parse).toList());
        List<Cidr> services = serviceCidrs == null ? null : flag("--service-cidr", () -> serviceCidrs.stream().map(Cidr::parse).toList());
        AgentConfig.Mode mode = cleanup ? AgentConfig.Mode.CLEANUP : dryRun ? AgentConfig.Mode.DRY_RUN : AgentConfig.Mode.RUN;
        return new AgentConfig(manifests, kubeconfig, context, master, name, ips, cluster,
                flag("--nodeport-addresses", () -> NodePortAddresses.parse(nodePortAddresses)), services, masqueradeAll,
                masqueradeBit, endpointChainThreshold, flag("--sync-period", () -> GoDuration.parse(syncPeriod)),
                flag("--min-sync-period", () -> GoDuration.parse(minSyncPeriod)),
                flag("--healthz-bind-address", () -> HostPort.parseOrDisabled(healthzBind)),
                flag("--metrics-bind-address", () -> HostPort.parseOrDisabled(metricsBind)), mode);
    }

    /** Parses one flag's value; a bad value is reported as {@code --flag: reason}, like the other commands. */
    private static <T> T flag(String name, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(name)) {
                throw e;
            }
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
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
            CountDownLatch synced = new CountDownLatch(1);
            source.subscribe(s -> synced.countDown());
            if (!synced.await(DiscoveryAgent.startupTimeout().toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
                err.println("discovery-agent: no complete view of Services and EndpointSlices within " + DiscoveryAgent.startupTimeout());
                return 1;
            }
            ClusterSnapshot snapshot = source.current();
            NodeContexts contexts = NodeContexts.of(config);
            DesiredStateBuilder builder = new DesiredStateBuilder(config.nodeName());
            for (IpFamily f : config.families()) {
                out.print(RulesetText.render(FamilyRenderer.renderAll(snapshot, builder, contexts.context(f))));
            }
            out.flush();
            return 0;
        }
    }

    private int run(AgentConfig config) throws Exception {
        ClusterSource source = DiscoveryAgent.createSource(config, true);
        DiscoveryAgent agent = new DiscoveryAgent(config, source, nft.get(), conntrack.get());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "clusterdns-agent-shutdown"));
        try {
            agent.start();
        } catch (ManifestException e) {
            throw e;
        } catch (Exception e) {
            err.println("discovery-agent: " + e.getMessage());
            return 1;
        }
        stopped.await();
        return 0;
    }

}
