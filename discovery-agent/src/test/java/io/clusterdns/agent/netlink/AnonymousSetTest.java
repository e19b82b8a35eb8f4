package io.clusterdns.agent.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.nft.Expr;
import io.clusterdns.agent.nft.Family;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Anonymous sets as nft 1.0.6 sends them (expected values read from {@code nft --debug=mnl} for
 * the same rules): element order, interval ends, merging, the open last range, flags, userdata.
 */
class AnonymousSetTest {
    static String elements(AnonymousSet s) {
        StringBuilder sb = new StringBuilder();
        for (AnonymousSet.Elem e : s.elements()) {
            sb.append(HexFormat.of().formatHex(e.key())).append(e.intervalEnd() ? " end" : "").append(e.openEnd() ? " open" : "").append('\n');
        }
        return sb.toString();
    }

    @Test
    void adjacentPrefixesMergeIntoOneRangeAfterALeadingEndAtZero() {
        // ip saddr != { 10.244.0.0/16, 10.245.0.0/16 }
        AnonymousSet s = AnonymousSet.addresses(Family.IP, Expr.Dir.SADDR, List.of("10.244.0.0/16", "10.245.0.0/16"));
        assertThat(elements(s)).isEqualTo("00000000 end\n0af40000\n0af60000 end\n");
        assertThat(s.flags()).isEqualTo(7);
        assertThat(HexFormat.of().formatHex(s.udata())).isEqualTo("0004020000000204010000000314000407000000010c00040c00000001040b000000");
    }

    @Test
    void addressesAndPrefixesAreSortedAndARangeReachingTheTopIsOpen() {
        // ip saddr != { 255.255.255.0/24, 10.0.0.0/8 }
        AnonymousSet top = AnonymousSet.addresses(Family.IP, Expr.Dir.SADDR, List.of("255.255.255.0/24", "10.0.0.0/8"));
        assertThat(elements(top)).isEqualTo("00000000 end\n0a000000\n0b000000 end\nffffff00 open\n");
        // ip saddr != { 10.1.0.0/16, 10.0.0.1 }
        AnonymousSet mixed = AnonymousSet.addresses(Family.IP, Expr.Dir.SADDR, List.of("10.1.0.0/16", "10.0.0.1"));
        assertThat(elements(mixed)).isEqualTo("00000000 end\n0a000001\n0a000002 end\n0a010000\n0a020000 end\n");
    }

    @Test
    void plainAddressesMakeAConstantSetInTheGivenOrder() {
        AnonymousSet s = AnonymousSet.addresses(Family.IP6, Expr.Dir.SADDR, List.of("2001:db8::1", "2001:db8::2"));
        assertThat(s.flags()).isEqualTo(3);
        assertThat(s.keyType()).isEqualTo(8);
        assertThat(elements(s)).isEqualTo("20010db8000000000000000000000001\n20010db8000000000000000000000002\n");
        assertThat(HexFormat.of().formatHex(s.udata())).isEqualTo("0004020000000314000407000000010c00040d000000010408000000");
    }

    @Test
    void aNumgenVerdictMapHasHostOrderKeys() {
        AnonymousSet m = AnonymousSet.numgenMap(List.of("a", "b"));
        assertThat(m.flags()).isEqualTo(0xb);
        assertThat(m.name()).isEqualTo("__map%d");
        assertThat(HexFormat.of().formatHex(m.udata())).isEqualTo("00040100000001040000000004080004010000000100060400000000");
        assertThat(elements(m)).isEqualTo("00000000\n01000000\n");
        assertThat(m.elements().get(1).verdict()).isEqualTo(new Expr.Goto("b"));
    }
}
