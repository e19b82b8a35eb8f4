package io.clusterdns.agent.nft;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.model.DesiredStateBuilder;
import io.clusterdns.agent.model.NodeContext;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.ServiceKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class FamilyRendererTest {
    static final String CLUSTER = Conventions.resource("conventions-cluster.yaml");

    @Test
    void onlyChangedServicePortsAreRenderedAgain() {
        FamilyRenderer r = new FamilyRenderer(Family.IP, new DesiredStateBuilder(Conventions.NODE));
        NodeContext ctx = Conventions.context(IpFamily.IPV4);
        NftModel first = r.render(Conventions.snapshot(CLUSTER), null, ctx).model();
        ClusterSnapshot changed = Conventions.snapshot(CLUSTER.replace("10.244.2.34", "10.244.2.35"));
        FamilyRenderer.Result second = r.render(changed, null, ctx);
        assertThat(second.changedStates()).containsOnlyKeys("ns3/svc3/tcp/p80");
        Fragment svc1Before = first.services().get("ns1/svc1/tcp/p80");
        assertThat(second.model().services().get("ns1/svc1/tcp/p80")).as("unchanged fragments are shared").isSameAs(svc1Before);
        assertThat(second.model().base()).isSameAs(first.base());
    }

    @Test
    void anIncrementalRenderEqualsAFullOne() {
        FamilyRenderer r = new FamilyRenderer(Family.IP, new DesiredStateBuilder(Conventions.NODE));
        NodeContext ctx = Conventions.context(IpFamily.IPV4);
        r.render(Conventions.snapshot(CLUSTER), null, ctx);
        String other = CLUSTER.replace("10.244.2.34", "10.244.2.35");
        NftModel incremental = r.render(Conventions.snapshot(other), List.of(ServiceKey.of("ns3", "svc3")), ctx).model();
        NftModel scratch = FamilyRenderer.renderAll(Conventions.snapshot(other), new DesiredStateBuilder(Conventions.NODE), ctx);
        assertThat(RulesetText.render(incremental)).isEqualTo(RulesetText.render(scratch));
    }

    @Test
    void aNewContextRendersEverythingAgain() {
        FamilyRenderer r = new FamilyRenderer(Family.IP, new DesiredStateBuilder(Conventions.NODE));
        NodeContext ctx = Conventions.context(IpFamily.IPV4);
        NftModel first = r.render(Conventions.snapshot(CLUSTER), null, ctx).model();
        NodeContext chained = ctx.withEndpointChainThreshold(0);
        NftModel second = r.render(Conventions.snapshot(CLUSTER), List.of(), chained).model();
        assertThat(second.services().get("ns1/svc1/tcp/p80")).isNotEqualTo(first.services().get("ns1/svc1/tcp/p80"));
        NodeContext all = new NodeContext(ctx.family(), ctx.nodeIP(), ctx.clusterCidrs(), null, ctx.serviceCidrs(), true, ctx.masqueradeMark(), 0);
        NftModel third = r.render(Conventions.snapshot(CLUSTER), List.of(), all).model();
        assertThat(third.base()).as("--masquerade-all is the base's masquerade rule").isNotEqualTo(second.base());
    }
}
