package io.clusterdns.agent.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.MutableClock;
import io.clusterdns.agent.kernel.ConntrackFilter;
import io.clusterdns.agent.kernel.Nft;
import io.clusterdns.agent.kernel.NftResult;
import io.clusterdns.agent.kernel.ProcessConntrack;
import io.clusterdns.agent.kernel.ProcessNft;
import io.clusterdns.agent.lb.LoadBalancing;
import io.clusterdns.agent.nft.Family;
import io.clusterdns.agent.nft.KernelInventory;
import io.clusterdns.agent.nft.NftModel;
import io.clusterdns.agent.nft.NftScripts;
import io.clusterdns.agent.nft.RulesetText;
import io.clusterdns.agent.status.AgentMetrics;
import io.clusterdns.agent.status.ProxierHealth;
import io.clusterdns.agent.sync.NodeContexts;
import io.clusterdns.agent.sync.RuleSyncer;
import io.clusterdns.agent.sync.SyncOutcome;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.NetNamespaces;
import io.clusterdns.k8s.testing.Privileged;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real nft and kernel, inside network namespaces created here: the rendered rules are
 * accepted, a diff leaves the same table as a fresh full sync, a failed transaction leaves the
 * previous rules in place and the next (full) sync repairs everything, and {@code --cleanup}
 * removes our tables only; the same for the round-robin and Maglev rules. Needs root; skips otherwise (fails under CLUSTERDNS_REQUIRE_PRIVILEGED=1).
 */
class NftKernelTest {
    static final String CLUSTER = Conventions.resource("conventions-cluster.yaml");
    static final String CHANGED = io.clusterdns.agent.nft.NftScriptsTestAccess.changedCluster();

    NetNamespaces netns;
    String ns;

    @BeforeEach
    void createNamespace() {
        NetNamespaces.requirePrivileges("network namespace tests");
        Privileged.requireTool("nft", "nftables");
        Privileged.requireTool("conntrack", "conntrack");
        netns = new NetNamespaces("nk");
        netns.deleteLeftovers();
        ns = netns.create("a");
    }

    @AfterEach
    void deleteNamespaces() {
        if (netns != null) {
            netns.close();
        }
    }

    Nft nftIn(String namespace) {
        return new ProcessNft(List.of("ip", "netns", "exec", namespace, "nft"), Duration.ofMinutes(1));
    }

    String listing(String namespace, Family f) {
        return Listings.normalize(NetNamespaces.exec(namespace, "nft", "list", "table", f.nft(), "clusterdns").output());
    }

    @Test
    void theKernelAcceptsTheRenderedRulesetsOfBothFamiliesAndLayouts() {
        for (int threshold : new int[] {0, io.clusterdns.agent.model.NodeContext.DEFAULT_ENDPOINT_CHAIN_THRESHOLD}) {
            NetNamespaces.exec(ns, "nft", "flush", "ruleset");
            for (IpFamily f : IpFamily.values()) {
                String text = RulesetText.render(Conventions.render(CLUSTER, Conventions.context(f).withEndpointChainThreshold(threshold)));
                assertThat(nftIn(ns).apply(text)).as("%s, threshold %d", f, threshold).isInstanceOf(NftResult.Ok.class);
            }
            assertThat(NetNamespaces.exec(ns, "nft", "list", "tables").output()).contains("table ip clusterdns", "table ip6 clusterdns");
        }
    }

    @Test
    void aDiffLeavesTheSameTableAsAFreshFullSync() {
        NftModel before = Conventions.render(CLUSTER);
        NftModel after = Conventions.render(CHANGED);
        Nft nft = nftIn(ns);
        assertThat(nft.apply(NftScripts.full(before, KernelInventory.NONE).script())).isInstanceOf(NftResult.Ok.class);
        NftScripts.Plan diff = NftScripts.diff(before, after);
        assertThat(nft.apply(diff.script())).isInstanceOf(NftResult.Ok.class);
        assertThat(nft.apply(NftScripts.deleteChains(Family.IP, diff.flushedStaleChains()))).isInstanceOf(NftResult.Ok.class);

        String fresh = netns.create("b");
        assertThat(nftIn(fresh).apply(NftScripts.full(after, KernelInventory.NONE).script())).isInstanceOf(NftResult.Ok.class);
        assertThat(listing(ns, Family.IP)).isEqualTo(listing(fresh, Family.IP));
    }

    @Test
    void aFailedTransactionKeepsThePreviousRulesAndAFullResyncRecovers() {
        AtomicBoolean broken = new AtomicBoolean();
        Nft real = nftIn(ns);
        Nft faulty = new Nft() {
            @Override
            public NftResult apply(String script) {
                // an invalid rule at the end: nft must reject the whole transaction
                return real.apply(broken.get() ? script + "add rule ip clusterdns services this is not a rule\n" : script);
            }

            @Override
            public NftResult list(String... args) {
                return real.list(args);
            }
        };
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        AgentMetrics metrics = new AgentMetrics();
        RuleSyncer syncer = syncer(faulty, clock, metrics);
        ClusterSnapshot a = Conventions.snapshot(CLUSTER);
        ClusterSnapshot b = Conventions.snapshot(CHANGED);
        assertThat(syncer.sync(a, null, false)).extracting(SyncOutcome::ok, SyncOutcome::full).containsExactly(true, true);
        String rulesOfA = listing(ns, Family.IP);

        broken.set(true);
        SyncOutcome failed = syncer.sync(b, null, false);
        assertThat(failed.ok()).isFalse();
        assertThat(failed.full()).isFalse();
        assertThat(failed.error()).contains("syntax error");
        assertThat(listing(ns, Family.IP)).as("previous rules intact").isEqualTo(rulesOfA);
        assertThat(metrics.syncFailures()).isEqualTo(1.0);
        assertThat(syncer.needsFullSync()).isTrue();

        broken.set(false);
        clock.advance(Duration.ofSeconds(5));
        SyncOutcome recovered = syncer.sync(b, List.of(), false);
        assertThat(recovered).extracting(SyncOutcome::ok, SyncOutcome::full).containsExactly(true, true);
        String fresh = netns.create("b");
        nftIn(fresh).apply(NftScripts.full(Conventions.render(CHANGED), KernelInventory.NONE).script());
        clock.advance(Duration.ofSeconds(5));
        syncer.sync(b, List.of(), false); // deletes the chains the full sync flushed as stale
        assertThat(listing(ns, Family.IP)).isEqualTo(listing(fresh, Family.IP));
    }

    @Test
    void aPeriodicSyncRewritesTablesSomeoneFlushed() {
        RuleSyncer syncer = syncer(nftIn(ns), new MutableClock(Instant.EPOCH), new AgentMetrics());
        ClusterSnapshot a = Conventions.snapshot(CLUSTER);
        syncer.sync(a, null, false);
        String before = listing(ns, Family.IP);
        NetNamespaces.exec(ns, "nft", "flush", "ruleset");
        SyncOutcome periodic = syncer.sync(a, List.of(), true);
        assertThat(periodic.full()).isTrue();
        assertThat(listing(ns, Family.IP)).isEqualTo(before);
    }

    @Test
    void cleanupRemovesOurTablesAndNothingElse() {
        assertThat(nftIn(ns).apply("table ip other {\n\tchain keep {\n\t\ttype filter hook input priority 0; policy accept;\n\t}\n}\n"))
                .isInstanceOf(NftResult.Ok.class);
        for (IpFamily f : IpFamily.values()) {
            nftIn(ns).apply(RulesetText.render(Conventions.render(CLUSTER, Conventions.context(f))));
        }
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (int i = 0; i < 2; i++) { // the second run finds nothing to remove, and succeeds
            Commands.Result r = NetNamespaces.exec(ns, NetHelper.javaBin(), "-cp", cp, "io.clusterdns.agent.DiscoveryAgentMain", "--cleanup");
            assertThat(r.ok()).as(r.output()).isTrue();
        }
        assertThat(NetNamespaces.exec(ns, "nft", "list", "tables").output()).isEqualTo("table ip other\n");
    }

    @Test
    void conntrackDeletionWithNothingToDeleteIsNotAFailure() {
        ProcessConntrack conntrack = new ProcessConntrack(List.of("ip", "netns", "exec", ns, "conntrack"));
        int n = conntrack.delete(new ConntrackFilter(IpFamily.IPV4, Protocol.UDP, IpAddresses.parse("10.96.0.10"), 53,
                IpAddresses.parse("10.244.1.5")));
        assertThat(n).isZero();
    }

    static io.clusterdns.agent.model.NodeContext loadBalancing(IpFamily f, LoadBalancing mode) {
        // a small prime keeps the listings short; the code path is the same for any size
        return Conventions.context(f).withLoadBalancing(new io.clusterdns.agent.lb.LoadBalancingConfig(mode, 251));
    }

    /** The load balancing modes: accepted in both families, and Maglev slots diffed one by one end as a fresh full sync. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = LoadBalancing.class, names = {"ROUND_ROBIN", "MAGLEV", "MAGLEV_SOURCE", "RENDEZVOUS"})
    void theKernelAcceptsTheRulesAndADiffLeavesTheSameTableAsAFreshFullSync(LoadBalancing mode) {
        for (IpFamily f : IpFamily.values()) {
            NetNamespaces.exec(ns, "nft", "flush", "ruleset");
            NftModel before = Conventions.render(CLUSTER, loadBalancing(f, mode));
            NftModel after = Conventions.render(CHANGED, loadBalancing(f, mode));
            assertThat(nftIn(ns).apply(RulesetText.render(before))).as("%s text", f).isInstanceOf(NftResult.Ok.class);
            NetNamespaces.exec(ns, "nft", "flush", "ruleset");

            Nft nft = nftIn(ns);
            Family family = Family.of(f);
            assertThat(nft.apply(NftScripts.full(before, KernelInventory.NONE).script())).as("%s full", f).isInstanceOf(NftResult.Ok.class);
            NftScripts.Plan diff = NftScripts.diff(before, after);
            assertThat(nft.apply(diff.script())).as("%s diff", f).isInstanceOf(NftResult.Ok.class);
            assertThat(nft.apply(NftScripts.deleteChains(family, diff.flushedStaleChains()))).isInstanceOf(NftResult.Ok.class);

            String fresh = netns.create("b" + f.ordinal() + mode.ordinal());
            assertThat(nftIn(fresh).apply(NftScripts.full(after, KernelInventory.NONE).script())).isInstanceOf(NftResult.Ok.class);
            String listed = listing(ns, family);
            assertThat(listed).as("%s after diff", f).isEqualTo(listing(fresh, family));
            if (mode != LoadBalancing.ROUND_ROBIN && f == IpFamily.IPV4) {
                assertThat(listed).contains("typeof numgen inc mod 2 : verdict", "mod 251 seed 0x5eed vmap @maglev-");
            }
        }
    }

    private static RuleSyncer syncer(Nft nft, MutableClock clock, AgentMetrics metrics) {
        io.clusterdns.agent.AgentConfig config = io.clusterdns.agent.AgentConfig.manifests(Conventions.NODE, java.nio.file.Path.of("unused"))
                .withNetwork(List.of(IpAddresses.parse(Conventions.NODE_IP)), List.of(io.clusterdns.agent.model.Cidr.parse(Conventions.CLUSTER_CIDR)),
                        io.clusterdns.agent.model.NodePortAddresses.ALL);
        return new RuleSyncer(config.families(), Conventions.NODE, nft, f -> 0, new NodeContexts(config.nodeNetwork(), List::of), metrics,
                new ProxierHealth(clock, clock::nanos, Duration.ofMinutes(1)), clock, clock);
    }
}
