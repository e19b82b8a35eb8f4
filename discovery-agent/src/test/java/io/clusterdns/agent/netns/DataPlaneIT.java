package io.clusterdns.agent.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.model.ServicePortName;
import io.clusterdns.agent.nft.ChainNames;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.NetNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real packets through the real kernel: the shaded agent jar runs inside the node namespace of a
 * {@link Lab} with {@code --manifests}, and TCP/UDP connections from the node, from pods and from
 * an external client check the outcomes kube-proxy users rely on. Addresses: see {@link Lab} and
 * {@code src/test/resources/dataplane/*.yaml} (services 10.96.1.x, pods 10.244.1.11-13 on this
 * node and 10.244.2.21 on "node-2", node 192.0.2.1, client 192.0.2.10 and 198.51.100.10).
 *
 * <p>Needs root; skips otherwise (fails under CLUSTERDNS_REQUIRE_PRIVILEGED=1). Every namespace
 * is deleted afterwards, and only the processes started here are stopped, by PID.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataPlaneIT {
    /** {@code --nft-backend}: the netlink variant of this class runs every test again over netlink batches. */
    String backend() {
        return "cli";
    }

    static final Duration DEADLINE = Await.DEADLINE;
    static final int OK_TIMEOUT_MS = 3000;
    /** How long a connection may stay unanswered before it counts as dropped (an outcome, not a timing assertion). */
    static final int DROP_TIMEOUT_MS = 1500;

    @TempDir
    static Path dir;
    Path manifests;
    Lab lab;
    AgentProcess agent;

    @BeforeAll
    void startLabAndAgent() throws Exception {
        Probes.requireAgentPrivileges();
        manifests = Probes.manifests(dir, "dataplane", List.of("pods.yaml", "services.yaml", "terminating.yaml", "dns.yaml", "node.yaml"));
        lab = Lab.create("dp" + (backend().equals("cli") ? "" : "n"), List.of(
                new Lab.Pod("pod-a1", "10.244.1.11", "fd00:10:244:1::11", "node-1"),
                new Lab.Pod("pod-a2", "10.244.1.12", "fd00:10:244:1::12", "node-1"),
                new Lab.Pod("pod-c1", "10.244.1.13", "fd00:10:244:1::13", "node-1"),
                new Lab.Pod("pod-b1", "10.244.2.21", "fd00:10:244:2::21", "node-2")),
                List.of("tcp:8080", "tcp:8081", "tcp:9000", "udp:5353"), dir);
        agent = AgentProcess.start(lab.ns("node"), dir.resolve("agent.log"), List.of(
                "--manifests", manifests.toString(), "--node-name", "node-1",
                "--node-ip", Lab.NODE_IP + "," + Lab.NODE_IP6, "--cluster-cidr", "10.244.0.0/16,fd00:10:244::/48",
                "--min-sync-period", "100ms", "--sync-period", "10s", "--endpoint-chain-threshold", "2", "--nft-backend", backend()));
        await("the agent programs the first service", () -> ask("node", "tcp 10.96.1.1 80 - 1000"), a -> a.startsWith("OK"));
    }

    @AfterAll
    void stopAgentAndDeleteNamespaces() throws Exception {
        if (lab == null) {
            return; // skipped (not root) or the lab could not be built (it cleaned up after itself)
        }
        try {
            if (agent != null) {
                // 143 = 128 + SIGTERM: the JVM's status after its shutdown hooks ran
                assertThat(agent.stop(DEADLINE)).as("agent exit code after SIGTERM; log:\n%s", agent.log()).isIn(0, 143);
                assertThat(agent.log()).contains("discovery-agent stopped");
                assertThat(agent.log()).as("every transaction went through the chosen backend").doesNotContain("goes through nft -f");
                if (backend().equals("netlink")) {
                    assertThat(agent.log()).contains("nftables backend: netlink");
                }
                assertThat(NetNamespaces.exec(lab.ns("node"), "nft", "list", "tables").output())
                        .as("rules stay in place when the agent stops").contains("table ip clusterdns", "table ip6 clusterdns");
                Commands.Result cleanup = NetNamespaces.exec(lab.ns("node"), NetHelper.javaBin(), "-jar", AgentProcess.JAR.toString(), "--cleanup");
                assertThat(cleanup.ok()).as(cleanup.output()).isTrue();
                assertThat(NetNamespaces.exec(lab.ns("node"), "nft", "list", "tables").output()).doesNotContain("clusterdns");
            }
        } finally {
            Probes.closeAndCheckDeleted(lab.netns(), lab);
        }
    }

    // --- ClusterIP ---------------------------------------------------------------------------

    @Test
    void clusterIpWithOneEndpointMapsPortToTargetPort() {
        assertThat(ask("pod-a1", "tcp 10.96.1.1 80 - " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 10.244.1.11 8080");
        assertThat(ask("node", "tcp 10.96.1.1 80 - " + OK_TIMEOUT_MS)).as("node traffic is masqueraded").isEqualTo("OK pod-c1 10.244.1.1 8080");
    }

    @Test
    void clusterIpWithTwoEndpointsReachesBothThroughANamedTargetPort() {
        Set<String> seen = new HashSet<>();
        for (int round = 0; round < 5 && seen.size() < 2; round++) {
            seen.addAll(replies("pod-c1", "tcpn 10.96.1.2 80 20 " + OK_TIMEOUT_MS));
        }
        // "web" is 8080 on pod-a1 and 8081 on pod-a2
        assertThat(seen).containsExactlyInAnyOrder("pod-a1 10.244.1.13 8080", "pod-a2 10.244.1.13 8081");
    }

    @Test
    void hairpinTrafficIsMasqueraded() {
        assertThat(ask("pod-c1", "tcp 10.96.1.1 80 - " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 10.244.1.1 8080");
    }

    @Test
    void hairpinPairsOnlyForEndpointsThatCanBeDnatedHereToThemselves() {
        String set = NetNamespaces.exec(lab.ns("node"), "nft", "list", "set", "ip", "clusterdns", "hairpin-ips").output();
        assertThat(set).as("this node's pod").contains("10.244.1.13 . 10.244.1.13")
                .as("node-2's pod behind eTP=Local NodePorts: a node-2 pod may ask this node's NodePort for itself")
                .contains("10.244.2.21 . 10.244.2.21")
                .as("a node-2 endpoint of a ClusterIP service only: DNATed on node-2").doesNotContain("10.244.2.99");
    }

    @Test
    void endpointChainLayoutReachesEveryEndpointAndMasqueradesOnlyHairpin() {
        Set<String> seen = new HashSet<>();
        for (int round = 0; round < 5 && seen.size() < 3; round++) {
            seen.addAll(replies("pod-c1", "tcpn 10.96.1.17 80 20 " + OK_TIMEOUT_MS));
        }
        assertThat(seen).containsExactlyInAnyOrder("pod-a1 10.244.1.13 9000", "pod-a2 10.244.1.13 9000", "pod-c1 10.244.1.1 9000");
        assertThat(NetNamespaces.exec(lab.ns("node"), "nft", "list", "chain", "ip", "clusterdns",
                ChainNames.service(new ServicePortName(ServiceKey.of("default", "three"), "http", Protocol.TCP))).output())
                .contains("numgen random mod 3 vmap");
    }

    @Test
    void udpToATcpOnlyPortIsRejected() {
        assertThat(ask("pod-a1", "udp 10.96.1.1 80 - 0 " + OK_TIMEOUT_MS)).isEqualTo("UNREACHABLE port");
    }

    @Test
    void wrongPortOfAClusterIpIsRejected() {
        assertThat(ask("pod-a1", "tcp 10.96.1.1 81 - " + OK_TIMEOUT_MS)).isEqualTo("REFUSED");
        assertThat(ask("node", "tcp 10.96.1.1 81 - " + OK_TIMEOUT_MS)).isEqualTo("REFUSED");
    }

    @Test
    void unallocatedClusterIpIsDropped() {
        assertThat(ask("pod-a1", "tcp 10.96.200.200 80 - " + DROP_TIMEOUT_MS)).isEqualTo("TIMEOUT");
        assertThat(ask("node", "tcp 10.96.200.200 80 - " + DROP_TIMEOUT_MS)).isEqualTo("TIMEOUT");
    }

    @Test
    void offClusterClientReachesAClusterIpMasqueraded() {
        assertThat(ask("client", "tcp 10.96.1.1 80 - " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 10.244.1.1 8080");
    }

    @Test
    void ipv6ClusterIp() {
        assertThat(ask("pod-a1", "tcp fd00:10:96::13 80 - " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 fd00:10:244:1:0:0:0:11 8080");
        assertThat(ask("pod-a1", "tcp fd00:10:96::14 80 - " + DROP_TIMEOUT_MS)).as("unallocated v6 ClusterIP").isEqualTo("TIMEOUT");
    }

    // --- no endpoints -------------------------------------------------------------------------

    @Test
    void serviceWithoutEndpointsRejectsOnClusterIpNodePortAndExternalIp() {
        assertThat(ask("node", "tcp 10.96.1.6 80 - " + OK_TIMEOUT_MS)).isEqualTo("REFUSED");
        assertThat(ask("pod-a1", "tcp 10.96.1.6 80 - " + OK_TIMEOUT_MS)).isEqualTo("REFUSED");
        assertThat(ask("client", "tcp " + Lab.NODE_IP + " 30082 - " + OK_TIMEOUT_MS)).isEqualTo("REFUSED");
        assertThat(ask("client", "tcp 203.0.113.20 80 - " + OK_TIMEOUT_MS)).isEqualTo("REFUSED");
    }

    // --- external traffic ---------------------------------------------------------------------

    @Test
    void nodePortFromAnExternalClientIsMasqueraded() {
        List<String> r = replies("client", "tcpn " + Lab.NODE_IP + " 30080 6 " + OK_TIMEOUT_MS);
        assertThat(r).hasSize(6).allMatch(l -> l.matches("pod-a[12] 10\\.244\\.1\\.1 8080"));
    }

    @Test
    void externalIpReachesTheEndpoint() {
        assertThat(ask("client", "tcp 203.0.113.21 80 - " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 10.244.1.1 8080");
    }

    @Test
    void externalTrafficPolicyLocalUsesOnlyTheLocalEndpointAndKeepsTheClientIp() {
        List<String> r = replies("client", "tcpn " + Lab.NODE_IP + " 30081 10 " + OK_TIMEOUT_MS);
        assertThat(r).hasSize(10).containsOnly("pod-a1 " + Lab.CLIENT_IP + " 9000");
    }

    @Test
    void internalTrafficPolicyLocalUsesOnlyTheLocalEndpoint() {
        assertThat(replies("node", "tcpn 10.96.1.5 80 10 " + OK_TIMEOUT_MS)).hasSize(10).allMatch(l -> l.startsWith("pod-a1 "));
        assertThat(replies("pod-c1", "tcpn 10.96.1.5 80 10 " + OK_TIMEOUT_MS)).hasSize(10).containsOnly("pod-a1 10.244.1.13 9000");
    }

    @Test
    void loadBalancerSourceRangesAllowAndDrop() {
        assertThat(ask("client", "tcp 203.0.113.10 443 " + Lab.CLIENT_IP + " " + OK_TIMEOUT_MS)).matches("OK pod-a[12] 10\\.244\\.1\\.1 9000");
        assertThat(ask("client", "tcp 203.0.113.10 443 " + Lab.CLIENT_IP2 + " " + DROP_TIMEOUT_MS)).isEqualTo("TIMEOUT");
        assertThat(ask("client", "tcp " + Lab.NODE_IP + " 30443 " + Lab.CLIENT_IP2 + " " + OK_TIMEOUT_MS))
                .as("NodePorts are not subject to source ranges").startsWith("OK pod-a");
    }

    @Test
    void healthCheckNodePortsReportLocalEndpoints() {
        String local = await("health check server on 30500", () -> ask("client", "http " + Lab.NODE_IP + " 30500 / " + OK_TIMEOUT_MS),
                a -> a.startsWith("OK"));
        assertThat(local).isEqualTo("OK 200 {\"service\":{\"namespace\":\"default\",\"name\":\"lb-local\"},\"localEndpoints\":1,\"serviceProxyHealthy\":true}");
        String remote = await("health check server on 30501", () -> ask("client", "http " + Lab.NODE_IP + " 30501 / " + OK_TIMEOUT_MS),
                a -> a.startsWith("OK"));
        assertThat(remote).isEqualTo("OK 503 {\"service\":{\"namespace\":\"default\",\"name\":\"lb-remote\"},\"localEndpoints\":0,\"serviceProxyHealthy\":true}");
    }

    // --- endpoint selection -------------------------------------------------------------------

    @Test
    void terminatingEndpointsAreOnlyAFallback() {
        assertThat(replies("pod-c1", "tcpn 10.96.1.9 80 10 " + OK_TIMEOUT_MS)).hasSize(10).containsOnly("pod-a1 10.244.1.13 9000");
        assertThat(replies("pod-c1", "tcpn 10.96.1.10 80 10 " + OK_TIMEOUT_MS)).hasSize(10).containsOnly("pod-a2 10.244.1.13 9000");
    }

    @Test
    void clientIpAffinityIsStickyOver20Connections() {
        List<String> r = replies("pod-c1", "tcpn 10.96.1.7 80 20 " + OK_TIMEOUT_MS);
        assertThat(r).hasSize(20);
        assertThat(new HashSet<>(r)).as("one backend for all 20: %s", r).hasSize(1);
        List<String> other = replies("pod-b1", "tcpn 10.96.1.7 80 20 " + OK_TIMEOUT_MS);
        assertThat(new HashSet<>(other)).as("another client is sticky too: %s", other).hasSize(1);
        List<String> chained = replies("pod-b1", "tcpn 10.96.1.18 80 20 " + OK_TIMEOUT_MS);
        assertThat(new HashSet<>(chained)).as("sticky through endpoint chains: %s", chained).hasSize(1);
    }

    // --- changes ------------------------------------------------------------------------------

    @Test
    void removedUdpEndpointLosesItsConntrackEntries() throws Exception {
        int port = 0;
        for (int p = 41000; p < 41040 && port == 0; p++) {
            if (ask("pod-c1", "udp 10.96.1.11 53 - " + p + " " + OK_TIMEOUT_MS).startsWith("OK pod-a1 ")) {
                port = p;
            }
        }
        assertThat(port).as("a source port that lands on pod-a1").isNotZero();
        assertThat(ask("pod-c1", "udp 10.96.1.11 53 - " + port + " " + OK_TIMEOUT_MS)).as("conntrack keeps the flow on pod-a1")
                .startsWith("OK pod-a1 ");
        Path dns = manifests.resolve("dns.yaml");
        Files.writeString(dns, Files.readString(dns).replace(
                "- {addresses: [10.244.1.11], nodeName: node-1, conditions: {ready: true}}\n", ""));
        String chain = ChainNames.service(new ServicePortName(ServiceKey.of("default", "dns"), "dns", Protocol.UDP));
        // the pick is one rule over slots of a dnat-slots-udp-N map: the endpoints are that map's elements
        String slots = io.clusterdns.agent.nft.Names.dnatSlots(Protocol.UDP,
                io.clusterdns.agent.nft.DnatSlotBlocks.shard(new ServicePortName(ServiceKey.of("default", "dns"), "dns", Protocol.UDP).chainBase()));
        await("pod-a1 gone from the dns service", () -> NetNamespaces.exec(lab.ns("node"), "nft", "list", "chain", "ip", "clusterdns", chain).output()
                        + NetNamespaces.exec(lab.ns("node"), "nft", "list", "map", "ip", "clusterdns", slots).output(),
                out -> out.contains("numgen random mod 1 ") && out.contains("10.244.1.12 . 5353") && !out.contains("10.244.1.11 . 5353"));
        String command = "udp 10.96.1.11 53 - " + port + " " + OK_TIMEOUT_MS;
        assertThat(await("the same 5-tuple reaches pod-a2", () -> ask("pod-c1", command), a -> a.startsWith("OK pod-a2 ")))
                .isEqualTo("OK pod-a2 10.244.1.13 5353");
        // the agent logs the cleanup after the delete, so the new reply may come first: wait for the line
        String expected = "stale conntrack entries: conntrack -D -f ipv4 -p udp --orig-dst 10.96.1.11 --orig-port-dst 53 --dst-nat 10.244.1.11";
        await("the conntrack cleanup in the agent's log", agent::log, l -> l.contains(expected));
    }

    @Test
    void liveManifestChangeIsAppliedWithoutRestart() throws Exception {
        assertThat(ask("node", "tcp 10.96.1.12 80 - " + DROP_TIMEOUT_MS)).as("not a service yet").isEqualTo("TIMEOUT");
        Path live = manifests.resolve("live.yaml");
        Files.writeString(live, """
                apiVersion: v1
                kind: Service
                metadata: {name: live, namespace: default}
                spec:
                  clusterIP: 10.96.1.12
                  selector: {app: c}
                  ports: [{name: http, port: 80, targetPort: 8080}]
                """);
        await("the new service works", () -> ask("pod-a1", "tcp 10.96.1.12 80 - " + OK_TIMEOUT_MS), a -> a.equals("OK pod-c1 10.244.1.11 8080"));
        Files.delete(live);
        await("the deleted service is gone", () -> ask("pod-a1", "tcp 10.96.1.12 80 - " + DROP_TIMEOUT_MS), a -> a.equals("TIMEOUT"));
    }

    // --- observability ------------------------------------------------------------------------

    @Test
    void healthzAndMetrics() {
        assertThat(ask("node", "http 127.0.0.1 10256 /healthz " + OK_TIMEOUT_MS))
                .startsWith("OK 200 {\"lastUpdated\": \"20").contains("\"nodeEligible\": true");
        String metrics = ask("node", "http 127.0.0.1 10249 /metrics " + OK_TIMEOUT_MS);
        assertThat(metrics).startsWith("OK 200 ").contains(
                "kubeproxy_sync_proxy_rules_duration_seconds_bucket",
                "kubeproxy_sync_proxy_rules_last_timestamp_seconds",
                "kubeproxy_sync_proxy_rules_nftables_sync_failures_total 0.0",
                "clusterdns_agent_services{type=\"ClusterIP\"} 12.0",
                "clusterdns_agent_nftables_elements{family=\"ip\"}");
        assertThat(ask("node", "http 127.0.0.1 10249 /proxyMode " + OK_TIMEOUT_MS)).isEqualTo("OK 200 nftables");
    }

    // --- helpers ------------------------------------------------------------------------------

    String ask(String who, String command) {
        return lab.helper(who).ask(command);
    }

    /** The replies of a tcpn probe (fails on any non-OK connection). */
    List<String> replies(String who, String command) {
        return Probes.replies(lab.helper(who), command);
    }

    /** Polls {@code probe} until {@code done} ({@link Await}); returns the answer, or fails with the agent's log. */
    String await(String what, java.util.function.Supplier<String> probe, Predicate<String> done) {
        return Probes.await(what, probe, done, () -> agent == null ? "" : agent.log());
    }
}
