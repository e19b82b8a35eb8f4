package io.clusterdns.agent.netns;

import static io.clusterdns.agent.netns.Probes.pods;
import static io.clusterdns.agent.netns.Probes.split;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * Topology-aware routing with real packets: the agent runs as node-1 in the node namespace of a
 * {@link Lab} and reads {@code src/test/resources/dataplane-topology/*.yaml}. The cluster has two
 * zones and three nodes: zone-a = node-1 (this node, pod-a1 10.244.1.11) and node-2 (pod-a2
 * 10.244.2.12), zone-b = node-3 (pod-b1 10.244.3.13, pod-b2 10.244.3.14). Like every lab pod, the
 * pods of node-2 and node-3 hang off this one node namespace: their nodeName and the slices' hints
 * are what make them remote and zoned to the agent, and this node's dispatch is what is tested
 * (one agent, one node namespace; the other nodes' agents would do the same from their side,
 * which the last test shows by moving this node to zone-b). Connections come from pod-c
 * (10.244.1.20, on this node, in no service).
 *
 * <p>Needs root; skips otherwise. Every namespace is deleted afterwards; only the processes
 * started here are stopped, by PID.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopologyDataPlaneIT {
    static final int OK_TIMEOUT_MS = 3000;
    static final Set<String> ZONE_A = Set.of("pod-a1", "pod-a2");
    static final Set<String> ZONE_B = Set.of("pod-b1", "pod-b2");

    @TempDir
    static Path dir;
    Path manifests;
    Lab lab;
    AgentProcess agent;

    @BeforeAll
    void startLabAndAgent() throws Exception {
        Probes.requireAgentPrivileges();
        manifests = Probes.manifests(dir, "dataplane-topology", List.of("node.yaml", "services.yaml"));
        lab = Lab.create("topo", List.of(
                new Lab.Pod("pod-a1", "10.244.1.11", "fd00:10:244:1::11", "node-1"),
                new Lab.Pod("pod-a2", "10.244.2.12", "fd00:10:244:2::12", "node-2"),
                new Lab.Pod("pod-b1", "10.244.3.13", "fd00:10:244:3::13", "node-3"),
                new Lab.Pod("pod-b2", "10.244.3.14", "fd00:10:244:3::14", "node-3"),
                new Lab.Pod("pod-c", "10.244.1.20", "fd00:10:244:1::20", "node-1")),
                List.of("tcp:8080"), dir);
        agent = AgentProcess.start(lab.ns("node"), dir.resolve("agent.log"), List.of(
                "--manifests", manifests.toString(), "--node-name", "node-1",
                "--node-ip", Lab.NODE_IP, "--cluster-cidr", "10.244.0.0/16",
                "--min-sync-period", "100ms", "--sync-period", "10s"));
        await("the agent programs the zonal service", () -> ask("pod-c", "tcp 10.96.5.1 80 - 1000"), a -> a.startsWith("OK"));
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
    @Order(1)
    void zoneHintsKeepConnectionsInThisNodesZone() {
        assertThat(agent.log()).contains("This node (node-1) is in zone zone-a");
        // 40 connections: every one lands in zone-a, and both zone-a endpoints serve (random pick)
        Set<String> seen = pods(replies("pod-c", "tcpn 10.96.5.1 80 40 " + OK_TIMEOUT_MS));
        assertThat(seen).isEqualTo(ZONE_A);
    }

    @Test
    @Order(2)
    void nodeHintsKeepConnectionsOnThisNode() {
        assertThat(pods(replies("pod-c", "tcpn 10.96.5.2 80 20 " + OK_TIMEOUT_MS))).containsExactly("pod-a1");
    }

    @Test
    @Order(3)
    void metricsCountTheServicePortsTopologyNarrows() {
        // zonal and local: same zone; samenode: same node; partial: hinted, but one endpoint lacks hints
        assertThat(ask("node", "http 127.0.0.1 10249 /metrics " + OK_TIMEOUT_MS)).startsWith("OK 200 ").contains(
                "clusterdns_agent_topology_service_ports{topology=\"same-zone\"} 2.0",
                "clusterdns_agent_topology_service_ports{topology=\"same-node\"} 1.0",
                "clusterdns_agent_topology_service_ports{topology=\"fallback\"} 1.0");
    }

    @Test
    @Order(4)
    void anEndpointWithoutHintsMeansEveryEndpoint() {
        Set<String> seen = new TreeSet<>();
        for (int round = 0; round < 5 && seen.size() < 2; round++) {
            seen.addAll(pods(replies("pod-c", "tcpn 10.96.5.3 80 20 " + OK_TIMEOUT_MS)));
        }
        assertThat(seen).containsExactly("pod-a1", "pod-b1");
    }

    @Test
    @Order(5)
    void externalTrafficPolicyLocalWinsForExternalTrafficOnly() {
        assertThat(pods(replies("client", "tcpn " + Lab.NODE_IP + " 30580 10 " + OK_TIMEOUT_MS)))
                .as("NodePort from outside: the local endpoint, though hinted for zone-b").containsExactly("pod-a1");
        assertThat(pods(replies("pod-c", "tcpn 10.96.5.4 80 20 " + OK_TIMEOUT_MS)))
                .as("ClusterIP: the endpoint hinted for zone-a").containsExactly("pod-a2");
    }

    /** The Node's zone label is followed live: moved to zone-b, then without a zone (fallback to every endpoint). */
    @Test
    @Order(6)
    void theNodesZoneIsFollowedLive() throws Exception {
        Path node = manifests.resolve("node.yaml");
        String zoneA = Files.readString(node);
        try {
            Files.writeString(node, zoneA.replace("zone-a", "zone-b"));
            await("zonal served from zone-b only", () -> ask("pod-c", "tcpn 10.96.5.1 80 20 " + OK_TIMEOUT_MS),
                    a -> a.startsWith("OK ") && ZONE_B.containsAll(pods(split(a))));
            assertThat(pods(replies("pod-c", "tcpn 10.96.5.1 80 40 " + OK_TIMEOUT_MS))).isEqualTo(ZONE_B);
            assertThat(pods(replies("pod-c", "tcpn 10.96.5.2 80 20 " + OK_TIMEOUT_MS)))
                    .as("node hints still name this node").containsExactly("pod-a1");

            Files.writeString(node, zoneA.replace("labels: {topology.kubernetes.io/zone: zone-a}", "labels: {}"));
            Set<String> seen = new TreeSet<>();
            await("zonal served from both zones", () -> {
                seen.addAll(pods(split(ask("pod-c", "tcpn 10.96.5.1 80 20 " + OK_TIMEOUT_MS))));
                return String.join(" ", seen);
            }, a -> seen.size() == 4);
            assertThat(agent.log()).contains("This node (node-1) has no zone");
        } finally {
            Files.writeString(node, zoneA);
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
        return Probes.await(what, probe, done, () -> agent == null ? "" : agent.log());
    }
}
