package io.clusterdns.server;

import org.junit.jupiter.api.Assumptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.DatagramSocket;
import java.net.InetAddress;
import io.clusterdns.k8s.testing.Await;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.ApiValidManifests;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
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
 * Servers started from a Corefile, as the coredns Deployment starts them: the kubernetes block on
 * manifests, the HTTP plugins, and reloads (applied by hand here; the reload plugin's timer only
 * decides when).
 */
class CorefileServerTest {
    @TempDir
    Path dir;

    Path corefile(String text) throws Exception {
        return Files.writeString(dir.resolve("Corefile"), text);
    }

    static String block(Path manifests, String ttl) {
        return """
                .:0 {
                    errors
                    health 127.0.0.1:0
                    ready 127.0.0.1:0
                    kubernetes cluster.local in-addr.arpa ip6.arpa {
                        manifests %s
                        ttl %s
                        fallthrough in-addr.arpa ip6.arpa
                    }
                    prometheus 127.0.0.1:0
                    loadbalance
                }
                """.formatted(manifests, ttl);
    }

    static CorefileSource source(Path file) {
        return new CorefileSource(file, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 2);
    }

    static List<String> answers(UdpClient client, int id, String name) {
        Message m = client.exchange(Wire.query(id, name, Type.A));
        return Wire.texts(m, Section.ANSWER);
    }

    @Test
    void servesTheClusterZoneFromAKubeadmStyleBlock() throws Exception {
        Path manifests = ApiValidManifests.write(dir.resolve("m"));
        try (DnsServer server = DnsServerMain.start(source(corefile(block(manifests, "30"))));
             UdpClient client = new UdpClient(server.port())) {
            assertThat(answers(client, 1, "web.shop.svc.cluster.local.")).containsExactly("web.shop.svc.cluster.local. 30 A "
                    + ApiValidManifests.WEB_IP);
            assertThat(client.exchange(Wire.query(2, "nope.shop.svc.cluster.local.", Type.A)).getRcode()).isEqualTo(Rcode.NXDOMAIN);
            // reverse names of addresses that are not the cluster's fall through; nothing follows: SERVFAIL as CoreDNS
            assertThat(client.exchange(Wire.query(3, "1.0.0.127.in-addr.arpa.", Type.PTR)).getRcode()).isEqualTo(Rcode.SERVFAIL);
            assertThat(Http.get(server.readyAddress().orElseThrow(), "/ready").status()).isEqualTo(200);
            assertThat(Http.get(server.healthAddress().orElseThrow(), "/health").body()).isEqualTo("OK");
            Scrape s = new Scrape(Http.get(server.metricsAddress().orElseThrow(), "/metrics").body());
            assertThat(s.value("coredns_plugin_enabled", Map.of("server", "dns://:" + server.port(), "zone", ".", "view", "",
                    "name", "kubernetes"))).isEqualTo(1);
        }
    }

    @Test
    void aReloadAppliesAChangedCorefileAndKeepsTheRunningOneOnABrokenEdit() throws Exception {
        Path manifests = ApiValidManifests.write(dir.resolve("m"));
        Path file = corefile(block(manifests, "30"));
        CorefileSource source = source(file);
        try (DnsServer server = DnsServerMain.start(source); UdpClient client = new UdpClient(server.port())) {
            int port = server.port();
            Files.writeString(file, block(manifests, "60"));
            server.reload(source::read);
            assertThat(answers(client, 1, "web.shop.svc.cluster.local.")).containsExactly("web.shop.svc.cluster.local. 60 A "
                    + ApiValidManifests.WEB_IP);
            assertThat(server.port()).as("the listeners were kept").isEqualTo(port);

            Files.writeString(file, block(manifests, "lots"));
            server.reload(source::read);
            server.reload(source::read);
            assertThat(answers(client, 2, "web.shop.svc.cluster.local.")).as("the running configuration keeps serving")
                    .containsExactly("web.shop.svc.cluster.local. 60 A " + ApiValidManifests.WEB_IP);
            assertThat(new Scrape(server.scrape()).value("coredns_reload_failed_total", Map.of())).as("counted once").isEqualTo(1);

            Files.writeString(file, block(manifests, "5"));
            server.reload(source::read);
            assertThat(answers(client, 3, "web.shop.svc.cluster.local.")).containsExactly("web.shop.svc.cluster.local. 5 A "
                    + ApiValidManifests.WEB_IP);
        }
    }

    /**
     * A reload that points the kubernetes block at another source makes a new backend: the cluster
     * gauges follow it (before, the old backend kept the names and the series went on describing
     * the source the reload closed), and a second source in the Corefile leaves them on the first.
     */
    @Test
    void theClusterGaugesFollowTheSourceAReloadSwitchesTo() throws Exception {
        Path first = ApiValidManifests.write(dir.resolve("m"));
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("svc.yaml"), """
                apiVersion: v1
                kind: Service
                metadata:
                  name: lone
                  namespace: solo
                spec:
                  clusterIP: 10.96.7.7
                  ports:
                  - port: 80
                """);
        Path file = corefile(block(first, "30"));
        CorefileSource source = source(file);
        try (DnsServer server = DnsServerMain.start(source); UdpClient client = new UdpClient(server.port())) {
            double before = new Scrape(server.scrape()).value("clusterdns_cluster_objects", Map.of("kind", "services"));
            assertThat(before).isGreaterThan(1);

            Files.writeString(file, block(other, "30"));
            server.reload(source::read);
            assertThat(answers(client, 1, "lone.solo.svc.cluster.local.")).containsExactly("lone.solo.svc.cluster.local. 30 A 10.96.7.7");
            Scrape after = new Scrape(server.scrape());
            assertThat(after.value("clusterdns_cluster_objects", Map.of("kind", "services"))).isEqualTo(1);
            assertThat(after.value("clusterdns_source_objects", Map.of("kind", "services"))).isEqualTo(1);
            assertThat(after.value("clusterdns_source_healthy", Map.of())).isEqualTo(1);

            // two sources: the first block's describes the cluster
            Files.writeString(file, block(first, "30") + """
                    other.local.:0 {
                        kubernetes other.local {
                            manifests %s
                        }
                    }
                    """.formatted(other));
            server.reload(source::read);
            Scrape two = new Scrape(server.scrape());
            assertThat(two.value("clusterdns_cluster_objects", Map.of("kind", "services"))).isEqualTo(before);
            assertThat(two.samples("clusterdns_snapshot_version")).hasSize(1);
            assertThat((double) server.source().current().services().size()).as("the first block's source, made after the other")
                    .isEqualTo(before);

            // the same two sources, the blocks swapped: both backends are kept, in the new order
            Files.writeString(file, block(other, "30") + """
                    other.local.:0 {
                        kubernetes other.local {
                            manifests %s
                        }
                    }
                    """.formatted(first));
            server.reload(source::read);
            assertThat(new Scrape(server.scrape()).value("clusterdns_cluster_objects", Map.of("kind", "services"))).isEqualTo(1);
            assertThat(server.source().current().services()).as("the first block's source").hasSize(1);
        }
    }

    static String cached(Path manifests, String extra, String cacheLine) {
        return """
                .:0 {
                    %s
                    kubernetes cluster.local {
                        manifests %s
                    }
                    %s
                }
                """.formatted(extra, manifests, cacheLine);
    }

    /**
     * The names are the hosts plugin's (a block with hosts has no fast path, and its cache holds
     * every answer, as CoreDNS's): in a block the fast path serves, cluster names never reach the
     * cache (DnsServerCacheTest).
     */
    @Test
    void theCacheKeepsItsEntriesAcrossAReloadThatLeavesItsLineAlone() throws Exception {
        Path manifests = ApiValidManifests.write(dir.resolve("m"));
        String hosts = "hosts {\n        10.5.5.5 myhost.corp\n        fallthrough\n    }";
        Path file = corefile(cached(manifests, hosts, "cache 30"));
        CorefileSource source = source(file);
        try (DnsServer server = DnsServerMain.start(source); UdpClient client = new UdpClient(server.port())) {
            Map<String, String> labels = DnsServerMetricsTest.labels("server", "dns://:" + server.port(), "view", "", "zones", ".");
            assertThat(answers(client, 1, "myhost.corp.")).containsExactly("myhost.corp. 30 A 10.5.5.5");

            Files.writeString(file, cached(manifests, "errors\n    " + hosts, "cache 30"));
            server.reload(source::read);
            answers(client, 2, "myhost.corp.");
            Scrape s = new Scrape(server.scrape());
            assertThat(s.value("coredns_cache_misses_total", labels)).as("only the first query missed").isEqualTo(1);
            assertThat(s.value("coredns_cache_hits_total",
                    DnsServerMetricsTest.labels("server", "dns://:" + server.port(), "type", "success", "view", "", "zones", "."))).isEqualTo(1);
            assertThat(s.value("coredns_plugin_enabled", Map.of("server", "dns://:" + server.port(), "zone", ".", "view", "",
                    "name", "errors"))).as("the reload was applied").isEqualTo(1);

            Files.writeString(file, cached(manifests, "errors\n    " + hosts, "cache 60"));
            server.reload(source::read);
            answers(client, 3, "myhost.corp.");
            assertThat(new Scrape(server.scrape()).value("coredns_cache_misses_total", labels))
                    .as("a changed cache line starts empty").isEqualTo(2);
        }
    }

    /**
     * A reload that changes a plugin after the cache (here an inline hosts entry) empties it: the
     * cached answer came from the old setup. CoreDNS empties it on every reload; clusterdns only
     * when what it holds may have changed (the test above keeps it).
     */
    @Test
    void theCacheStartsEmptyWhenAPluginAfterItChanged() throws Exception {
        Path manifests = ApiValidManifests.write(dir.resolve("m"));
        String hosts = "hosts {\n        %s myhost.corp\n        fallthrough\n    }";
        Path file = corefile(cached(manifests, hosts.formatted("10.5.5.5"), "cache 30"));
        CorefileSource source = source(file);
        try (DnsServer server = DnsServerMain.start(source); UdpClient client = new UdpClient(server.port())) {
            assertThat(answers(client, 1, "myhost.corp.")).containsExactly("myhost.corp. 30 A 10.5.5.5");

            Files.writeString(file, cached(manifests, hosts.formatted("10.6.6.6"), "cache 30"));
            server.reload(source::read);
            assertThat(answers(client, 2, "myhost.corp.")).containsExactly("myhost.corp. 30 A 10.6.6.6");
        }
    }

    /** kubeadm's {@code health} binds every address ({@code ::}); its once-a-second self-check must reach it. */
    @Test
    void theHealthSelfCheckReachesAWildcardListener() throws Exception {
        Path manifests = ApiValidManifests.write(dir.resolve("m"));
        Path file = corefile("""
                .:0 {
                    health :0
                    kubernetes cluster.local {
                        manifests %s
                    }
                }
                """.formatted(manifests));
        try (DnsServer server = DnsServerMain.start(source(file))) {
            Await.until("two health self-checks", () -> new Scrape(server.scrape()),
                    s -> s.value("coredns_health_request_duration_seconds_count", Map.of()) >= 2);
            assertThat(new Scrape(server.scrape()).value("coredns_health_request_failures_total", Map.of())).isZero();
        }
    }

    /** The reload plugin's own timer: an edit is picked up by itself, and the running Corefile's hash is exported. */
    @Test
    void theReloadPluginPicksUpAnEditByItself() throws Exception {
        Path manifests = ApiValidManifests.write(dir.resolve("m"));
        Path file = corefile(block(manifests, "30").replace("    loadbalance\n", "    loadbalance\n    reload 2s 0\n"));
        try (DnsServer server = DnsServerMain.start(source(file)); UdpClient client = new UdpClient(server.port())) {
            assertThat(answers(client, 1, "web.shop.svc.cluster.local.")).containsExactly("web.shop.svc.cluster.local. 30 A "
                    + ApiValidManifests.WEB_IP);
            String before = server.plan().digest();

            Files.writeString(file, block(manifests, "60").replace("    loadbalance\n", "    loadbalance\n    reload 2s 0\n"));

            // the new routers answer a moment before the reload's bookkeeping is done: wait for both
            Await.until("the edit applied by the reload plugin", () -> server.plan().digest(), d -> !d.equals(before));
            assertThat(answers(client, 2, "web.shop.svc.cluster.local.")).containsExactly("web.shop.svc.cluster.local. 60 A "
                    + ApiValidManifests.WEB_IP);
            assertThat(new Scrape(server.scrape()).value("coredns_reload_version_info",
                    Map.of("hash", "sha512", "value", server.plan().digest()))).isEqualTo(1);
        }
    }

    /** An IPv6 client over UDP is logged and counted as itself ({@code [::1]}, family 2), not as 127.0.0.1. */
    @Test
    void anIpv6UdpClientIsLoggedAndCountedAsIpv6() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        Assumptions.assumeTrue(hasIpv6Loopback(v6), "this machine has no ::1");
        Path manifests = ApiValidManifests.write(dir.resolve("m"));
        try (DnsServer server = DnsServerMain.start(source(corefile(block(manifests, "30"))));
             UdpClient client = new UdpClient(v6, server.port())) {
            assertThat(client.exchange(Wire.query(1, "web.shop.svc.cluster.local.", Type.A)).getRcode()).isEqualTo(Rcode.NOERROR);
            // counted once the response is written, a moment after the client may have read it
            Scrape s = Await.until("the query counted", () -> new Scrape(server.scrape()),
                    sc -> !sc.samples("coredns_dns_requests_total").isEmpty());
            assertThat(s.samples("coredns_dns_requests_total")).singleElement().satisfies(sample -> {
                assertThat(sample.labels()).containsEntry("family", "2").containsEntry("proto", "udp");
                assertThat(sample.value()).isEqualTo(1);
            });
        }
    }

    private static boolean hasIpv6Loopback(InetAddress v6) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(v6, 0))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
