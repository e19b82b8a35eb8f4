package io.clusterdns.agent.bench;

import io.clusterdns.agent.AgentConfig;
import io.clusterdns.agent.kernel.Nft;
import io.clusterdns.agent.kernel.ProcessNft;
import io.clusterdns.agent.lb.LoadBalancingConfig;
import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.DesiredStateBuilder;
import io.clusterdns.agent.model.NodePortAddresses;
import io.clusterdns.agent.netlink.NetlinkNft;
import io.clusterdns.agent.nft.FamilyRenderer;
import io.clusterdns.agent.nft.KernelInventory;
import io.clusterdns.agent.nft.NftModel;
import io.clusterdns.agent.nft.NftScripts;
import io.clusterdns.agent.status.AgentMetrics;
import io.clusterdns.agent.status.ProxierHealth;
import io.clusterdns.agent.sync.NodeContexts;
import io.clusterdns.agent.sync.RuleSyncer;
import io.clusterdns.agent.sync.SyncOutcome;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.ServiceKey;
import java.nio.file.Path;
import io.clusterdns.agent.sync.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Sync timings (not a test): full sync of 1k and 10k services × 5 endpoints, and one service's
 * endpoint change at 10k, through the agent's own sync path ({@link RuleSyncer}: render, script,
 * {@code nft -f}, conntrack). With root, rules go into a real nft table in a network namespace
 * created (and deleted) here; without, only rendering and scripting are timed.
 *
 * <p>Usage: {@code discovery-agent/bench/sync-bench.sh [--endpoint-chain-threshold N]
 * [--load-balancing MODE] [--maglev-table-size M] [--nft-backend cli,netlink] [SERVICES...]} (default 1000 10000,
 * both backends one after the other, each in its own namespace; threshold 0 =
 * kube-proxy's layout with a chain per endpoint; the mode applies to every service).
 */
public final class SyncBenchmarkMain {
    static final int ENDPOINTS = 5;
    /**
     * One-service changes timed per size. 1,000, not 100: a p99 over 100 samples is the second
     * worst, which on a fresh JVM is a change the JIT had not compiled yet; a long-running agent
     * is past that. {@code JAVA_OPTS=-Dchanges=100} shows the cold tail.
     */
    static final int CHANGES = Integer.getInteger("changes", 1000);
    /**
     * {@code -Dtrace=true}: one line per change (JVM uptime as in {@code -Xlog:gc::uptime}, time, this thread's CPU,
     * phases, classes loaded, GC pause, the netlink batch's timings).
     */
    static final boolean TRACE = Boolean.getBoolean("trace");
    /**
     * {@code -Dcpu.phases=true}: sync durations and phases in this thread's CPU time instead of wall time (a shared
     * machine's run queue makes wall time mostly waiting; the netlink send's kernel work is on this thread's CPU).
     */
    static final boolean CPU_PHASES = Boolean.getBoolean("cpu.phases");
    private static final java.lang.management.ClassLoadingMXBean CLASSES = java.lang.management.ManagementFactory.getClassLoadingMXBean();
    private static final java.lang.management.RuntimeMXBean UPTIME = java.lang.management.ManagementFactory.getRuntimeMXBean();
    static List<String> backends = List.of("cli", "netlink");
    static final List<String> table = new ArrayList<>();
    static int threshold = io.clusterdns.agent.AgentConfig.DEFAULT_ENDPOINT_CHAIN_THRESHOLD;
    static LoadBalancingConfig loadBalancing = LoadBalancingConfig.DEFAULT;

    private SyncBenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--endpoint-chain-threshold")) {
                threshold = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--load-balancing")) {
                loadBalancing = new LoadBalancingConfig(LoadBalancingConfig.parseMode(args[++i]), loadBalancing.maglevTableSize());
            } else if (args[i].equals("--nft-backend")) {
                backends = List.of(args[++i].split(","));
            } else if (args[i].equals("--maglev-table-size")) {
                loadBalancing = new LoadBalancingConfig(loadBalancing.nodeDefault(), Integer.parseInt(args[++i]));
            } else {
                sizes.add(Integer.parseInt(args[i]));
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(1000, 10000);
        }
        boolean root = new ProcessBuilder("id", "-u").start().inputReader().readLine().trim().equals("0");
        System.out.printf("discovery-agent sync benchmark: %d endpoints per service, endpoint chain threshold %d, load balancing %s"
                        + " (Maglev table %d), %s, %d cores, %s%n",
                ENDPOINTS, threshold, loadBalancing.nodeDefault(), loadBalancing.maglevTableSize(),
                root ? "real nft in a network namespace" : "NOT root: render + script only (no nft)",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        for (int n : sizes) {
            if (root) {
                for (String backend : backends) {
                    withKernel(n, backend);
                }
            } else {
                renderOnly(n);
            }
        }
        if (!table.isEmpty()) {
            System.out.println();
            System.out.println("| services | backend | full sync | one-service change p50 | p99 | max | of which applying it (p50) |");
            System.out.println("|---:|---|---:|---:|---:|---:|---:|");
            table.forEach(System.out::println);
        }
    }

    static void withKernel(int services, String backend) throws Exception {
        String ns = "cdns-bench-" + Long.toHexString(System.nanoTime() & 0xffffff);
        run("ip", "netns", "add", ns);
        Nft cli = new ProcessNft(List.of("ip", "netns", "exec", ns, "nft"), Duration.ofMinutes(10));
        NetlinkNft netlink = backend.equals("netlink") ? NetlinkNft.open(Path.of("/var/run/netns", ns), cli) : null;
        try {
            Nft real = netlink != null ? netlink : cli;
            long[] nftNanos = {0};
            Nft nft = new Nft() {
                @Override
                public io.clusterdns.agent.kernel.NftResult apply(String script) {
                    long t = System.nanoTime();
                    try {
                        return real.apply(script);
                    } finally {
                        nftNanos[0] += System.nanoTime() - t;
                    }
                }

                @Override
                public io.clusterdns.agent.kernel.NftResult apply(io.clusterdns.agent.nft.NftTransaction tx) {
                    long t = System.nanoTime();
                    try {
                        return real.apply(tx);
                    } finally {
                        nftNanos[0] += System.nanoTime() - t;
                    }
                }

                @Override
                public io.clusterdns.agent.kernel.NftResult list(String... args) {
                    return real.list(args);
                }
            };
            RuleSyncer syncer = syncer(nft);
            ClusterSnapshot s = BenchCluster.build(services, ENDPOINTS);
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getCurrentThreadCpuTime();
            SyncOutcome full = syncer.sync(s, null, false);
            long cpu = threads.getCurrentThreadCpuTime() - cpu0;
            check(full);
            System.out.printf("%,7d services, %s backend: full sync %,7d ms, %,d ms of this thread's CPU (%s)%n", services, backend,
                    full.took().toMillis(), cpu / 1_000_000, syncer.lastPhases());
            if (netlink != null) {
                System.out.printf("%,7d services, %s backend:   full sync batch: %s%n", services, backend, netlink.lastBatch());
            }
            List<Long> times = new ArrayList<>();
            List<Long> nftTimes = new ArrayList<>();
            List<Long> cpuTimes = new ArrayList<>();
            List<Long> withoutGc = new ArrayList<>();
            long gcPaused = 0;
            for (int g = 1; g <= CHANGES; g++) {
                nftNanos[0] = 0;
                int i = (g * 7919) % services;
                s = BenchCluster.changeOne(s, i, ENDPOINTS, g);
                long gc0 = GcPauses.count();
                long gcMillis0 = GcPauses.millis();
                long classes0 = CLASSES.getTotalLoadedClassCount();
                long c0 = threads.getCurrentThreadCpuTime();
                SyncOutcome o = syncer.sync(s, List.of(ServiceKey.of("ns" + (i % 100), "svc" + i)), false);
                long changeCpu = threads.getCurrentThreadCpuTime() - c0;
                boolean gc = GcPauses.count() != gc0;
                check(o);
                if (o.full() || o.changed() != 1) {
                    throw new IllegalStateException("expected a partial sync of one service: " + o);
                }
                times.add(o.took().toNanos());
                nftTimes.add(nftNanos[0]);
                cpuTimes.add(changeCpu);
                if (gc) {
                    gcPaused++;
                } else {
                    withoutGc.add(o.took().toNanos());
                }
                if (TRACE) {
                    RuleSyncer.Phases ph = syncer.lastPhases();
                    System.out.printf("  [%.3fs] change %4d: %8.3f ms, CPU %7.3f ms; render %.3f, plan %.3f, apply %.3f, rest %.3f ms;"
                                    + " %d classes loaded%s%s%n", UPTIME.getUptime() / 1e3, g, o.took().toNanos() / 1e6, changeCpu / 1e6,
                            ph.render() / 1e6, ph.plan() / 1e6, ph.apply() / 1e6, ph.after() / 1e6, CLASSES.getTotalLoadedClassCount() - classes0,
                            gc ? String.format("; a GC pause (%d ms of collections)", GcPauses.millis() - gcMillis0) : "",
                            netlink != null ? "; batch: " + netlink.lastBatch() : "");
                }
            }
            double p50 = percentile(times, 50);
            double p99 = percentile(times, 99);
            double max = percentile(times, 100);
            System.out.printf("%,7d services, %s backend: one-service change, partial sync: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d changes)%n",
                    services, backend, p50, p99, max, times.size());
            System.out.printf("%,7d services, %s backend:   of which applying it: p50 %.2f ms, p90 %.2f ms%n", services, backend,
                    percentile(nftTimes, 50), percentile(nftTimes, 90));
            // wall time on a shared machine includes waiting for a core; this thread's CPU does not
            System.out.printf("%,7d services, %s backend:   this thread's CPU per change: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", services,
                    backend, percentile(cpuTimes, 50), percentile(cpuTimes, 99), percentile(cpuTimes, 100));
            // a young collection evacuating what the full sync left in the young generation lands on whichever change allocates then
            System.out.printf("%,7d services, %s backend:   %d changes spanned a GC pause; the others: p99 %.2f ms, max %.2f ms%n", services,
                    backend, gcPaused, percentile(withoutGc, 99), percentile(withoutGc, 100));
            table.add(String.format("| %,d × %d | %s | %,d ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms |", services, ENDPOINTS, backend,
                    full.took().toMillis(), p50, p99, max, percentile(nftTimes, 50)));
        } finally {
            if (netlink != null) {
                netlink.close();
            }
            run("ip", "netns", "del", ns);
        }
    }

    static void renderOnly(int services) {
        ClusterSnapshot s = BenchCluster.build(services, ENDPOINTS);
        AgentConfig config = config();
        long t0 = System.nanoTime();
        NftModel model = FamilyRenderer.renderAll(s, new DesiredStateBuilder("node-0"), new NodeContexts(config.nodeNetwork(), List::of).context(config.families().get(0)));
        String script = NftScripts.full(model, KernelInventory.NONE).script();
        long t1 = System.nanoTime();
        System.out.printf("%,7d services: full render + script %,d ms (%,d bytes, %,d chains, %,d rules, %,d elements)%n",
                services, (t1 - t0) / 1_000_000, script.length(), model.chainCount(), model.ruleCount(), model.elementCount());
    }

    static RuleSyncer syncer(Nft nft) {
        AgentConfig c = config();
        return new RuleSyncer(c.families(), "node-0", nft, f -> 0, new NodeContexts(c.nodeNetwork(), List::of), new AgentMetrics(),
                new ProxierHealth(Clock.systemUTC(), System::nanoTime, Duration.ofMinutes(1)), Clock.systemUTC(),
                CPU_PHASES ? java.lang.management.ManagementFactory.getThreadMXBean()::getCurrentThreadCpuTime : Ticker.SYSTEM);
    }

    static AgentConfig config() {
        return AgentConfig.manifests("node-0", Path.of("unused")).withNetwork(List.of(IpAddresses.parse("192.0.2.1")),
                List.of(Cidr.parse("10.128.0.0/10")), NodePortAddresses.ALL).withEndpointChainThreshold(threshold).withLoadBalancing(loadBalancing);
    }

    /** The {@code p}th percentile (nearest rank; 100: the maximum) of nanosecond samples, in milliseconds; NaN without samples. */
    static double percentile(List<Long> nanos, int p) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p / 100.0) - 1))) / 1e6;
    }

    /** Collections of every collector of this JVM, to tell a change that spanned a GC pause. */
    static final class GcPauses {
        private GcPauses() {
        }

        static long count() {
            long n = 0;
            for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                n += Math.max(0, gc.getCollectionCount());
            }
            return n;
        }

        static long millis() {
            long n = 0;
            for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                n += Math.max(0, gc.getCollectionTime());
            }
            return n;
        }
    }

    private static void check(SyncOutcome o) {
        if (!o.ok()) {
            throw new IllegalStateException("sync failed: " + o.error());
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed");
        }
    }

}
