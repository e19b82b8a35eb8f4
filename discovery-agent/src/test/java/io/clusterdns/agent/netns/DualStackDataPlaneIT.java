package io.clusterdns.agent.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.model.ServicePortName;
import io.clusterdns.agent.nft.ChainNames;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.testing.NetNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * IPv6 and dual-stack Services with real packets: the agent (shaded jar) in the node namespace of
 * a {@link Lab} programs its {@code ip} and {@code ip6} tables, and TCP/UDP connections over IPv6
 * (and over both families for dual-stack Services) from pods, the node and the external client
 * check the outcomes.
 *
 * <p>Conventions: the pods of {@code dataplane/pods.yaml} (pod-a1 fd00:10:244:1::11, pod-a2 ::12,
 * pod-c1 ::13 on this node, pod-b1 fd00:10:244:2::21 on node-2; the same 10.244.x.y as in
 * {@link DataPlaneIT}), the services of {@code dataplane-dualstack/services.yaml} (ClusterIPs
 * fd00:10:96::3xx and 10.96.3.x, node ports 30090-30095), node 2001:db8:1::1 and 192.0.2.1,
 * client 2001:db8:1::10 (allowed by v6-lb's source range) and 2001:db8:2::10 (added here, not
 * allowed). Addresses come back from Java in full form ({@code fd00:10:244:1:0:0:0:11}). The
 * lab's IPv6 addresses are added with {@code nodad}, so nothing waits for duplicate address
 * detection, and the node namespace forwards IPv6.
 *
 * <p>Needs root; skips otherwise (fails under CLUSTERDNS_REQUIRE_PRIVILEGED=1).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DualStackDataPlaneIT {
    static final int OK_TIMEOUT_MS = DataPlaneIT.OK_TIMEOUT_MS;
    static final int DROP_TIMEOUT_MS = DataPlaneIT.DROP_TIMEOUT_MS;
    static final String NODE6 = Lab.NODE_IP6;
    static final String MASQ6 = "fd00:10:244:1:0:0:0:1"; // the node's address on the pod links
    static final String CLIENT6 = "2001:db8:1:0:0:0:0:10";
    static final String OUTSIDER6 = "2001:db8:2::10";
    static final String IN_EXTRA_RANGE = "192.0.2.200";
    static final String IN_EXTRA_RANGE6 = "2001:db8:1::ff05";

    @TempDir
    static Path dir;
    Path manifests;
    Lab lab;
    AgentProcess agent;

    @BeforeAll
    void startLabAndAgent() throws Exception {
        Probes.requireAgentPrivileges();
        Probes.manifests(dir, "dataplane", List.of("pods.yaml"));
        manifests = Probes.manifests(dir, "dataplane-dualstack", List.of("services.yaml", "v6-dns.yaml"));
        lab = Lab.create("ds", List.of(
                new Lab.Pod("pod-a1", "10.244.1.11", "fd00:10:244:1::11", "node-1"),
                new Lab.Pod("pod-a2", "10.244.1.12", "fd00:10:244:1::12", "node-1"),
                new Lab.Pod("pod-c1", "10.244.1.13", "fd00:10:244:1::13", "node-1"),
                new Lab.Pod("pod-b1", "10.244.2.21", "fd00:10:244:2::21", "node-2")),
                List.of("tcp:8080", "tcp:8081", "tcp:9000", "udp:5353"), dir);
        NetNamespaces.ip(lab.ns("client"), "-6", "addr", "add", OUTSIDER6 + "/64", "dev", "eth0", "nodad");
        // addresses the extra ServiceCIDR covers; deprecated (preferred_lft 0) so that the client never picks them as a source
        NetNamespaces.ip(lab.ns("client"), "addr", "add", IN_EXTRA_RANGE + "/24", "dev", "eth0");
        NetNamespaces.ip(lab.ns("client"), "-6", "addr", "add", IN_EXTRA_RANGE6 + "/64", "dev", "eth0", "nodad", "preferred_lft", "0");
        agent = AgentProcess.start(lab.ns("node"), dir.resolve("agent.log"), List.of(
                "--manifests", manifests.toString(), "--node-name", "node-1",
                "--node-ip", Lab.NODE_IP + "," + NODE6, "--cluster-cidr", "10.244.0.0/16,fd00:10:244::/48",
                "--min-sync-period", "100ms", "--sync-period", "10s", "--endpoint-chain-threshold", "2"));
        await("the agent programs the IPv6 table", () -> ask("pod-a1", "tcp fd00:10:96::301 80 - 1000"), a -> a.startsWith("OK"));
    }

    @AfterAll
    void stopAgentAndDeleteNamespaces() throws Exception {
        if (lab == null) {
            return; // skipped, or the lab cleaned up after itself
        }
        try {
            if (agent != null) {
                agent.stopAndCleanup(lab.ns("node"));
                assertThat(NetNamespaces.exec(lab.ns("node"), "nft", "list", "tables").output()).doesNotContain("clusterdns");
            }
        } finally {
            Probes.closeAndCheckDeleted(lab.netns(), lab);
        }
    }

    // --- IPv6 ClusterIP -----------------------------------------------------------------------

    @Test
    void ipv6ClusterIpCarriesTcpAndUdpFromAPod() {
        assertThat(ask("pod-a1", "tcp fd00:10:96::301 80 - " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 fd00:10:244:1:0:0:0:11 8080");
        assertThat(ask("pod-a1", "udp fd00:10:96::301 53 - 0 " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 fd00:10:244:1:0:0:0:11 5353");
        assertThat(ask("pod-b1", "tcp fd00:10:96::301 80 - " + OK_TIMEOUT_MS)).as("from a pod of the other node's range")
                .isEqualTo("OK pod-c1 fd00:10:244:2:0:0:0:21 8080");
    }

    @Test
    void ipv6ClusterIpFromTheNodeAndFromOffClusterIsMasqueraded() {
        assertThat(ask("node", "tcp fd00:10:96::301 80 - " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 " + MASQ6 + " 8080");
        assertThat(ask("node", "udp fd00:10:96::301 53 - 0 " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 " + MASQ6 + " 5353");
        assertThat(ask("client", "tcp fd00:10:96::301 80 - " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 " + MASQ6 + " 8080");
    }

    @Test
    void ipv6HairpinIsMasqueraded() {
        assertThat(ask("pod-c1", "tcp fd00:10:96::301 80 - " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 " + MASQ6 + " 8080");
    }

    @Test
    void ipv6WrongPortIsRejectedAndUnallocatedClusterIpIsDropped() {
        assertThat(ask("pod-a1", "tcp fd00:10:96::301 81 - " + OK_TIMEOUT_MS)).isEqualTo("REFUSED");
        assertThat(ask("node", "tcp fd00:10:96::301 81 - " + OK_TIMEOUT_MS)).isEqualTo("REFUSED");
        assertThat(ask("pod-a1", "udp fd00:10:96::301 80 - 0 " + OK_TIMEOUT_MS)).as("ICMPv6 port unreachable").isEqualTo("UNREACHABLE port");
        assertThat(ask("pod-a1", "tcp fd00:10:96::3ff 80 - " + DROP_TIMEOUT_MS)).isEqualTo("TIMEOUT");
        assertThat(ask("node", "tcp fd00:10:96::3ff 80 - " + DROP_TIMEOUT_MS)).isEqualTo("TIMEOUT");
    }

    // --- IPv6 NodePort ------------------------------------------------------------------------

    @Test
    void ipv6NodePortFromAnExternalClientIsMasqueraded() {
        List<String> r = replies("client", "tcpn " + NODE6 + " 30090 6 " + OK_TIMEOUT_MS);
        assertThat(r).hasSize(6).allMatch(l -> l.matches("pod-a[12] " + MASQ6 + " 8080"), "from pod-a1 or pod-a2, masqueraded");
        assertThat(ask("pod-c1", "tcp " + NODE6 + " 30090 - " + OK_TIMEOUT_MS)).as("a pod to its node's NodePort").startsWith("OK pod-a");
    }

    @Test
    void ipv6NodePortWithLocalPolicyUsesTheLocalEndpointAndKeepsTheClientAddress() {
        List<String> r = replies("client", "tcpn " + NODE6 + " 30091 10 " + OK_TIMEOUT_MS);
        assertThat(r).hasSize(10).containsOnly("pod-a1 " + CLIENT6 + " 9000");
    }

    /** Pods and the node itself reach a Local-policy NodePort through every endpoint (kube-proxy's short-circuit). */
    @Test
    void ipv6NodePortWithLocalPolicyFromAPodOrTheNodeUsesEveryEndpoint() {
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (int round = 0; round < 5 && seen.size() < 2; round++) {
            seen.addAll(replies("pod-c1", "tcpn " + NODE6 + " 30091 10 " + OK_TIMEOUT_MS));
        }
        assertThat(seen).as("pod traffic keeps its source").containsExactly("pod-a1 fd00:10:244:1:0:0:0:13 9000",
                "pod-b1 fd00:10:244:1:0:0:0:13 9000");
        seen.clear();
        for (int round = 0; round < 5 && seen.size() < 2; round++) {
            seen.addAll(replies("node", "tcpn " + NODE6 + " 30091 10 " + OK_TIMEOUT_MS));
        }
        // masqueraded to the node's address on each pod's link (pod-b1's is fd00:10:244:2::1)
        assertThat(seen).as("node traffic is masqueraded").containsExactly("pod-a1 " + MASQ6 + " 9000", "pod-b1 fd00:10:244:2:0:0:0:1 9000");
    }

    @Test
    void ipv6NodePortOfTheNodesOwnAddressFromTheNode() {
        assertThat(ask("node", "tcp " + NODE6 + " 30090 - " + OK_TIMEOUT_MS)).matches("OK pod-a[12] " + MASQ6 + " 8080");
    }

    @Test
    void ipv6LoadBalancerWithLocalPolicyAndItsHealthCheckNodePort() {
        for (int i = 0; i < 5; i++) {
            assertThat(ask("client", "tcp 2001:db8:ff::15 80 " + Lab.CLIENT_IP6 + " " + OK_TIMEOUT_MS)).isEqualTo("OK pod-a1 " + CLIENT6 + " 9000");
        }
        // a load balancer health-checks the node over the family of the service
        String hc = await("health check server on [" + NODE6 + "]:30510", () -> ask("client", "http " + NODE6 + " 30510 / " + OK_TIMEOUT_MS),
                a -> a.startsWith("OK"));
        assertThat(hc).isEqualTo("OK 200 {\"service\":{\"namespace\":\"default\",\"name\":\"v6-lb-local\"},\"localEndpoints\":1,"
                + "\"serviceProxyHealthy\":true}");
    }

    @Test
    void ipv6ServiceWithoutEndpointsRejectsOnClusterIpAndNodePort() {
        assertThat(ask("pod-a1", "tcp fd00:10:96::304 80 - " + OK_TIMEOUT_MS)).isEqualTo("REFUSED");
        assertThat(ask("node", "tcp fd00:10:96::304 80 - " + OK_TIMEOUT_MS)).isEqualTo("REFUSED");
        assertThat(ask("client", "tcp " + NODE6 + " 30092 - " + OK_TIMEOUT_MS)).isEqualTo("REFUSED");
    }

    @Test
    void singleStackServicesAreAnsweredInTheirOwnFamilyOnly() {
        assertThat(ask("client", "tcp " + Lab.NODE_IP + " 30095 - " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 10.244.1.1 8080");
        // no rule in the ip6 table, no listener on the node: the node's own stack refuses it
        assertThat(ask("client", "tcp " + NODE6 + " 30095 - " + OK_TIMEOUT_MS)).isEqualTo("REFUSED");
        assertThat(ask("client", "tcp " + Lab.NODE_IP + " 30090 - " + OK_TIMEOUT_MS)).isEqualTo("REFUSED");
    }

    // --- dual-stack ---------------------------------------------------------------------------

    @Test
    void requireDualStackWithIpv6FirstAnswersBothFamiliesOnClusterIpsAndNodePort() {
        assertThat(ask("pod-a1", "tcp fd00:10:96::305 80 - " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 fd00:10:244:1:0:0:0:11 8080");
        assertThat(ask("pod-a1", "tcp 10.96.3.5 80 - " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 10.244.1.11 8080");
        assertThat(ask("client", "tcp " + NODE6 + " 30093 - " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 " + MASQ6 + " 8080");
        assertThat(ask("client", "tcp " + Lab.NODE_IP + " 30093 - " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 10.244.1.1 8080");
    }

    @Test
    void preferDualStackAnswersBothFamiliesWithEachFamilysEndpoints() {
        Set<String> seen = new HashSet<>();
        for (int round = 0; round < 5 && seen.size() < 4; round++) {
            seen.addAll(replies("pod-c1", "tcpn 10.96.3.6 80 10 " + OK_TIMEOUT_MS));
            seen.addAll(replies("pod-c1", "tcpn fd00:10:96::306 80 10 " + OK_TIMEOUT_MS));
        }
        assertThat(seen).containsExactlyInAnyOrder("pod-a1 10.244.1.13 9000", "pod-a2 10.244.1.13 9000",
                "pod-a1 fd00:10:244:1:0:0:0:13 9000", "pod-a2 fd00:10:244:1:0:0:0:13 9000");
    }

    @Test
    void clientIpAffinityHoldsInBothFamilies() {
        List<String> v6 = replies("pod-c1", "tcpn fd00:10:96::307 80 20 " + OK_TIMEOUT_MS);
        assertThat(new HashSet<>(v6)).as("one backend for all 20 over IPv6: %s", v6).hasSize(1);
        List<String> v4 = replies("pod-c1", "tcpn 10.96.3.7 80 20 " + OK_TIMEOUT_MS);
        assertThat(new HashSet<>(v4)).as("one backend for all 20 over IPv4: %s", v4).hasSize(1);
    }

    @Test
    void ipv6EndpointChainLayoutReachesEveryEndpointAndKeepsAffinity() {
        Set<String> seen = new HashSet<>();
        for (int round = 0; round < 5 && seen.size() < 3; round++) {
            seen.addAll(replies("pod-b1", "tcpn fd00:10:96::312 80 20 " + OK_TIMEOUT_MS));
        }
        assertThat(seen).containsExactlyInAnyOrder("pod-a1 fd00:10:244:2:0:0:0:21 9000", "pod-a2 fd00:10:244:2:0:0:0:21 9000",
                "pod-c1 fd00:10:244:2:0:0:0:21 9000");
        assertThat(NetNamespaces.exec(lab.ns("node"), "nft", "list", "chain", "ip6", "clusterdns",
                ChainNames.service(new ServicePortName(ServiceKey.of("default", "v6-three"), "http", Protocol.TCP))).output())
                .contains("numgen random mod 3 vmap");
        List<String> sticky = replies("pod-b1", "tcpn fd00:10:96::313 80 20 " + OK_TIMEOUT_MS);
        assertThat(new HashSet<>(sticky)).as("one backend for all 20: %s", sticky).hasSize(1);
    }

    // --- IPv6 external traffic ----------------------------------------------------------------

    @Test
    void ipv6LoadBalancerSourceRangesAllowAndDropAndExternalIpAnswers() {
        assertThat(ask("client", "tcp 2001:db8:ff::10 443 " + Lab.CLIENT_IP6 + " " + OK_TIMEOUT_MS))
                .matches("OK pod-a[12] " + MASQ6 + " 9000");
        assertThat(ask("client", "tcp 2001:db8:ff::10 443 " + OUTSIDER6 + " " + DROP_TIMEOUT_MS)).isEqualTo("TIMEOUT");
        assertThat(ask("client", "tcp " + NODE6 + " 30094 " + OUTSIDER6 + " " + OK_TIMEOUT_MS))
                .as("NodePorts are not subject to source ranges").matches("OK pod-a[12] " + MASQ6 + " 9000");
        assertThat(ask("client", "tcp 2001:db8:ff::21 443 " + Lab.CLIENT_IP6 + " " + OK_TIMEOUT_MS))
                .matches("OK pod-a[12] " + MASQ6 + " 9000");
    }

    // --- changes ------------------------------------------------------------------------------

    @Test
    void removedIpv6UdpEndpointLosesItsConntrackEntries() throws Exception {
        int port = 0;
        for (int p = 42000; p < 42040 && port == 0; p++) {
            if (ask("pod-c1", "udp fd00:10:96::310 53 - " + p + " " + OK_TIMEOUT_MS).startsWith("OK pod-a1 ")) {
                port = p;
            }
        }
        assertThat(port).as("a source port that lands on pod-a1").isNotZero();
        assertThat(ask("pod-c1", "udp fd00:10:96::310 53 - " + port + " " + OK_TIMEOUT_MS)).as("conntrack keeps the flow on pod-a1")
                .startsWith("OK pod-a1 ");
        Path slice = manifests.resolve("v6-dns.yaml");
        Files.writeString(slice, Files.readString(slice).replace(
                "- {addresses: [\"fd00:10:244:1::11\"], nodeName: node-1, conditions: {ready: true}}\n", ""));
        String chain = ChainNames.service(new ServicePortName(ServiceKey.of("default", "v6-dns"), "dns", Protocol.UDP));
        // the pick is one rule over slots of a dnat-slots-udp-N map: the endpoints are that map's elements
        String slots = io.clusterdns.agent.nft.Names.dnatSlots(Protocol.UDP,
                io.clusterdns.agent.nft.DnatSlotBlocks.shard(new ServicePortName(ServiceKey.of("default", "v6-dns"), "dns", Protocol.UDP).chainBase()));
        await("pod-a1 gone from v6-dns", () -> NetNamespaces.exec(lab.ns("node"), "nft", "list", "chain", "ip6", "clusterdns", chain).output()
                        + NetNamespaces.exec(lab.ns("node"), "nft", "list", "map", "ip6", "clusterdns", slots).output(),
                out -> out.contains("numgen random mod 1 ") && out.contains("fd00:10:244:1::12 . 5353") && !out.contains("fd00:10:244:1::11 . 5353"));
        String command = "udp fd00:10:96::310 53 - " + port + " " + OK_TIMEOUT_MS;
        assertThat(await("the same 5-tuple reaches pod-a2", () -> ask("pod-c1", command), a -> a.startsWith("OK pod-a2 ")))
                .isEqualTo("OK pod-a2 fd00:10:244:1:0:0:0:13 5353");
        String expected = "stale conntrack entries: conntrack -D -f ipv6 -p udp --orig-dst fd00:10:96::310 --orig-port-dst 53 "
                + "--dst-nat fd00:10:244:1::11";
        // logged only when conntrack deleted entries, so this also proves the tool took the IPv6 filter
        await("the conntrack cleanup in the agent's log", agent::log, l -> l.contains(expected));
    }

    // --- ServiceCIDRs --------------------------------------------------------------------------

    /**
     * A ServiceCIDR added to the cluster extends the ranges whose unallocated addresses are
     * dropped (here over addresses the client owns, so the change shows as REFUSED → TIMEOUT);
     * once no ServiceCIDR is left, the agent's own ranges apply again.
     */
    @Test
    void serviceCidrObjectsReplaceTheAgentsServiceRangesLive() throws Exception {
        for (String ip : List.of(IN_EXTRA_RANGE, IN_EXTRA_RANGE6)) {
            assertThat(ask("pod-a1", "tcp " + ip + " 80 - " + OK_TIMEOUT_MS)).as("%s is the client's, outside every service range", ip)
                    .isEqualTo("REFUSED");
        }
        Path cidrs = manifests.resolve("servicecidrs.yaml");
        Files.writeString(cidrs, io.clusterdns.agent.Conventions.resource("dataplane-dualstack/servicecidrs.yaml"));
        try {
            for (String ip : List.of(IN_EXTRA_RANGE, IN_EXTRA_RANGE6)) {
                await(ip + " dropped as an unallocated ClusterIP", () -> ask("pod-a1", "tcp " + ip + " 80 - " + DROP_TIMEOUT_MS),
                        a -> a.equals("TIMEOUT"));
                assertThat(ask("node", "tcp " + ip + " 80 - " + DROP_TIMEOUT_MS)).as("from the node too").isEqualTo("TIMEOUT");
            }
            assertThat(ask("pod-a1", "tcp fd00:10:96::3ff 80 - " + DROP_TIMEOUT_MS)).as("the default ServiceCIDR").isEqualTo("TIMEOUT");
            assertThat(ask("pod-a1", "tcp fd00:10:96::301 80 - " + OK_TIMEOUT_MS)).isEqualTo("OK pod-c1 fd00:10:244:1:0:0:0:11 8080");
            assertThat(agent.log()).contains("Service ranges (unallocated addresses dropped): [10.96.0.0/12, 192.0.2.192/26, "
                    + "2001:db8:1::ff00/120, fd00:10:96::/112] from ServiceCIDRs [extra, kubernetes]");
        } finally {
            Files.delete(cidrs);
        }
        for (String ip : List.of(IN_EXTRA_RANGE, IN_EXTRA_RANGE6)) {
            await(ip + " reachable again", () -> ask("pod-a1", "tcp " + ip + " 80 - " + OK_TIMEOUT_MS), a -> a.equals("REFUSED"));
        }
    }

    // --- helpers ------------------------------------------------------------------------------

    String ask(String who, String command) {
        return lab.helper(who).ask(command);
    }

    List<String> replies(String who, String command) {
        return Probes.replies(lab.helper(who), command);
    }

    String await(String what, Supplier<String> probe, Predicate<String> done) {
        return Probes.await(what, probe, done, () -> agent == null ? "" : agent.log());
    }
}
