package io.clusterdns.agent.nft;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.model.DesiredStateBuilder;
import io.clusterdns.k8s.model.IpFamily;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two service ports whose slot blocks coincide both pick inline, and go back to slots when the other leaves. */
class DnatSlotBlocksTest {
    /** Two service names in namespace ns whose {@code ns/NAME/tcp/p80} owners share a block (a birthday search). */
    static String[] collidingNames() {
        Map<Integer, String> seen = new HashMap<>();
        for (int i = 0; ; i++) {
            String name = "s" + i;
            String other = seen.putIfAbsent(DnatSlotBlocks.block("ns/" + name + "/tcp/p80"), name);
            if (other != null) {
                return new String[] {other, name};
            }
        }
    }

    static String service(String name, int n) {
        return "apiVersion: v1\nkind: Service\nmetadata: {name: " + name + ", namespace: ns}\n"
                + "spec: {clusterIP: 10.96.3." + n + ", selector: {app: x}, ports: [{name: p80, port: 80, protocol: TCP}]}\n"
                + "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\n"
                + "metadata: {name: " + name + "-a, namespace: ns, labels: {kubernetes.io/service-name: " + name + "}}\naddressType: IPv4\n"
                + "ports: [{name: p80, port: 80, protocol: TCP}]\n"
                + "endpoints:\n- {addresses: [10.244.3." + n + "], nodeName: node-2, conditions: {ready: true}}\n";
    }

    static String pick(NftModel m, String name) {
        String owner = "ns/" + name + "/tcp/p80";
        ChainDef chain = m.services().get(owner).chains().stream().filter(c -> c.name().startsWith(ChainNames.SERVICE)).findFirst().orElseThrow();
        return chain.rules().get(chain.rules().size() - 1).render(Family.IP);
    }

    @Test
    void sharedBlocksPickInlineUntilTheOtherServiceLeaves() {
        String[] names = collidingNames();
        String both = service(names[0], 1) + "---\n" + service(names[1], 2);
        String one = service(names[0], 1);
        var ctx = Conventions.context(IpFamily.IPV4);
        FamilyRenderer r = new FamilyRenderer(Family.IP, new DesiredStateBuilder(Conventions.NODE));

        NftModel first = r.render(Conventions.snapshot(one), null, ctx).model();
        assertThat(pick(first, names[0])).startsWith("meta l4proto tcp dnat ip addr . port to numgen random mod 1 offset ");

        NftModel shared = r.render(Conventions.snapshot(both), null, ctx).model();
        assertThat(pick(shared, names[0])).isEqualTo("meta l4proto tcp dnat to 10.244.3.1:80");
        assertThat(pick(shared, names[1])).isEqualTo("meta l4proto tcp dnat to 10.244.3.2:80");
        assertThat(shared.services().values()).allMatch(f -> f.elements().stream().noneMatch(e -> e.container().startsWith(Names.DNAT_SLOTS)));
        assertThat(RulesetText.render(shared)).as("incremental = fresh")
                .isEqualTo(RulesetText.render(FamilyRenderer.renderAll(Conventions.snapshot(both), new DesiredStateBuilder(Conventions.NODE), ctx)));

        NftModel alone = r.render(Conventions.snapshot(one), null, ctx).model();
        assertThat(pick(alone, names[0])).isEqualTo(pick(first, names[0]));
        assertThat(alone.services().get("ns/" + names[0] + "/tcp/p80")).isEqualTo(first.services().get("ns/" + names[0] + "/tcp/p80"));
    }
}
