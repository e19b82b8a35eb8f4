package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.ChildProcess;
import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.NetNamespaces;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubeadm's Corefile as a coredns pod runs it: the shaded jar started with
 * {@code -conf Corefile} in a network namespace of its own, listening on :53, probes on :8080 and
 * :8181, metrics on :9153, and {@code forward . /etc/resolv.conf} reading a resolv.conf that names
 * a real upstream (dnsmasq) in a second namespace, where a pod's glibc resolver (the pod's
 * resolv.conf: the cluster search path and {@code ndots:5}) asks the server.
 *
 * <pre>
 *   namespace "dns"  10.53.0.1/24  dns-server -conf kubeadm.Corefile      resolv.conf: nameserver 10.53.0.2
 *        | veth
 *   namespace "pod"  10.53.0.2/24  dnsmasq :53 (www.example.com)          resolv.conf: nameserver 10.53.0.1,
 *                                  getent ahosts ...                                   search default.svc.cluster.local ..., ndots:5
 * </pre>
 *
 * The Corefile is the kubeadm one, word for word, with one line added inside the kubernetes block:
 * {@code manifests k8s/examples}, standing in for the API server the pod's service account would
 * reach. Needs root and {@code ip netns}; skips otherwise, fails under
 * CLUSTERDNS_REQUIRE_PRIVILEGED=1. Nothing is done in the root namespace.
 */
class KubeadmCorefileIT {
    static final Path EXAMPLES = Path.of("../k8s/examples").toAbsolutePath().normalize();
    static final String SERVER_IP = "10.53.0.1";
    static final String UPSTREAM_IP = "10.53.0.2";

    @TempDir
    Path dir;

    PodNetwork network;
    ChildProcess server;

    /** kubeadm's Corefile (the test resource, also checked against k8s/deploy) with {@code manifests PATH} added to its kubernetes block. */
    static String kubeadmCorefile(Path manifests) throws IOException {
        String corefile;
        try (InputStream in = KubeadmCorefileIT.class.getResourceAsStream("/corefiles/kubeadm.Corefile")) {
            corefile = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String block = "kubernetes cluster.local in-addr.arpa ip6.arpa {\n";
        assertThat(corefile).contains(block);
        return corefile.replace(block, block + "       manifests " + manifests + "\n");
    }

    @BeforeEach
    void startUpstreamAndServer() throws Exception {
        network = new PodNetwork("kubeadm", SERVER_IP, UPSTREAM_IP, "ndots:5");
        network.startUpstream(dir, "192.0.2.1 www.example.com\n2001:db8::1 www.example.com\n", "--local=/example.com/");
        Path corefile = Files.writeString(dir.resolve("Corefile"), kubeadmCorefile(EXAMPLES));
        server = network.startServer(dir, corefile);
    }

    @AfterEach
    void stopEverything() {
        if (network != null) {
            network.close();
        }
    }

    @Test
    void aPodResolvesClusterAndExternalNamesThroughKubeadmsCorefile() {
        Commands.Result service = NetNamespaces.exec(network.podNs, "getent", "ahosts", "web");
        Commands.Result otherNamespace = NetNamespaces.exec(network.podNs, "getent", "hosts", "kube-dns.kube-system");
        Commands.Result external = NetNamespaces.exec(network.podNs, "getent", "ahosts", "www.example.com");
        Commands.Result externalAgain = NetNamespaces.exec(network.podNs, "getent", "ahosts", "www.example.com");
        Commands.Result missing = NetNamespaces.exec(network.podNs, "getent", "hosts", "nope.example.com");

        assertThat(service.output()).as(server.log()).contains("10.96.45.100    STREAM web.default.svc.cluster.local");
        assertThat(otherNamespace.output()).startsWith("10.96.0.10");
        assertThat(external.output()).as(server.log()).contains("STREAM www.example.com", "192.0.2.1 ", "2001:db8::1 ");
        assertThat(externalAgain.output()).contains("STREAM www.example.com", "192.0.2.1 ", "2001:db8::1 ");
        assertThat(missing.exitCode()).as("NXDOMAIN from the upstream: not found").isEqualTo(2);

        Scrape metrics = new Scrape(network.serverGet(9153, "/metrics"));
        String upstreamTo = UPSTREAM_IP + ":53";
        assertThat(metrics.value("coredns_proxy_request_duration_seconds_count",
                Map.of("proxy_name", "forward", "rcode", "NOERROR", "to", upstreamTo))).as("answers from the upstream").isPositive();
        assertThat(metrics.value("coredns_cache_hits_total", Map.of("server", "dns://:53", "type", "success", "view", "", "zones", ".")))
                .as("the second lookup of www.example.com came from the cache").isPositive();
        assertThat(metrics.value("coredns_dns_requests_total",
                Map.of("server", "dns://:53", "zone", ".", "view", "", "proto", "udp", "family", "1", "type", "A"))).isPositive();
        for (String plugin : List.of("cache", "errors", "forward", "kubernetes", "loadbalance", "loop", "prometheus")) {
            assertThat(metrics.value("coredns_plugin_enabled", Map.of("server", "dns://:53", "zone", ".", "view", "", "name", plugin)))
                    .as("coredns_plugin_enabled %s", plugin).isEqualTo(1);
        }
        assertThat(network.serverGet(8080, "/health")).isEqualTo("OK");
        assertThat(network.serverGet(8181, "/ready")).isEqualTo("OK");

        assertThat(server.stop()).as("stops on SIGTERM after kubeadm's 5 s lameduck").isTrue();
        assertThat(server.log()).contains("dns-server on [::]:53 stopped").doesNotContain("ERROR");
    }
}
