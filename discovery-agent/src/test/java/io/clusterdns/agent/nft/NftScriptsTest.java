package io.clusterdns.agent.nft;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.kernel.NftResult;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The transactions: a full sync and the diffs after it must leave the table exactly as a fresh
 * full sync of the same model would (checked on {@link FakeNft}, which enforces the kernel's
 * ordering rules), and a diff must touch only what changed.
 */
class NftScriptsTest {
    static final String CLUSTER = RulesetTextTest.CLUSTER;

    /** svc1 gets a second endpoint, svc3 disappears, svc5 gets an endpoint, svc4 loses affinity. */
    static final String CHANGED = CLUSTER
            .replace("- {addresses: [10.244.1.11], nodeName: node-1, conditions: {ready: true}}",
                    "- {addresses: [10.244.1.11], nodeName: node-1, conditions: {ready: true}}\n"
                            + "- {addresses: [10.244.1.13], nodeName: node-1, conditions: {ready: true}}")
            .replace("name: svc3, namespace: ns3}", "name: svc3x, namespace: ns3}")
            .replace("  sessionAffinity: ClientIP\n", "")
            .replace("selector: {app: none}", "")
            + "\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
            + "metadata: {name: svc5-a, namespace: ns5, labels: {kubernetes.io/service-name: svc5}}\naddressType: IPv4\n"
            + "ports: [{name: p80, port: 80, protocol: TCP}]\n"
            + "endpoints:\n- {addresses: [10.244.2.55], nodeName: node-2, conditions: {ready: true}}\n";

    @Test
    void fullThenDiffEqualsFreshFull() {
        NftModel before = Conventions.render(CLUSTER);
        NftModel after = Conventions.render(CHANGED);
        FakeNft kernel = new FakeNft();
        assertThat(kernel.apply(NftScripts.full(before, KernelInventory.NONE).script())).isInstanceOf(NftResult.Ok.class);
        NftScripts.Plan diff = NftScripts.diff(before, after);
        assertThat(kernel.apply(diff.script())).isInstanceOf(NftResult.Ok.class);
        assertThat(diff.flushedStaleChains()).allMatch(c -> c.contains("ns3/svc3/"));
        assertThat(kernel.apply(NftScripts.deleteChains(Family.IP, diff.flushedStaleChains())).ok()).isTrue();

        FakeNft fresh = new FakeNft();
        fresh.apply(NftScripts.full(after, KernelInventory.NONE).script());
        assertThat(kernel.dump("ip")).isEqualTo(fresh.dump("ip"));
    }

    @Test
    void fullSyncOverAnOlderTableRemovesWhatIsNoLongerWanted() {
        FakeNft kernel = new FakeNft();
        assertThat(kernel.apply(NftScripts.full(Conventions.render(CLUSTER), KernelInventory.NONE).script())).isInstanceOf(NftResult.Ok.class);
        NftModel after = Conventions.render(CHANGED);
        KernelInventory inv = KernelInventory.parse(Family.IP, ((NftResult.Ok) kernel.list("list", "chains", "ip")).stdout(),
                ((NftResult.Ok) kernel.list("-t", "list", "sets", "ip")).stdout());
        assertThat(inv.tableExists()).isTrue();
        assertThat(inv.sets()).contains("cluster-ips").anyMatch(s -> s.startsWith("affinity-"));
        NftScripts.Plan full = NftScripts.full(after, inv);
        assertThat(kernel.apply(full.script())).isInstanceOf(NftResult.Ok.class);
        assertThat(full.flushedStaleChains()).isNotEmpty().allMatch(ChainNames::isServiceObject);
        kernel.apply(NftScripts.deleteChains(Family.IP, full.flushedStaleChains()));

        FakeNft fresh = new FakeNft();
        fresh.apply(NftScripts.full(after, KernelInventory.NONE).script());
        assertThat(kernel.dump("ip")).isEqualTo(fresh.dump("ip"));
    }

    @Test
    void diffOfEqualModelsIsEmpty() {
        NftModel m = Conventions.render(CLUSTER);
        assertThat(NftScripts.diff(m, Conventions.render(CLUSTER)).isEmpty()).isTrue();
    }

    @Test
    void oneEndpointChangeTouchesOneServiceOnly() {
        NftScripts.Plan diff = NftScripts.diff(Conventions.render(CLUSTER), Conventions.render(CLUSTER.replace("10.244.2.34", "10.244.2.35")));
        Conventions.assertGolden("diff-one-endpoint.nft", diff.script());
        assertThat(diff.changedOwners()).isEqualTo(1);
        assertThat(diff.flushedStaleChains()).as("inline pick: no endpoint chains").isEmpty();
    }

    @Test
    void withEndpointChainsARemovedEndpointLeavesAStaleChain() {
        var ctx = Conventions.context(io.clusterdns.k8s.model.IpFamily.IPV4).withEndpointChainThreshold(0);
        NftScripts.Plan diff = NftScripts.diff(Conventions.render(CLUSTER, ctx),
                Conventions.render(CLUSTER.replace("10.244.2.34", "10.244.2.35"), ctx));
        Conventions.assertGolden("diff-one-endpoint-endpoint-chains.nft", diff.script());
        assertThat(diff.flushedStaleChains()).containsExactly("endpoint-JK3QVX3P-ns3/svc3/tcp/p80__10.244.2.34/80");
        assertThat(diff.createdChains()).containsExactly("endpoint-UVALJIFS-ns3/svc3/tcp/p80__10.244.2.35/80");
    }

    @Test
    void bothLayoutsConvergeThroughDiffs() {
        for (int threshold : new int[] {0, 1, 16}) {
            var ctx = Conventions.context(io.clusterdns.k8s.model.IpFamily.IPV4).withEndpointChainThreshold(threshold);
            NftModel before = Conventions.render(CLUSTER, ctx);
            NftModel after = Conventions.render(CHANGED, ctx);
            FakeNft kernel = new FakeNft();
            kernel.apply(NftScripts.full(before, KernelInventory.NONE).script());
            NftScripts.Plan diff = NftScripts.diff(before, after);
            assertThat(kernel.apply(diff.script())).as("threshold %d", threshold).isInstanceOf(NftResult.Ok.class);
            assertThat(kernel.apply(NftScripts.deleteChains(Family.IP, diff.flushedStaleChains()))).isInstanceOf(NftResult.Ok.class);
            FakeNft fresh = new FakeNft();
            fresh.apply(NftScripts.full(after, KernelInventory.NONE).script());
            assertThat(kernel.dump("ip")).as("threshold %d", threshold).isEqualTo(fresh.dump("ip"));
        }
    }

    @Test
    void firstFullSyncMatchesGolden() {
        Conventions.assertGolden("full-sync-ip.nft", NftScripts.full(Conventions.render(CLUSTER), KernelInventory.NONE).script());
    }

    @Test
    void cleanupTouchesOnlyOurTables() {
        assertThat(NftScripts.cleanup()).isEqualTo("""
                add table ip clusterdns
                delete table ip clusterdns
                add table ip6 clusterdns
                delete table ip6 clusterdns
                """);
        assertThat(Set.of(NftScripts.cleanup().split("\n"))).allMatch(l -> l.endsWith(" clusterdns"));
    }
}
