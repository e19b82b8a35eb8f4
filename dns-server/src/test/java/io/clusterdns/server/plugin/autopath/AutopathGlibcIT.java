package io.clusterdns.server.plugin.autopath;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.ChildProcess;
import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.NetNamespaces;
import io.clusterdns.k8s.testing.Privileged;
import io.clusterdns.server.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue's acceptance: a pod's glibc resolver (the pod search path and {@code ndots:5}) asks
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
    static final Path JAR = Path.of("target/clusterdns-dns-server.jar").toAbsolutePath();
    static final String SERVER_IP = "10.54.0.1";
    static final String POD_IP = "10.54.0.2";
    static final String MANIFESTS = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: default}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: client, namespace: default, creationTimestamp: "2025-01-15T10:00:00Z"}
            spec: {nodeName: node-1, containers: [{name: c, image: busybox}]}
            status: {phase: Running, podIP: %1$s, podIPs: [{ip: %1$s}]}
            """.formatted(POD_IP);

    @TempDir
    Path dir;

    NetNamespaces namespaces;
    String dnsNs;
    String podNs;
    ChildProcess upstream;
    ChildProcess server;

    @BeforeEach
    void startUpstreamAndServer() throws Exception {
        NetNamespaces.requirePrivileges("network namespaces");
        Privileged.requireTool("getent", "libc-bin");
        String dnsmasq = Privileged.requireTool("dnsmasq", "dnsmasq-base");
        String dig = Privileged.requireTool("dig", "bind9-dnsutils");
        Privileged.require(Files.isRegularFile(JAR), JAR + " is missing: run through mvn verify, which packages it before this test");

        namespaces = new NetNamespaces("autopath");
        namespaces.deleteLeftovers();
        dnsNs = namespaces.create("dns");
        podNs = namespaces.create("pod");
        NetNamespaces.ip(dnsNs, "link", "add", "v-dns", "type", "veth", "peer", "name", "v-pod", "netns", podNs);
        NetNamespaces.ip(dnsNs, "addr", "add", SERVER_IP + "/24", "dev", "v-dns");
        NetNamespaces.ip(podNs, "addr", "add", POD_IP + "/24", "dev", "v-pod");
        NetNamespaces.ip(dnsNs, "link", "set", "v-dns", "up");
        NetNamespaces.ip(podNs, "link", "set", "v-pod", "up");
        // the server's own resolv.conf has no search line: the path walked is the pod's cluster part and the bare name
        namespaces.resolvConf(dnsNs, "nameserver " + POD_IP + "\n");
        // timeout:30 (glibc's most): a slow answer on a busy machine must not be asked again and counted twice
        namespaces.resolvConf(podNs, """
                nameserver %s
                search default.svc.cluster.local svc.cluster.local cluster.local
                options ndots:5 timeout:30
                """.formatted(SERVER_IP));

        Path hosts = Files.writeString(dir.resolve("upstream-hosts"), "192.0.2.33 google-like.example\n2001:db8::33 google-like.example\n");
        upstream = ChildProcess.start("dnsmasq", dir.resolve("dnsmasq.log"), List.of(NetNamespaces.execCommand(podNs, dnsmasq,
                "--keep-in-foreground", "--conf-file=/dev/null", "--port=53", "--listen-address=" + POD_IP, "--bind-interfaces",
                "--user=root", "--no-resolv", "--no-hosts", "--addn-hosts=" + hosts, "--local=/#/", "--log-facility=-", "--pid-file=")));
        upstream.awaitLog("started, version");
        Await.until("dnsmasq answering for google-like.example", () -> NetNamespaces.exec(podNs, dig, "+short", "+time=1", "+tries=1",
                "@" + POD_IP, "google-like.example").output(), out -> out.contains("192.0.2.33"));

        Path manifests = Files.createDirectories(dir.resolve("manifests"));
        Files.writeString(manifests.resolve("client.yaml"), MANIFESTS);
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
        server = ChildProcess.start("dns-server", dir.resolve("server.log"), List.of(NetNamespaces.execCommand(dnsNs,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "-conf", corefile.toString())));
        server.awaitLog("dns-server listening on");
    }

    @AfterEach
    void stopEverything() {
        try {
            if (server != null) {
                server.stop();
            }
            if (upstream != null) {
                upstream.stop();
            }
        } finally {
            if (namespaces != null) {
                namespaces.close();
            }
        }
    }

    @Test
    void anOutsideNameCostsOneQueryPerFamilyInsteadOfOnePerSearchElement() {
        Scrape before = scrape();
        Commands.Result found = NetNamespaces.exec(podNs, "getent", "ahosts", "google-like.example");
        Scrape afterFound = scrape();
        Commands.Result missing = NetNamespaces.exec(podNs, "getent", "ahosts", "nope.example");
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
        return new Scrape(NetNamespaces.httpGet(dnsNs, 9153, "/metrics"));
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
