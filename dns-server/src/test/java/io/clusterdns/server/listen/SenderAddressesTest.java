package io.clusterdns.server.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.SocketAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SenderAddressesTest {
    final SenderAddresses senders = new SenderAddresses();

    /** The same address as parsing it every time, the first time and from memory. */
    @ParameterizedTest
    @CsvSource({
            "10.244.1.5, 10.244.1.5",
            "::ffff:10.244.1.5, 10.244.1.5",      // IPv4-mapped, as a dual-stack socket reports IPv4 clients
            "0:0:0:0:0:0:0:1%0, 0:0:0:0:0:0:0:1", // the epoll transport's scope suffix
            "fd00:10:244:0:0:0:1:5, fd00:10:244:0:0:0:1:5",
    })
    void asParsedEachTime(String host, String address) {
        for (int port : new int[] {40000, 40001}) {
            InetSocketAddress a = senders.of(SocketAddress.inetSocketAddress(port, host));

            assertThat(a.getAddress().getHostAddress()).isEqualTo(address);
            assertThat(a.getPort()).isEqualTo(port);
            assertThat(a).isEqualTo(ListenerVerticle.client(SocketAddress.inetSocketAddress(port, host)));
        }
        assertThat(senders.size()).isEqualTo(1);
    }

    @Test
    void remembersAtMostMaxSenders() {
        for (int i = 0; i < SenderAddresses.MAX * 3; i++) {
            senders.of(SocketAddress.inetSocketAddress(53, "10.244." + (i >> 8) + "." + (i & 255)));
            assertThat(senders.size()).isLessThanOrEqualTo(SenderAddresses.MAX);
        }
        assertThat(senders.of(SocketAddress.inetSocketAddress(53, "10.244.0.7")).getAddress().getHostAddress()).isEqualTo("10.244.0.7");
    }
}
