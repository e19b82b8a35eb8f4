package io.clusterdns.server;

import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.ChildProcess;
import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.NetNamespaces;
import io.clusterdns.k8s.testing.Privileged;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A pod and the DNS server it asks, each in a network namespace of its own, joined by a veth:
 *
 * <pre>
 *   namespace "dns"  SERVER_IP/24  the shaded jar with a Corefile       resolv.conf: nameserver POD_IP
 *        | veth
 *   namespace "pod"  POD_IP/24     dnsmasq :53, the server's upstream   resolv.conf: nameserver SERVER_IP,
 *                                  getent (glibc, as every pod)                      the pod search path, ndots:5
 * </pre>
 *
 * For the jar's integration tests (they run after {@code package}). Needs root, {@code ip netns},
 * getent, dnsmasq and dig; skips otherwise, fails under CLUSTERDNS_REQUIRE_PRIVILEGED=1. Nothing is
 * done in the root namespace; {@link #close} stops only the processes started here, by their
 * PIDs, and deletes the namespaces.
 */
public final class PodNetwork implements AutoCloseable {
    public static final Path JAR = Path.of("target/clusterdns-dns-server.jar").toAbsolutePath();
    public static final String SEARCH = "search default.svc.cluster.local svc.cluster.local cluster.local";

    private final NetNamespaces namespaces;
    private final String dnsmasq;
    private final String dig;
    public final String dnsNs;
    public final String podNs;
    public final String serverIp;
    public final String podIp;
    private ChildProcess upstream;
    private ChildProcess server;

    /**
     * @param tag         a few letters naming the test class (namespace names must stay short)
     * @param podOptions  the pod's resolv.conf {@code options} line without the word ({@code ndots:5 ...})
     */
    public PodNetwork(String tag, String serverIp, String podIp, String podOptions) {
        NetNamespaces.requirePrivileges("network namespaces");
        Privileged.requireTool("getent", "libc-bin");
        this.dnsmasq = Privileged.requireTool("dnsmasq", "dnsmasq-base");
        this.dig = Privileged.requireTool("dig", "bind9-dnsutils");
        Privileged.require(Files.isRegularFile(JAR), JAR + " is missing: run through mvn verify, which packages it before this test");
        this.serverIp = serverIp;
        this.podIp = podIp;
        namespaces = new NetNamespaces(tag);
        namespaces.deleteLeftovers();
        dnsNs = namespaces.create("dns");
        podNs = namespaces.create("pod");
        try {
            NetNamespaces.ip(dnsNs, "link", "add", "v-dns", "type", "veth", "peer", "name", "v-pod", "netns", podNs);
            NetNamespaces.ip(dnsNs, "addr", "add", serverIp + "/24", "dev", "v-dns");
            NetNamespaces.ip(podNs, "addr", "add", podIp + "/24", "dev", "v-pod");
            NetNamespaces.ip(dnsNs, "link", "set", "v-dns", "up");
            NetNamespaces.ip(podNs, "link", "set", "v-pod", "up");
            // the server's own resolv.conf names the upstream, without a search line
            namespaces.resolvConf(dnsNs, "nameserver " + podIp + "\n");
            namespaces.resolvConf(podNs, "nameserver " + serverIp + "\n" + SEARCH + "\noptions " + podOptions + "\n");
        } catch (RuntimeException | AssertionError e) {
            namespaces.close();
            throw e;
        }
    }

    /**
     * Starts dnsmasq in the pod's namespace on {@code POD_IP:53} answering from {@code hosts}
     * (hosts-file lines, the first one {@code ADDRESS NAME}) and {@code options}; returns once it
     * answers the first line's name with its address.
     */
    public void startUpstream(Path dir, String hosts, String... options) throws IOException {
        Path file = Files.writeString(dir.resolve("upstream-hosts"), hosts);
        List<String> command = new ArrayList<>(List.of(NetNamespaces.execCommand(podNs, dnsmasq, "--keep-in-foreground",
                "--conf-file=/dev/null", "--port=53", "--listen-address=" + podIp, "--bind-interfaces", "--user=root", "--no-resolv",
                "--no-hosts", "--addn-hosts=" + file, "--log-facility=-", "--pid-file=")));
        command.addAll(List.of(options));
        upstream = ChildProcess.start("dnsmasq", dir.resolve("dnsmasq.log"), command);
        upstream.awaitLog("started, version");
        String[] first = hosts.lines().findFirst().orElseThrow().trim().split("\\s+");
        Await.until("dnsmasq answering for " + first[1], () -> NetNamespaces.exec(podNs, dig, "+short", "+time=1", "+tries=1",
                "@" + podIp, first[1]).output(), out -> out.contains(first[0]));
    }

    /** Starts the jar with {@code -conf corefile} in the server's namespace; returns once it listens. */
    public ChildProcess startServer(Path dir, Path corefile) {
        server = ChildProcess.start("dns-server", dir.resolve("server.log"), List.of(NetNamespaces.execCommand(dnsNs,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(), "-conf", corefile.toString())));
        server.awaitLog("dns-server listening on");
        return server;
    }

    /**
     * The body of a 200 response to {@code GET path} on {@code 127.0.0.1:port} in the server's
     * namespace (bash's /dev/tcp: no curl needed); anything else fails the test.
     */
    public String serverGet(int port, String path) {
        Commands.Result r = NetNamespaces.exec(dnsNs, "bash", "-c",
                "exec 3<>/dev/tcp/127.0.0.1/" + port + " && printf 'GET " + path + " HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3");
        if (!r.ok() || !r.output().startsWith("HTTP/1.0 200")) {
            throw new AssertionError("GET " + path + " on port " + port + ": exit " + r.exitCode() + "\n" + r.output());
        }
        return r.output().substring(r.output().indexOf("\r\n\r\n") + 4);
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.stop();
            }
            if (upstream != null) {
                upstream.stop();
            }
        } finally {
            namespaces.close();
        }
    }
}
