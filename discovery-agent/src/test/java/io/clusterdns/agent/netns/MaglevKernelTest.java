package io.clusterdns.agent.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.kernel.Nft;
import io.clusterdns.agent.kernel.NftResult;
import io.clusterdns.agent.kernel.ProcessNft;
import io.clusterdns.agent.lb.LoadBalancing;
import io.clusterdns.agent.lb.LoadBalancingConfig;
import io.clusterdns.agent.model.NodeContext;
import io.clusterdns.agent.nft.Family;
import io.clusterdns.agent.nft.KernelInventory;
import io.clusterdns.agent.nft.NftModel;
import io.clusterdns.agent.nft.NftScripts;
import io.clusterdns.agent.nft.RulesetText;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.testing.NetNamespaces;
import io.clusterdns.k8s.testing.Privileged;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The load balancing modes in the real kernel (nft 1.0.6 here): the declarative text and the full
 * script are accepted in both families, and a diff (endpoints changed, services added and
 * removed: Maglev slots deleted and added one by one) leaves the same table as a fresh full sync.
 * Needs root; skips otherwise.
 */
class MaglevKernelTest {
    static final String CLUSTER = Conventions.resource("conventions-cluster.yaml");
    static final String CHANGED = io.clusterdns.agent.nft.NftScriptsTestAccess.changedCluster();

    NetNamespaces netns;
    String ns;

    @BeforeEach
    void createNamespace() {
        NetNamespaces.requirePrivileges("network namespace tests");
        Privileged.requireTool("nft", "nftables");
        netns = new NetNamespaces("mk");
        netns.deleteLeftovers();
        ns = netns.create("a");
    }

    @AfterEach
    void deleteNamespaces() {
        if (netns != null) {
            netns.close();
        }
    }

    static NodeContext context(IpFamily f, LoadBalancing mode) {
        // a small prime keeps the listings short; the code path is the same for any size
        return Conventions.context(f).withLoadBalancing(new LoadBalancingConfig(mode, 251));
    }

    Nft nftIn(String namespace) {
        return new ProcessNft(List.of("ip", "netns", "exec", namespace, "nft"), Duration.ofMinutes(1));
    }

    String listing(String namespace, Family f) {
        return Listings.normalize(NetNamespaces.exec(namespace, "nft", "list", "table", f.nft(), "clusterdns").output());
    }

    @ParameterizedTest
    @EnumSource(value = LoadBalancing.class, names = {"ROUND_ROBIN", "MAGLEV", "MAGLEV_SOURCE"})
    void theKernelAcceptsTheRulesAndADiffLeavesTheSameTableAsAFreshFullSync(LoadBalancing mode) {
        for (IpFamily f : IpFamily.values()) {
            NetNamespaces.exec(ns, "nft", "flush", "ruleset");
            NftModel before = Conventions.render(CLUSTER, context(f, mode));
            NftModel after = Conventions.render(CHANGED, context(f, mode));
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
}
