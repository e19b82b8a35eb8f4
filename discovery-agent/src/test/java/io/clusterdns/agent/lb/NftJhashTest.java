package io.clusterdns.agent.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link NftJhash} is the kernel's jhash: lookup3's published vectors, and slots read back from a kernel. */
class NftJhashTest {
    @Test
    void lookup3TestVectors() {
        // Bob Jenkins' lookup3.c driver5(): the kernel's jhash() is hashlittle() on little-endian words
        byte[] text = "Four score and seven years ago".getBytes(StandardCharsets.US_ASCII);
        assertThat(NftJhash.jhash(text, 0)).isEqualTo(0x17770551);
        assertThat(NftJhash.jhash(text, 1)).isEqualTo(0xcd628161);
        assertThat(NftJhash.jhash(new byte[0], 0)).isEqualTo(0xdeadbeef);
    }

    @Test
    void slotsTheKernelComputed() throws Exception {
        // recorded on Linux 6.18 in a scratch namespace: `udp dport 80 ct mark set jhash ip saddr . ip daddr
        // . meta l4proto . th sport . th dport mod 4093 seed 0x5eed` (and `jhash ip saddr` for dport 81),
        // one datagram 127.0.0.1:sport -> 127.0.0.1:80 per source port, marks read with `conntrack -L`
        Inet4Address lo = (Inet4Address) InetAddress.getByName("127.0.0.1");
        int[] expected = {3224, 3375, 1170, 688, 2445};
        for (int i = 0; i < expected.length; i++) {
            assertThat(NftJhash.fiveTupleSlot(lo, lo, 17, 20000 + i, 80, 0x5eed, 4093)).as("sport %d", 20000 + i).isEqualTo(expected[i]);
        }
        assertThat(NftJhash.sourceSlot(lo, 0x5eed, 4093)).isEqualTo(2426);
    }

    @Test
    void reciprocalScaleUsesTheHighBits() {
        assertThat(NftJhash.scale(0, 4093)).isZero();
        assertThat(NftJhash.scale(-1, 4093)).isEqualTo(4092);
        assertThat(NftJhash.scale(0x80000000, 4093)).isEqualTo(2046);
    }
}
