package io.clusterdns.server.plugin.bind;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.testing.ApiValidManifests;
import io.clusterdns.server.DnsServer;
import io.clusterdns.server.DnsServerMain;
import io.clusterdns.server.Scrape;
import io.clusterdns.server.TcpClient;
import io.clusterdns.server.UdpClient;
import io.clusterdns.server.Wire;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@code bind} over real sockets: the same zone and port served by different blocks on different
 * loopback addresses (127/8 is all loopback on Linux), next to a block on every address.
 */
class BindServerTest {
    @TempDir
    Path dir;

    /** A port free for UDP and TCP on every address (the test binds fixed ports: blocks on one port must share it). */
    static int freePort() throws IOException {
        for (int i = 0; ; i++) {
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.setReuseAddress(false);
                tcp.bind(new InetSocketAddress(0));
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(tcp.getLocalPort()))) {
                    return udp.getLocalPort();
                } catch (IOException e) {
                    if (i > 20) {
                        throw e;
                    }
                }
            }
        }
    }

    @Test
    void eachAddressGetsItsOwnBlocksAndTheWildcardBlockTheRest() throws Exception {
        Path manifests = ApiValidManifests.write(dir.resolve("m"));
        int port = freePort();
        Path corefile = Files.writeString(dir.resolve("Corefile"), """
                cluster.local:%1$d {
                    bind 127.0.0.3
                    kubernetes cluster.local {
                        manifests %2$s
                    }
                    prometheus 127.0.0.1:0
                }
                cluster.local:%1$d {
                    bind 127.0.0.2
                }
                .:%1$d {
                    kubernetes cluster.local {
                        manifests %2$s
                        ttl 7
                    }
                }
                """.formatted(port, manifests));
        String web = "web.shop.svc.cluster.local.";
        try (DnsServer server = DnsServerMain.start(new CorefileSource(corefile, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 1));
             UdpClient one = new UdpClient(IpAddresses.parse("127.0.0.3"), port);
             UdpClient two = new UdpClient(IpAddresses.parse("127.0.0.2"), port);
             UdpClient any = new UdpClient(IpAddresses.parse("127.0.0.1"), port)) {
            assertThat(Wire.texts(one.exchange(Wire.query(1, web, Type.A)), Section.ANSWER))
                    .containsExactly(web + " 5 A " + ApiValidManifests.WEB_IP);
            // the block on 127.0.0.2 has no plugins: REFUSED, as CoreDNS; the wildcard block is not asked
            assertThat(two.exchange(Wire.query(2, web, Type.A)).getRcode()).isEqualTo(Rcode.REFUSED);
            // nothing is bound to 127.0.0.1 itself: the block on every address answers, with its own TTL (a socket on
            // every address replies from the host's primary address of the route, 127.0.0.1 on lo, which is why the
            // test asks there: see the README's note on wildcard listeners on hosts with several addresses)
            assertThat(Wire.texts(any.exchange(Wire.query(3, web, Type.A)), Section.ANSWER))
                    .containsExactly(web + " 7 A " + ApiValidManifests.WEB_IP);
            try (TcpClient tcp = new TcpClient(IpAddresses.parse("127.0.0.2"), port)) {
                assertThat(tcp.exchange(Wire.query(4, web, Type.A)).getRcode()).isEqualTo(Rcode.REFUSED);
            }
            assertThat(server.addresses()).extracting(a -> a.toString()).containsExactlyInAnyOrder(
                    "127.0.0.3:" + port, "127.0.0.2:" + port, server.addresses().get(2).toString());
            // only the block with prometheus counts (CoreDNS), under its own address
            Scrape s = new Scrape(server.scrape());
            assertThat(s.value("coredns_dns_requests_total", Map.of("server", "dns://127.0.0.3:" + port, "zone", "cluster.local.",
                    "view", "", "proto", "udp", "family", "1", "type", "A"))).isEqualTo(1);
        }
    }
}
