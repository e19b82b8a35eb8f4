package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.ApiValidManifests;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.server.plan.CorefileSource;
import io.clusterdns.server.plan.ServerPlan;
import io.clusterdns.server.plugin.forward.Dnsmasq;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * k3s's default Corefile served over sockets: the node names of {@code NodeHosts} (the hosts
 * plugin, before the cluster zone and falling through to it), the cluster names, the
 * {@code custom/*.override} and {@code custom/*.server} imports, and an edit of NodeHosts
 * answered without a restart.
 *
 * <p>Only what cannot run unprivileged here is changed: ports (the listener and the HTTP plugins
 * on free ports of 127.0.0.1), the upstream ({@code forward . IP:PORT}: dnsmasq on 127.0.0.6, as
 * resolv.conf nameserver lines have no port), {@code /etc/coredns/} (a temporary folder),
 * {@code manifests} in the kubernetes block in place of the service account, and the hosts
 * reload interval (15s → 100ms, so the test does not wait for it).
 */
class K3sCorefileTest {
    @TempDir
    static Path dir;
    static Dnsmasq upstream;

    @BeforeAll
    static void startUpstream() {
        upstream = Dnsmasq.start(dir, "127.0.0.6", "192.0.2.1 www.example.com\n", "--local=/example.com/");
    }

    @AfterAll
    static void stopUpstream() {
        if (upstream != null) {
            upstream.close();
        }
    }

    static String corefile(Path etc, Path manifests) throws Exception {
        String text;
        try (InputStream in = K3sCorefileTest.class.getResourceAsStream("/corefiles/k3s.Corefile")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        text = text.replace(".:53 {", ".:0 {")
                .replace("    health\n", "    health 127.0.0.1:0\n")
                .replace("    ready\n", "    ready 127.0.0.1:0\n")
                .replace("prometheus :9153", "prometheus 127.0.0.1:0")
                .replace("forward . /etc/resolv.conf", "forward . " + upstream.target())
                .replace("      pods insecure\n", "      pods insecure\n      manifests " + manifests + "\n")
                .replace("      reload 15s\n", "      reload 100ms\n")
                .replace("/etc/coredns/", etc + "/");
        assertThat(text).doesNotContain(".:53 {", ":9153\n", "/etc/", "reload 15s").contains("manifests", "reload 100ms");
        return text;
    }

    static Message ask(UdpClient udp, int id, String name, int type) {
        return udp.exchange(Wire.query(id, name, type));
    }

    @Test
    void nodeHostsAnswerBeforeTheClusterZoneAndAnEditIsPickedUpWithoutARestart() throws Exception {
        Path etc = Files.createDirectories(dir.resolve("etc-coredns"));
        Path nodeHosts = Files.writeString(etc.resolve("NodeHosts"), "192.168.1.10 server-0\n192.168.1.11 agent-0\n");
        Files.createDirectories(etc.resolve("custom"));
        Files.writeString(etc.resolve("custom/log.override"), "log\n");
        Files.writeString(etc.resolve("custom/lab.server"), "lab.test:0 {\n    hosts {\n        10.9.0.1 printer.lab.test\n    }\n}\n");
        Path manifests = ApiValidManifests.write(dir.resolve("manifests"));
        Path file = Files.writeString(etc.resolve("Corefile"), corefile(etc, manifests));

        CorefileSource source = new CorefileSource(file, Map.of(), 53, ServerPlan.DEFAULT_TCP_IDLE_TIMEOUT, 2);
        try (DnsServer server = DnsServerMain.start(source); UdpClient udp = new UdpClient(server.port())) {
            // hosts' ttl 60, capped by cache 30
            Message node = ask(udp, 1, "server-0.", Type.A);
            assertThat(Wire.texts(node, Section.ANSWER)).containsExactly("server-0. 30 A 192.168.1.10");
            assertThat(node.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(Wire.texts(ask(udp, 2, "11.1.168.192.in-addr.arpa.", Type.PTR), Section.ANSWER))
                    .containsExactly("11.1.168.192.in-addr.arpa. 30 PTR agent-0.");
            Message nodata = ask(udp, 3, "agent-0.", Type.AAAA);
            assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
            assertThat(Wire.texts(ask(udp, 4, "web.shop.svc.cluster.local.", Type.A), Section.ANSWER))
                    .as("not in NodeHosts: on to the kubernetes plugin").containsExactly("web.shop.svc.cluster.local. 5 A "
                            + ApiValidManifests.WEB_IP);
            assertThat(Wire.texts(ask(udp, 5, "www.example.com.", Type.A), Section.ANSWER)).as("on to forward")
                    .singleElement().asString().endsWith(" A 192.0.2.1");
            assertThat(Wire.texts(ask(udp, 6, "printer.lab.test.", Type.A), Section.ANSWER)).as("the custom .server block")
                    .containsExactly("printer.lab.test. 3600 A 10.9.0.1");

            String hostsfile = nodeHosts.toString();
            Scrape before = new Scrape(server.scrape());
            assertThat(before.value("coredns_hosts_entries", Map.of("hostsfile", hostsfile))).as("2 addresses, 2 reverse names")
                    .isEqualTo(4);
            assertThat(before.value("coredns_plugin_enabled", Map.of("server", "dns://:" + server.port(), "zone", ".", "view", "",
                    "name", "log"))).as("the .override joined the block").isEqualTo(1);

            // as the kubelet updates a ConfigMap volume: the new content appears at once, whole
            Path next = Files.writeString(etc.resolve("NodeHosts.next"), "192.168.1.10 server-0\n192.168.1.11 agent-0\n"
                    + "192.168.1.12 agent-1\n");
            Files.move(next, nodeHosts, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

            // a scrape reads one gauge after the other: the count and the timestamp of one read may land in two scrapes
            double modified = Files.getLastModifiedTime(nodeHosts).to(TimeUnit.NANOSECONDS) / 1e9;
            Await.until("the edited NodeHosts read", () -> new Scrape(server.scrape()),
                    s -> s.value("coredns_hosts_entries", Map.of("hostsfile", hostsfile)) == 6
                            && s.value("coredns_hosts_reload_timestamp_seconds", Map.of()) == modified);
            assertThat(Wire.texts(ask(udp, 7, "agent-1.", Type.A), Section.ANSWER)).containsExactly("agent-1. 30 A 192.168.1.12");
            assertThat(Wire.texts(ask(udp, 8, "server-0.", Type.A), Section.ANSWER)).containsExactly("server-0. 30 A 192.168.1.10");
        }
    }
}
