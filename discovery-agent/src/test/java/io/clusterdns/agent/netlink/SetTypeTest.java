package io.clusterdns.agent.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.agent.nft.ContainerDef;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent's set declarations as the kernel sees them; expected values from {@code nft --debug=mnl} (nft 1.0.6). */
class SetTypeTest {
    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void aPlainAddressSetWithAComment() {
        SetType t = SetType.of(ContainerDef.set("cluster-ips", "ipv4_addr", "Active"));
        assertThat(t.keyTypeId()).isEqualTo(7);
        assertThat(t.keyLen()).isEqualTo(4);
        assertThat(hex(t.udata("Active"))).isEqualTo("000402000000070741637469766500");
    }

    /** The fast path for canonical dotted quads writes nothing for anything else, which the general parser then judges. */
    @Test
    void addressKeysFromTheFastPathAndTheGeneralParserAgree() {
        SetType t = SetType.of(ContainerDef.set("cluster-ips", "ipv4_addr", null));
        assertThat(hex(t.key(List.of("10.0.255.1")))).isEqualTo("0a00ff01");
        assertThat(hex(t.key(List.of("0.0.0.0")))).isEqualTo("00000000");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4);
        for (String bad : List.of("256.0.0.1", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.", "01.2.3.4", "a.b.c.d", "")) {
            assertThat(SetType.dottedQuad(b, bad)).as(bad).isFalse();
            assertThat(b.position()).as("nothing written for %s", bad).isZero();
        }
        // what the fast path leaves goes to the general parser, which refuses these as before
        assertThatThrownBy(() -> t.key(List.of("256.0.0.1"))).isInstanceOf(UnsupportedShape.class);
        assertThatThrownBy(() -> t.key(List.of("010.0.0.1"))).isInstanceOf(UnsupportedShape.class);
    }

    @Test
    void concatenationsFoldTheirTypesAndPadEachComponent() {
        SetType map = SetType.of(ContainerDef.verdictMap("service-ips", "ipv4_addr . inet_proto . inet_service", "x"));
        assertThat(map.keyTypeId()).isEqualTo(0x730d);
        assertThat(map.keyLen()).isEqualTo(12);
        assertThat(hex(map.udata("x"))).isEqualTo("000400000000010400000000030800040d000000010006040000000007027800");
        assertThat(hex(map.key(List.of("10.96.0.41", "tcp", "80")))).isEqualTo("0a6000290600000000500000");
        SetType v6 = SetType.of(ContainerDef.verdictMap("sips", "ipv6_addr . inet_proto . inet_service", null));
        assertThat(v6.keyTypeId()).isEqualTo(0x830d);
        assertThat(v6.keyLen()).isEqualTo(24);
        SetType pair = SetType.of(ContainerDef.set("hp", "ipv6_addr . ipv6_addr", "hp"));
        assertThat(pair.keyTypeId()).isEqualTo(0x208);
        assertThat(hex(pair.udata("hp"))).isEqualTo("000400000000030800040d00000001000703687000");
    }

    @Test
    void theMaglevSlotMapIsKeyedByAHostOrderInteger() {
        SetType t = SetType.of(ContainerDef.slotMap("maglev-a", null));
        assertThat(t.keyTypeId()).isEqualTo(4);
        assertThat(hex(t.udata(null)))
                .isEqualTo("000401000000010400000000031a000417000000011200040000000001040200000002040000000004080004010000000100060400000000");
        assertThat(hex(t.key(List.of("1")))).isEqualTo("01000000");
    }

    /** {@code add map ip t endpoints { typeof numgen random mod 2 : ip daddr . tcp dport; }}, and with {@code udp dport}, {@code sctp dport}, then {@code comment "xy";}. */
    @Test
    void theDnatSlotMapMapsAHostOrderIntegerToAnAddressAndAPort() throws Exception {
        SetType v4 = SetType.of(ContainerDef.dnatSlotMap("dnat-slots-tcp", "ip", "tcp", null));
        assertThat(v4.keyTypeId()).isEqualTo(4);
        assertThat(v4.keyLen()).isEqualTo(4);
        assertThat(v4.dataTypeId()).isEqualTo(0x1cd);
        assertThat(v4.dataLen()).isEqualTo(8);
        String udata4 = "000401000000010400000000031a0004170000000112000401000000010402000000020400000000043400040d000000012c0014"
                + "000407000000010c00040c00000001040c0000000114000407000000010c000408000000010402000000060400000000";
        assertThat(hex(v4.udata(null))).isEqualTo(udata4);
        assertThat(hex(v4.udata("xy"))).isEqualTo(udata4 + "0703787900");
        assertThat(hex(v4.key(List.of("17")))).isEqualTo("11000000");
        assertThat(hex(v4.data(java.net.InetAddress.getByName("10.244.1.2"), 8080))).isEqualTo("0af401021f900000");

        String udp = hex(SetType.of(ContainerDef.dnatSlotMap("dnat-slots-udp", "ip", "udp", null)).udata(null));
        String sctp = hex(SetType.of(ContainerDef.dnatSlotMap("dnat-slots-sctp", "ip", "sctp", null)).udata(null));
        assertThat(udp).isEqualTo(udata4.replace("0c000408000000010402", "0c000406000000010402"));
        assertThat(sctp).isEqualTo(udata4.replace("0c000408000000010402", "0c00040a000000010402"));

        SetType v6 = SetType.of(ContainerDef.dnatSlotMap("dnat-slots-tcp", "ip6", "tcp", null));
        assertThat(v6.dataTypeId()).isEqualTo(0x20d);
        assertThat(v6.dataLen()).isEqualTo(20);
        assertThat(hex(v6.udata(null))).isEqualTo("000401000000010400000000031a0004170000000112000401000000010402000000020400000000043400040d000000012c0014"
                + "000407000000010c00040d0000000104090000000114000407000000010c000408000000010402000000060400000000");
        assertThat(hex(v6.data(java.net.InetAddress.getByName("fd00::1:2"), 8080))).isEqualTo("fd000000000000000000000000010002" + "1f900000");
    }

    @Test
    void anUnknownDeclarationIsAnUnsupportedShape() {
        assertThatThrownBy(() -> SetType.of(ContainerDef.set("x", "ether_addr", null))).isInstanceOf(UnsupportedShape.class)
                .hasMessage("no netlink encoding for set key type ether_addr");
    }
}
