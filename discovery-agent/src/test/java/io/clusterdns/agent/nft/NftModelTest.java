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
