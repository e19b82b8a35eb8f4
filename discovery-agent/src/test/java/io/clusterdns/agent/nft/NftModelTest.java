package io.clusterdns.agent.nft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Element claims: two service ports wanting one map key never break the transaction. */
class NftModelTest {
    static Fragment owner(String owner, String chain) {
        return new Fragment(owner, List.of(new ChainDef(chain, null, List.of(Rule.of(new Expr.Drop())))), List.of(),
                List.of(new Element(Names.SERVICE_IPS, List.of("192.0.2.5", "tcp", "80"), new Expr.Goto(chain), null)));
    }

    @Test
    void theFirstOwnerWinsAndTheNextTakesOverWhenItLeaves() {
        Fragment base = new Fragment(Fragment.BASE_OWNER, List.of(), List.of(ContainerDef.verdictMap(Names.SERVICE_IPS, "x", null)), List.of());
        NftModel both = NftModel.of(Family.IP, base, List.of(owner("a/one/tcp/", "chain-a"), owner("b/two/tcp/", "chain-b")));
        NftModel.ElementKey key = new NftModel.ElementKey(Names.SERVICE_IPS, "192.0.2.5 . tcp . 80");
        assertThat(both.element(key).value()).isEqualTo(new Expr.Goto("chain-a"));
        assertThat(both.elementCount()).isEqualTo(1);
        assertThat(both.chainCount()).isEqualTo(2);

        Map<String, Fragment> removeA = new HashMap<>();
        removeA.put("a/one/tcp/", null);
        NftModel onlyB = both.with(null, removeA);
        assertThat(onlyB.element(key).value()).isEqualTo(new Expr.Goto("chain-b"));
        String diff = NftScripts.diff(both, onlyB).script();
        assertThat(diff).contains("flush chain ip clusterdns chain-a\n",
                "delete element ip clusterdns service-ips { 192.0.2.5 . tcp . 80 }\n",
                "add element ip clusterdns service-ips { 192.0.2.5 . tcp . 80 : goto chain-b }\n");
        assertThat(diff.indexOf("delete element")).isLessThan(diff.indexOf("add element"));
    }

    /** A service's own map is indexed per container: lookups, counts, iteration and diffs see it as any element. */
    @Test
    void aServicesOwnMapIsIndexedPerContainerAndReadsAsEveryOtherElement() {
        Fragment base = new Fragment(Fragment.BASE_OWNER, List.of(), List.of(ContainerDef.verdictMap(Names.SERVICE_IPS, "x", null)), List.of());
        NftModel v1 = NftModel.of(Family.IP, base, List.of(tableOwner(1, 0), tableOwner(2, 0)));
        assertThat(v1.elementCount()).isEqualTo(2 * 4094);
        assertThat(v1.elementClaims()).hasSize(2 * 4094);
        assertThat(v1.elementClaims().values()).hasSize(2 * 4094);
        NftModel.ElementKey slot7 = new NftModel.ElementKey("maglev-1", "7");
        assertThat(v1.element(slot7).value()).isEqualTo(new Expr.Goto("endpoint-1-2"));
        assertThat(v1.elementClaims().get(slot7)).hasSize(1);
        assertThat(v1.elementClaims().keySet()).contains(slot7, new NftModel.ElementKey(Names.SERVICE_IPS, "10.96.0.1 . tcp . 80"));

        // version 7: slots s with s % 25 == 7 move; one endpoint's shared element stays
        NftModel v2 = v1.with(null, Map.of(tableOwner(1, 7).owner(), tableOwner(1, 7)));
        assertThat(v2.element(slot7).value()).isEqualTo(new Expr.Goto("endpoint-1-4"));
        assertThat(v1.element(slot7).value()).as("the old version is unchanged").isEqualTo(new Expr.Goto("endpoint-1-2"));
        assertThat(v2.elementCount()).isEqualTo(2 * 4094);
        String diff = NftScripts.diff(v1, v2).script();
        assertThat(diff.split(" : goto ", -1).length - 1).as("slots rewritten").isEqualTo(4093 / 25 + 1 - (int) java.util.stream.IntStream
                .range(0, 4093).filter(x -> x % 25 == 7 && (x + 7) % 5 == x % 5).count());

        Map<String, Fragment> remove = new HashMap<>();
        remove.put(tableOwner(1, 0).owner(), null);
        NftModel v3 = v2.with(null, remove);
        assertThat(v3.element(slot7)).isNull();
        assertThat(v3.elementCount()).isEqualTo(4094);
        assertThat(NftScripts.diff(v2, v3).script()).contains("delete map ip clusterdns maglev-1");
    }

    /**
     * The cost of one service's change to the model when every service has a lookup table (README
     * "What M costs"): 200 service ports × 4093 slot elements, one of them re-rendered with ~4 % of
     * its slots moved, median and p90 of 40 {@link NftModel#with} calls. A figure, not a timed
     * assertion: only with {@code -Dmodel.figures=true}.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "model.figures", matches = "true")
    void figures() {
        int services = 200;
        int slots = 4093;
        Fragment base = new Fragment(Fragment.BASE_OWNER, List.of(), List.of(ContainerDef.verdictMap(Names.SERVICE_IPS, "x", null)), List.of());
        List<Fragment> all = new java.util.ArrayList<>();
        for (int i = 0; i < services; i++) {
            all.add(tableOwner(i, 0));
        }
        NftModel model = NftModel.of(Family.IP, base, all);
        long[] nanos = new long[60];
        for (int round = 0; round < nanos.length; round++) {
            Fragment changed = tableOwner(round % services, round + 1);
            long t0 = System.nanoTime();
            model = model.with(null, Map.of(changed.owner(), changed));
            nanos[round] = System.nanoTime() - t0;
        }
        long[] measured = java.util.Arrays.copyOfRange(nanos, 20, nanos.length);
        java.util.Arrays.sort(measured);
        System.out.printf("NftModel.with, one of %d services x %d slot elements changed: median %.2f ms, p90 %.2f ms (%d elements)%n",
                services, slots, measured[measured.length / 2] / 1e6, measured[measured.length * 9 / 10] / 1e6, model.elementCount());
    }

    /** Service i's fragment: a slot map of 4093 elements over 5 endpoint chains, ~4 % of them moved per version. */
    static Fragment tableOwner(int i, int version) {
        String owner = "ns/svc-" + i + "/tcp/http";
        String map = "maglev-" + i;
        List<Element> elements = new java.util.ArrayList<>();
        elements.add(new Element(Names.SERVICE_IPS, List.of("10.96.0." + i, "tcp", "80"), new Expr.Goto("service-" + i), null));
        for (int s = 0; s < 4093; s++) {
            int endpoint = (s % 25 == version % 25 ? s + version : s) % 5;
            elements.add(new Element(map, List.of(Integer.toString(s)), new Expr.Goto("endpoint-" + i + "-" + endpoint), null));
        }
        return new Fragment(owner, List.of(new ChainDef("service-" + i, null, List.of(Rule.of(new Expr.Drop())))),
                List.of(ContainerDef.slotMap(map, null)), elements);
    }

    @Test
    void kernelInventoryReadsOnlyOurTable() {
        String chains = """
                table ip kube-proxy {
                	chain services {
                	}
                }
                table ip clusterdns {
                	chain nat-output {
                		type nat hook output priority -100; policy accept;
                	}
                	chain service-ULMVA6XW-ns1/svc1/tcp/p80 {
                	}
                }
                """;
        String sets = "table ip clusterdns {\n\tset cluster-ips {\n\t\ttype ipv4_addr\n\t}\n}\n";
        KernelInventory inv = KernelInventory.parse(Family.IP, chains, sets);
        assertThat(inv.tableExists()).isTrue();
        assertThat(inv.chains()).containsExactlyInAnyOrder("nat-output", "service-ULMVA6XW-ns1/svc1/tcp/p80");
        assertThat(inv.sets()).containsExactly("cluster-ips");
        assertThat(KernelInventory.parse(Family.IP6, chains, sets).tableExists()).isFalse();
    }
}
