package io.clusterdns.agent.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.NetNamespaces;
import io.clusterdns.k8s.testing.Privileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCTP Services with real packets: the agent (shaded jar) in the node namespace of a {@link Lab},
 * pods serving SCTP on port 5000, probes from a pod and from the external client.
 *
 * <p>How the packets are made depends on the kernel ({@link Sctp}): with its SCTP stack (the
 * {@code sctp} module, loaded here with {@code modprobe sctp} when it is not yet), real
 * associations; without it (built without {@code CONFIG_IP_SCTP}, or a module that cannot load),
 * the four-way handshake played from raw sockets by the probe and the pod, which still crosses the
 * agent's DNAT, conntrack's SCTP tracking and the reverse NAT for real. The one test
 * that needs associations is skipped, with the reason, when the kernel has no SCTP, also under
 * CLUSTERDNS_REQUIRE_PRIVILEGED=1 (a kernel without SCTP is no missing privilege); it fails when the
 * module is there but the lab cannot open SCTP sockets.
 *
 * <p>Conventions: pods of {@code dataplane/pods.yaml} (pod-a1 10.244.1.11, pod-a2 .12, pod-c1 .13
 * on this node, pod-b1 10.244.2.21 on node-2, and their fd00:10:244:x::y), services of
 * {@code dataplane-sctp/services.yaml} (10.96.4.x, fd00:10:96::4xx, node ports 30100-30101).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SctpDataPlaneIT {
    static final int OK_TIMEOUT_MS = DataPlaneIT.OK_TIMEOUT_MS;
    static final String MASQ6 = DualStackDataPlaneIT.MASQ6;

    @TempDir
    static Path dir;
    Path manifests;
    Lab lab;
    AgentProcess agent;
    /** Why the kernel has no SCTP stack, or null when it has one. */
    String noKernelSctp;
    Sctp.Mode mode;

    @BeforeAll
    void startLabAndAgent() throws Exception {
        Probes.requireAgentPrivileges();
        noKernelSctp = loadSctpModule();
        Probes.manifests(dir, "dataplane", List.of("pods.yaml"));
        manifests = Probes.manifests(dir, "dataplane-sctp", List.of("services.yaml", "sctp-edit.yaml"));
        lab = Lab.create("sctp", List.of(
                new Lab.Pod("pod-a1", "10.244.1.11", "fd00:10:244:1::11", "node-1"),
                new Lab.Pod("pod-a2", "10.244.1.12", "fd00:10:244:1::12", "node-1"),
                new Lab.Pod("pod-c1", "10.244.1.13", "fd00:10:244:1::13", "node-1"),
                new Lab.Pod("pod-b1", "10.244.2.21", "fd00:10:244:2::21", "node-2")),
                List.of("sctp:5000"), dir);
        mode = Sctp.Mode.valueOf(ask("pod-c1", "sctpmode"));
        System.out.println("SctpDataPlaneIT: " + (mode == Sctp.Mode.KERNEL ? "real SCTP associations"
                : "raw SCTP handshakes (" + noKernelSctp + ")"));
        agent = AgentProcess.start(lab.ns("node"), dir.resolve("agent.log"), List.of(
                "--manifests", manifests.toString(), "--node-name", "node-1",
                "--node-ip", Lab.NODE_IP + "," + Lab.NODE_IP6, "--cluster-cidr", "10.244.0.0/16,fd00:10:244::/48",
                "--min-sync-period", "100ms", "--sync-period", "10s"));
        await("the agent programs the SCTP services", () -> ask("pod-c1", "sctp 10.96.4.1 5000 0 1000"), a -> a.startsWith("OK"));
    }

    /**
     * Null when the kernel has SCTP (already, or after {@code modprobe sctp}), else why not. A
     * module that loads changes the host's kernel, not its network: nothing else is touched.
     */
    static String loadSctpModule() {
        if (Files.exists(Path.of("/proc/net/sctp"))) {
            return null;
        }
        String modprobe = Privileged.which("modprobe");
        if (modprobe == null) {
            return "no /proc/net/sctp, and no modprobe to load the sctp module";
        }
        Commands.Result r = Commands.run(Commands.DEFAULT, modprobe, "sctp");
        if (r.ok() && Files.exists(Path.of("/proc/net/sctp"))) {
            return null;
        }
        return "modprobe sctp: " + (r.output().isBlank() ? "exit " + r.exitCode() : r.output().trim());
    }

    @AfterAll
    void stopAgentAndDeleteNamespaces() throws Exception {
        if (lab == null) {
            return;
        }
        try {
            if (agent != null) {
                agent.stopAndCleanup(lab.ns("node"));
            }
        } finally {
            Probes.closeAndCheckDeleted(lab.netns(), lab);
        }
    }

    @Test
    void theKernelHoldsTheSctpRulesInBothFamilies() {
        String ip = NetNamespaces.exec(lab.ns("node"), "nft", "list", "table", "ip", "clusterdns").output();
        assertThat(ip).contains("10.96.4.1 . sctp . 5000 : goto service-", "sctp . 30100 : goto external-");
        String ip6 = NetNamespaces.exec(lab.ns("node"), "nft", "list", "table", "ip6", "clusterdns").output();
        assertThat(ip6).contains("fd00:10:96::401 . sctp . 5000 : goto service-", "sctp . 30100 : goto external-");
    }

    @Test
    void sctpClusterIpReachesTheEndpointsInBothFamilies() {
        assertThat(ask("pod-c1", "sctp 10.96.4.1 5000 0 " + OK_TIMEOUT_MS)).matches("OK pod-a[12] 10\\.244\\.1\\.13 5000");
        assertThat(ask("pod-c1", "sctp fd00:10:96::401 5000 0 " + OK_TIMEOUT_MS)).matches("OK pod-a[12] fd00:10:244:1:0:0:0:13 5000");
        assertThat(ask("pod-b1", "sctp 10.96.4.1 5000 0 " + OK_TIMEOUT_MS)).as("from the other node's pod range")
                .matches("OK pod-a[12] 10\\.244\\.2\\.21 5000");
    }

    @Test
    void sctpFromTheNodeIsMasqueraded() {
        assertThat(ask("node", "sctp 10.96.4.1 5000 0 " + OK_TIMEOUT_MS)).matches("OK pod-a[12] 10\\.244\\.1\\.1 5000");
        assertThat(ask("node", "sctp fd00:10:96::401 5000 0 " + OK_TIMEOUT_MS)).matches("OK pod-a[12] " + MASQ6 + " 5000");
    }

    @Test
    void sctpNodePortFromAnExternalClientIsMasqueradedInBothFamilies() {
        assertThat(ask("client", "sctp " + Lab.NODE_IP + " 30100 0 " + OK_TIMEOUT_MS)).matches("OK pod-a[12] 10\\.244\\.1\\.1 5000");
        assertThat(ask("client", "sctp " + Lab.NODE_IP6 + " 30100 0 " + OK_TIMEOUT_MS)).matches("OK pod-a[12] " + MASQ6 + " 5000");
    }

    @Test
    void sctpNodePortWithLocalPolicyUsesTheLocalEndpointAndKeepsTheClientAddress() {
        for (int i = 0; i < 5; i++) {
            assertThat(ask("client", "sctp " + Lab.NODE_IP + " 30101 0 " + OK_TIMEOUT_MS)).isEqualTo("OK pod-a1 " + Lab.CLIENT_IP + " 5000");
        }
    }

    /** Both endpoints get associations (the probe's source port differs each time, so does the pick). */
    @Test
    void sctpLoadBalancesOverBothEndpoints() {
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (int i = 0; i < 40 && seen.size() < 2; i++) {
            String a = ask("pod-c1", "sctp 10.96.4.1 5000 0 " + OK_TIMEOUT_MS);
            assertThat(a).startsWith("OK ");
            seen.add(a.split(" ")[1]);
        }
        assertThat(seen).containsExactly("pod-a1", "pod-a2");
    }

    /**
     * An endpoint leaving an SCTP service takes its conntrack entries with it, so the same 5-tuple
     * reaches a live endpoint (kube-proxy clears UDP only; the agent clears SCTP too). Raw mode
     * only: there the handshake leaves an ESTABLISHED entry that would otherwise keep the 5-tuple
     * on the old endpoint for minutes, while the kernel-mode echo server closes each association.
     */
    @Test
    void removedSctpEndpointLosesItsConntrackEntries() throws Exception {
        Assumptions.assumeTrue(mode == Sctp.Mode.RAW, "with the kernel's SCTP every probe's association is shut down at once");
        int port = 0;
        for (int p = 43000; p < 43040 && port == 0; p++) {
            if (ask("pod-c1", "sctp 10.96.4.3 5000 " + p + " " + OK_TIMEOUT_MS).startsWith("OK pod-a1 ")) {
                port = p;
            }
        }
        assertThat(port).as("a source port that lands on pod-a1").isNotZero();
        String command = "sctp 10.96.4.3 5000 " + port + " " + OK_TIMEOUT_MS;
        assertThat(ask("pod-c1", command)).as("conntrack keeps the 5-tuple on pod-a1").startsWith("OK pod-a1 ");
        Path slice = manifests.resolve("sctp-edit.yaml");
        Files.writeString(slice, Files.readString(slice).replace(
                "- {addresses: [10.244.1.11], nodeName: node-1, conditions: {ready: true}}\n", ""));
        assertThat(await("the same 5-tuple reaches pod-a2", () -> ask("pod-c1", command), a -> a.startsWith("OK pod-a2 ")))
                .isEqualTo("OK pod-a2 10.244.1.13 5000");
        // logged only when conntrack deleted entries
        await("the conntrack cleanup in the agent's log", agent::log, l -> l.contains(
                "stale conntrack entries: conntrack -D -f ipv4 -p sctp --orig-dst 10.96.4.3 --orig-port-dst 5000 --dst-nat 10.244.1.11"));
    }

    /** Needs the kernel's SCTP: skipped (with the reason) without it, even under CLUSTERDNS_REQUIRE_PRIVILEGED=1. */
    @Test
    void realAssociationsWhenTheKernelHasSctp() {
        Assumptions.assumeTrue(noKernelSctp == null, () -> "the kernel has no SCTP (" + noKernelSctp
                + "): the other tests ran with raw SCTP handshakes instead of associations");
        assertThat(mode).as("the sctp module is loaded, so the lab's namespaces open SCTP sockets").isEqualTo(Sctp.Mode.KERNEL);
        assertThat(ask("client", "sctp " + Lab.NODE_IP + " 30100 0 " + OK_TIMEOUT_MS)).matches("OK pod-a[12] 10\\.244\\.1\\.1 5000");
    }

    String ask(String who, String command) {
        return lab.helper(who).ask(command);
    }

    String await(String what, Supplier<String> probe, Predicate<String> done) {
        return Probes.await(what, probe, done, () -> agent == null ? "" : agent.log());
    }
}
