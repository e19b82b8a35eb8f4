package io.clusterdns.agent.nft;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.Conventions;
import io.clusterdns.k8s.model.IpFamily;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** The text may not depend on the order the objects arrive in: the same documents, shuffled (seeded), render the same. */
    @Test
    void renderingIsDeterministic() {
        String expected = RulesetText.render(Conventions.render(CLUSTER));
        List<String> documents = List.of(CLUSTER.split("\n---\n"));
        assertThat(documents).as("the conventions cluster's documents").hasSizeGreaterThan(10);
        Random rnd = new Random(20_260_115L);
        for (int i = 0; i < 20; i++) {
            List<String> shuffled = new ArrayList<>(documents);
            Collections.shuffle(shuffled, rnd);
            assertThat(RulesetText.render(Conventions.render(String.join("\n---\n", shuffled))))
                    .as("documents in the order %s", shuffled.stream().map(RulesetTextTest::name).toList())
                    .isEqualTo(expected);
        }
    }

    /** A document's kind/name, for the failure message. */
    private static String name(String document) {
        Matcher m = Pattern.compile("kind: (\\w+)\\s+metadata: \\{name: ([^,}]+)").matcher(document);
        return m.find() ? m.group(1) + "/" + m.group(2) : "?";
    }
}
