package io.clusterdns.server.plugin.autopath;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.ChildProcess;
import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.NetNamespaces;
import io.clusterdns.server.PodNetwork;
import io.clusterdns.server.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance: a pod's glibc resolver (the pod search path and {@code ndots:5}) asks
 * for an outside name, and with {@code autopath @kubernetes} that costs one query per address
 * family to the server instead of one per search element, counted in the server's own
 * {@code coredns_dns_requests_total}.
 *
 * <pre>
 *   namespace "dns"  10.54.0.1/24  dns-server -conf Corefile (shaded jar)   resolv.conf: nameserver 10.54.0.2
 *        | veth
 *   namespace "pod"  10.54.0.2/24  dnsmasq :53 (google-like.example)        resolv.conf: nameserver 10.54.0.1,
 *                                  getent ahosts ...                         search default.svc.cluster.local ..., ndots:5
 * </pre>
 *
 * The manifests give 10.54.0.2 to the Running pod default/client, so the server takes the
 * queries from there as that pod's. Needs root and {@code ip netns}; skips otherwise, fails under
 * CLUSTERDNS_REQUIRE_PRIVILEGED=1. Nothing is done in the root namespace; only the processes
 * started here are stopped, by their PIDs.
 */
class AutopathGlibcIT {
    static final String SERVER_IP = "10.54.0.1";
    static final String POD_IP = "10.54.0.2";
    static final String MANIFESTS = Pods.manifests(List.of("default"), "default/client=" + POD_IP);

    @TempDir
    Path dir;

    PodNetwork network;
    ChildProcess server;

    @BeforeEach
    void startUpstreamAndServer() throws Exception {
        // timeout:30 (glibc's most): a slow answer on a busy machine must not be asked again and counted twice
        network = new PodNetwork("autopath", SERVER_IP, POD_IP, "ndots:5 timeout:30");
        network.startUpstream(dir, "192.0.2.33 google-like.example\n2001:db8::33 google-like.example\n", "--local=/#/");
        Path manifests = Files.createDirectories(dir.resolve("manifests"));
        Files.writeString(manifests.resolve("client.yaml"), MANIFESTS);
        // the server's own resolv.conf has no search line: the path walked is the pod's cluster part, then the bare name
        Path corefile = Files.writeString(dir.resolve("Corefile"), """
                .:53 {
                    errors
                    autopath @kubernetes
                    kubernetes cluster.local in-addr.arpa ip6.arpa {
                        manifests %s
                        pods verified
                        fallthrough in-addr.arpa ip6.arpa
                    }
                    prometheus 127.0.0.1:9153
                    forward . /etc/resolv.conf
                    cache 30
                }
                """.formatted(manifests));
        server = network.startServer(dir, corefile);
    }

    @AfterEach
    void stopEverything() {
        if (network != null) {
            network.close();
        }
    }

    @Test
    void anOutsideNameCostsOneQueryPerFamilyInsteadOfOnePerSearchElement() {
        Scrape before = scrape();
        Commands.Result found = NetNamespaces.exec(network.podNs, "getent", "ahosts", "google-like.example");
        Scrape afterFound = scrape();
        Commands.Result missing = NetNamespaces.exec(network.podNs, "getent", "ahosts", "nope.example");
        Scrape afterMissing = scrape();

        assertThat(found.exitCode()).as(found.output() + server.log()).isZero();
        assertThat(found.output()).as("the CNAME's target is the canonical name").contains("STREAM google-like.example\n", "192.0.2.33 ",
                "2001:db8::33 ");
        assertThat(requests(afterFound, "A") - requests(before, "A")).as("A queries for google-like.example").isEqualTo(1);
        assertThat(requests(afterFound, "AAAA") - requests(before, "AAAA")).as("AAAA queries for google-like.example").isEqualTo(1);
        assertThat(successes(afterFound) - successes(before)).as("coredns_autopath_success_total").isEqualTo(2);

        // CoreDNS's documented limit, and the count without autopath's help: a name found nowhere is walked
        // by the server and then by the client, one query per search element and family
        assertThat(missing.exitCode()).as("not found").isEqualTo(2);
        assertThat(requests(afterMissing, "A") - requests(afterFound, "A")).as("A queries for nope.example").isEqualTo(4);
        assertThat(requests(afterMissing, "AAAA") - requests(afterFound, "AAAA")).as("AAAA queries for nope.example").isEqualTo(4);
        assertThat(successes(afterMissing)).isEqualTo(successes(afterFound));

        assertThat(server.stop()).as("stops on SIGTERM").isTrue();
        assertThat(server.log()).doesNotContain("ERROR");
    }

    private Scrape scrape() {
        return new Scrape(network.serverGet(9153, "/metrics"));
    }

    /** The server's requests of {@code type}, every series (before the first such query there is none: 0). */
    private static double requests(Scrape s, String type) {
        return s.samples("coredns_dns_requests_total").stream().filter(x -> type.equals(x.labels().get("type")))
                .mapToDouble(Scrape.Sample::value).sum();
    }

    private static double successes(Scrape s) {
        return s.samples("coredns_autopath_success_total").stream().mapToDouble(Scrape.Sample::value).sum();
    }

}
