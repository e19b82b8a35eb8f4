package io.clusterdns.server.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.SocketAddress;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SenderAddressesTest {
    final SenderAddresses senders = new SenderAddresses();

    /**
     * The address the TCP side makes of the same sender's text, the first time and from memory;
     * IPv6 senders built as the epoll transport reads them (scope 0 attached, mapped IPv4 kept 16 bytes).
     */
    @ParameterizedTest
    @CsvSource({
            "10.244.1.5, 10.244.1.5",
            "::ffff:10.244.1.5, 10.244.1.5",      // IPv4-mapped, as a dual-stack socket reports IPv4 clients
            "::1, 0:0:0:0:0:0:0:1",               // the epoll transport's scope suffix (%0) dropped
            "fd00:10:244:0:0:0:1:5, fd00:10:244:0:0:0:1:5",
    })
    void asTheTcpSideMakesIt(String host, String address) throws UnknownHostException {
        for (int port : new int[] {40000, 40001}) {
            InetSocketAddress a = senders.of(new InetSocketAddress(asEpollReadsIt(host), port));

            assertThat(a.getAddress().getHostAddress()).isEqualTo(address);
            assertThat(a.getPort()).isEqualTo(port);
            assertThat(a).isEqualTo(ListenerVerticle.client(SocketAddress.inetSocketAddress(port, host)));
        }
        assertThat(senders.size()).isEqualTo(host.contains(":") ? 1 : 0);
    }

    @Test
    void anIpv4SenderIsPassedOnAsItIs() throws UnknownHostException {
        InetSocketAddress sender = new InetSocketAddress(InetAddress.getByName("10.244.1.5"), 5353);

        assertThat(senders.of(sender)).isSameAs(sender);
    }

    @Test
    void remembersAtMostMaxSenders() throws UnknownHostException {
        for (int i = 0; i < SenderAddresses.MAX * 3; i++) {
            senders.of(new InetSocketAddress(asEpollReadsIt("fd00::" + Integer.toHexString(i)), 53));
            assertThat(senders.size()).isLessThanOrEqualTo(SenderAddresses.MAX);
        }
        assertThat(senders.of(new InetSocketAddress(asEpollReadsIt("fd00::7"), 53)).getAddress().getHostAddress())
                .isEqualTo("fd00:0:0:0:0:0:0:7");
    }

    /** IPv6 (mapped IPv4 included) as a 16-byte address with scope id 0, as Netty's epoll transport makes it. */
    static InetAddress asEpollReadsIt(String host) throws UnknownHostException {
        if (!host.contains(":")) {
            return InetAddress.getByName(host);
        }
        byte[] bytes = new byte[16];
        byte[] parsed = InetAddress.getByName(host).getAddress();
        if (parsed.length == 4) { // Java makes mapped addresses IPv4 at once
            bytes[10] = (byte) 0xff;
            bytes[11] = (byte) 0xff;
            System.arraycopy(parsed, 0, bytes, 12, 4);
        } else {
            bytes = parsed;
        }
        return Inet6Address.getByAddress(null, bytes, 0);
    }
}
