package io.clusterdns.agent.netns;

import static io.clusterdns.agent.netns.Probes.pods;
import static io.clusterdns.agent.netns.Probes.split;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topology-aware routing across a real three-node {@link ClusterLab}: two zones (zone-a = node-1,
 * node-2; zone-b = node-3), one agent jar per node namespace, all reading the same manifests
 * ({@code src/test/resources/dataplane-topology/cluster-nodes.yaml} and {@code services.yaml}).
 * Endpoints: pod-a1 on node-1, pod-a2 on node-2, pod-b1 and pod-b2 on node-3; clients pod-cN on
 * node-N. A connection is balanced by the rules of its client's node and routed to the chosen pod
 * over the node fabric.
 *
 * <p>Needs root; skips otherwise. Every namespace is deleted afterwards; only the processes
 * started here are stopped, by PID.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTopologyIT {
    static final int OK_TIMEOUT_MS = 3000;
    static final int NODES = 3;
    static final Set<String> ZONE_A = Set.of("pod-a1", "pod-a2");
    static final Set<String> ZONE_B = Set.of("pod-b1", "pod-b2");
    static final Set<String> ALL = Set.of("pod-a1", "pod-a2", "pod-b1", "pod-b2");

    @TempDir
    static Path dir;
    Path manifests;
    ClusterLab lab;
    final List<AgentProcess> agents = new ArrayList<>();

    @BeforeAll
    void startLabAndAgents() throws Exception {
        Probes.requireAgentPrivileges();
        manifests = Probes.manifests(dir, "dataplane-topology", List.of("cluster-nodes.yaml", "services.yaml"));
        lab = ClusterLab.create("ztopo", NODES, List.of(
                new Lab.Pod("pod-a1", "10.244.1.11", "fd00:10:244:1::11", "node-1"),
                new Lab.Pod("pod-c1", "10.244.1.20", "fd00:10:244:1::20", "node-1"),
                new Lab.Pod("pod-a2", "10.244.2.12", "fd00:10:244:2::12", "node-2"),
                new Lab.Pod("pod-c2", "10.244.2.20", "fd00:10:244:2::20", "node-2"),
                new Lab.Pod("pod-b1", "10.244.3.13", "fd00:10:244:3::13", "node-3"),
                new Lab.Pod("pod-b2", "10.244.3.14", "fd00:10:244:3::14", "node-3"),
                new Lab.Pod("pod-c3", "10.244.3.20", "fd00:10:244:3::20", "node-3")),
                List.of("tcp:8080"), dir);
        for (int i = 1; i <= NODES; i++) {
            agents.add(AgentProcess.start(lab.ns("node-" + i), dir.resolve("agent-node-" + i + ".log"), List.of(
                    "--manifests", manifests.toString(), "--node-name", "node-" + i, "--node-ip", ClusterLab.nodeIp(i),
                    "--cluster-cidr", "10.244.0.0/16", "--min-sync-period", "100ms", "--sync-period", "10s")));
        }
        for (int i = 1; i <= NODES; i++) {
            String client = "pod-c" + i;
            await("node-" + i + " programs the zonal service", () -> ask(client, "tcp 10.96.5.1 80 - 1000"), a -> a.startsWith("OK"));
        }
    }

    @AfterAll
    void stopAgentsAndDeleteNamespaces() throws Exception {
        if (lab == null) {
            return;
        }
        try {
            for (int i = 0; i < agents.size(); i++) {
                agents.get(i).stopAndCleanup(lab.ns("node-" + (i + 1)));
            }
        } finally {
            Probes.closeAndCheckDeleted(lab.netns(), lab);
        }
    }

    @Test
    @Order(1)
    void eachNodeKeepsZoneHintedTrafficInItsZone() {
        // 40 connections per client: all in the client's zone, every endpoint of that zone serving
        assertThat(pods(replies("pod-c1", "tcpn 10.96.5.1 80 40 " + OK_TIMEOUT_MS))).as("from node-1").isEqualTo(ZONE_A);
        assertThat(pods(replies("pod-c2", "tcpn 10.96.5.1 80 40 " + OK_TIMEOUT_MS))).as("from node-2").isEqualTo(ZONE_A);
        assertThat(pods(replies("pod-c3", "tcpn 10.96.5.1 80 40 " + OK_TIMEOUT_MS))).as("from node-3").isEqualTo(ZONE_B);
    }

    @Test
    @Order(2)
    void eachNodeKeepsNodeHintedTrafficOnItself() {
        assertThat(pods(replies("pod-c1", "tcpn 10.96.5.2 80 20 " + OK_TIMEOUT_MS))).containsExactly("pod-a1");
        assertThat(pods(replies("pod-c2", "tcpn 10.96.5.2 80 20 " + OK_TIMEOUT_MS))).containsExactly("pod-a2");
        assertThat(pods(replies("pod-c3", "tcpn 10.96.5.2 80 20 " + OK_TIMEOUT_MS))).containsExactly("pod-b1");
    }

    @Test
    @Order(3)
    void anEndpointWithoutHintsMeansEveryEndpointOnEveryNode() {
        for (String client : List.of("pod-c1", "pod-c3")) {
            Set<String> seen = new TreeSet<>();
            for (int round = 0; round < 5 && seen.size() < 2; round++) {
                seen.addAll(pods(replies(client, "tcpn 10.96.5.3 80 20 " + OK_TIMEOUT_MS)));
            }
            assertThat(seen).as("from " + client).containsExactly("pod-a1", "pod-b1");
        }
    }

    /** node-3 moves to zone-c, which no endpoint is hinted for: it falls back to every endpoint; zone-a is unaffected. */
    @Test
    @Order(4)
    void aNodeInAZoneWithoutHintedEndpointsUsesEveryEndpoint() throws Exception {
        Path nodes = manifests.resolve("cluster-nodes.yaml");
        String original = Files.readString(nodes);
        try {
            Files.writeString(nodes, original.replace("{name: node-3, labels: {topology.kubernetes.io/zone: zone-b}}",
                    "{name: node-3, labels: {topology.kubernetes.io/zone: zone-c}}"));
            Set<String> seen = new TreeSet<>();
            await("node-3 serves zonal from every endpoint", () -> {
                seen.addAll(pods(split(ask("pod-c3", "tcpn 10.96.5.1 80 20 " + OK_TIMEOUT_MS))));
                return String.join(" ", seen);
            }, a -> seen.equals(ALL));
            assertThat(agents.get(2).log()).contains("This node (node-3) is in zone zone-c");
            assertThat(pods(replies("pod-c1", "tcpn 10.96.5.1 80 40 " + OK_TIMEOUT_MS))).as("node-1 unaffected").isEqualTo(ZONE_A);
        } finally {
            Files.writeString(nodes, original);
        }
    }

    // --- helpers ------------------------------------------------------------------------------

    String ask(String who, String command) {
        return lab.helper(who).ask(command);
    }

    List<String> replies(String who, String command) {
        return Probes.replies(lab.helper(who), command);
    }

    String await(String what, java.util.function.Supplier<String> probe, java.util.function.Predicate<String> done) {
        return Probes.await(what, probe, done, () -> {
            StringBuilder logs = new StringBuilder();
            agents.forEach(a -> logs.append("\n--- ").append(a.log()));
            return logs.toString();
        });
    }
}
