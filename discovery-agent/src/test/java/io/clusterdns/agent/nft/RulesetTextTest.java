package io.clusterdns.agent.nft;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.Conventions;
import io.clusterdns.k8s.model.IpFamily;
import org.junit.jupiter.api.Test;

/** Golden text of the conventions cluster: every rule shape the agent writes, in both families. */
class RulesetTextTest {
    static final String CLUSTER = Conventions.resource("conventions-cluster.yaml");

    @Test
    void ipv4TableMatchesGolden() {
        Conventions.assertGolden("conventions-ip.nft", RulesetText.render(Conventions.render(CLUSTER)));
    }

    @Test
    void ipv6TableMatchesGolden() {
        String text = RulesetText.render(Conventions.render(CLUSTER, Conventions.context(IpFamily.IPV6)));
        Conventions.assertGolden("conventions-ip6.nft", text);
    }

    @Test
    void endpointChainLayoutMatchesGolden() {
        var ctx = Conventions.context(IpFamily.IPV4).withEndpointChainThreshold(0);
        Conventions.assertGolden("conventions-ip-endpoint-chains.nft", RulesetText.render(Conventions.render(CLUSTER, ctx)));
    }

    @Test
    void renderingIsDeterministic() {
        assertThat(RulesetText.render(Conventions.render(CLUSTER))).isEqualTo(RulesetText.render(Conventions.render(CLUSTER)));
    }
}
