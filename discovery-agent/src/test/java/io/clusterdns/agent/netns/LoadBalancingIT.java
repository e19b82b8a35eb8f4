package io.clusterdns.agent.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.lb.LoadBalancing;
import io.clusterdns.agent.lb.LookupTable;
import io.clusterdns.agent.lb.NftJhash;
import io.clusterdns.agent.model.Endpoint;
import io.clusterdns.agent.model.ServicePortName;
import io.clusterdns.agent.nft.ChainNames;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.Commands;
import io.clusterdns.k8s.testing.NetNamespaces;
import io.clusterdns.k8s.testing.Privileged;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load balancing modes with real connections: the agent (shaded jar) in the node namespace of
 * a {@link Lab}, two backend pods that each serve on many ports (each ip:port is one endpoint, so
 * N endpoints cost two JVMs, not N), and a client pod that opens connections from fixed source
 * ports, so that a probe can repeat the same 5-tuples.
 *
 * <p>Asserted: only deterministic properties (the kernel's map is the mode's table of the
 * endpoints, {@code MaglevTable} or {@code RendezvousTable}, every flow reaches the endpoint of the
 * slot {@link NftJhash} computes for its 5-tuple, flows reach only live endpoints, the same 5-tuple
 * reaches the same endpoint twice in a row and again once the endpoint set is restored, with
 * rendezvous only the flows of the endpoint that went move, round-robin reaches all N endpoints in
 * N connections, maglev-source sends a client to one endpoint). The fraction of flows that move
 * when one endpoint goes is printed, not asserted (README "Load balancing");
 * {@code -Dlb.backends=100 -Dlb.flows=20000 -Dlb.hrwTableSize=4093 [-Dlb.tableSize=65537]} measures
 * the README's case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadBalancingIT {
    /** {@code --nft-backend}: the netlink variant of this class runs every test again over netlink batches. */
    String backend() {
        return "cli";
    }

    static final int BACKENDS = Integer.getInteger("lb.backends", 20);
    static final int FLOWS = Integer.getInteger("lb.flows", 300);
    /** Passed to {@code --maglev-table-size} when set. */
    static final Integer TABLE_SIZE = Integer.getInteger("lb.tableSize");
    /** The rendezvous service's {@code clusterdns.io/maglev-table-size} annotation: not the node's by default, so that the annotation is what sets it. */
    static final int HRW_TABLE_SIZE = Integer.getInteger("lb.hrwTableSize", 2039);
    static final int PORTS = BACKENDS / 2;
    static final int FIRST_PORT = 9100;
    static final int FIRST_SRC_PORT = 20000;
    static final String[] BACKEND_IPS = {"10.244.1.31", "10.244.2.32"};
    static final String CLIENT = "pod-cl";
    static final Inet4Address CLIENT_IP = ipv4("10.244.1.40");
    static final int TIMEOUT_MS = 3000;
    static final ServicePortName MAG = new ServicePortName(ServiceKey.of("default", "mag"), "http", Protocol.TCP);
    static final ServicePortName HRW = new ServicePortName(ServiceKey.of("default", "hrw"), "http", Protocol.TCP);

    @TempDir
    static Path dir;
    Path manifests;
    Lab lab;
    AgentProcess agent;

    @BeforeAll
    void startLabAndAgent() throws Exception {
        NetNamespaces.requirePrivileges("network namespace tests");
        Privileged.requireTool("nft", "nftables");
        manifests = Files.createDirectories(dir.resolve("manifests"));
        Files.writeString(manifests.resolve("services.yaml"), services());
        Files.writeString(manifests.resolve("mag-slices.yaml"), slices("mag", PORTS, null));
        Files.writeString(manifests.resolve("hrw-slices.yaml"), slices("hrw", PORTS, null));
        Files.writeString(manifests.resolve("other-slices.yaml"), slices("rr", 3, null) + "---\n" + slices("src", 3, null));
        List<String> listeners = IntStream.range(0, PORTS).mapToObj(i -> "tcp:" + (FIRST_PORT + i)).toList();
        lab = Lab.create("lb" + (backend().equals("cli") ? "" : "n"), List.of(
                new Lab.Pod("pod-m1", BACKEND_IPS[0], "fd00:10:244:1::31", "node-1"),
                new Lab.Pod("pod-m2", BACKEND_IPS[1], "fd00:10:244:2::32", "node-2"),
                new Lab.Pod(CLIENT, "10.244.1.40", "fd00:10:244:1::40", "node-1")), listeners, dir);
        List<String> args = new ArrayList<>(List.of(
                "--manifests", manifests.toString(), "--node-name", "node-1", "--node-ip", Lab.NODE_IP,
                "--cluster-cidr", "10.244.0.0/16", "--min-sync-period", "100ms", "--sync-period", "10s", "--nft-backend", backend()));
        if (TABLE_SIZE != null) {
            args.addAll(List.of("--maglev-table-size", TABLE_SIZE.toString()));
        }
        agent = AgentProcess.start(lab.ns("node"), dir.resolve("agent.log"), args);
        await("the agent programs the services", () -> lab.helper(CLIENT).ask("tcp 10.96.2.1 80 - 1000"), a -> a.startsWith("OK"));
    }

    @AfterAll
    void stopAgentAndDeleteNamespaces() throws Exception {
        if (lab == null) {
            return;
        }
        try {
            if (agent != null) {
                agent.stop(Await.DEADLINE);
                NetNamespaces.exec(lab.ns("node"), NetHelper.javaBin(), "-jar", AgentProcess.JAR.toString(), "--cleanup");
            }
        } finally {
            // main has Probes.closeAndCheckDeleted(lab.netns(), lab) for this (not on this branch yet)
            List<String> created = lab.netns().created();
            lab.close();
            String remaining = Commands.check("ip", "netns", "list");
            for (String ns : created) {
                assertThat(remaining).as("namespace %s deleted", ns).doesNotContain(ns);
            }
        }
    }

    @Test
    void maglevKeepsFlowsOnTheirEndpointAndMovesFewWhenOneGoes() throws Exception {
        consistentHashing(MAG, "10.96.2.1", LoadBalancing.MAGLEV);
    }

    @Test
    void rendezvousKeepsFlowsOnTheirEndpointAndMovesOnlyThoseOfTheOneThatGoes() throws Exception {
        consistentHashing(HRW, "10.96.2.4", LoadBalancing.RENDEZVOUS);
    }

    void consistentHashing(ServicePortName svc, String vip, LoadBalancing mode) throws Exception {
        String slicesFile = svc.service().name() + "-slices.yaml";
        TableRule rule = tableRule(svc);
        if (mode == LoadBalancing.RENDEZVOUS) {
            assertThat(rule.mod()).as("M from the service's annotation").isEqualTo(HRW_TABLE_SIZE);
        }
        List<String> all = endpoints(null);
        String[] tableBefore = kernelTable(svc, all);
        assertThat(tableBefore).as("the kernel's map is the %s table of the endpoints", mode)
                .containsExactly(labels(mode.table(all, rule.mod())));
        List<String> first = flows(vip);
        assertThat(first).as("every flow reaches the endpoint of the slot the kernel's jhash gives its 5-tuple")
                .isEqualTo(predicted(tableBefore, rule, vip));
        assertThat(flows(vip)).as("the same 5-tuples, again").isEqualTo(first);

        // one endpoint of N goes: flows must leave it, and only reach live endpoints
        String gone = BACKEND_IPS[1] + ":" + (FIRST_PORT + PORTS / 2);
        Files.writeString(manifests.resolve(slicesFile), slices(svc.service().name(), PORTS, gone));
        String goneChain = ChainNames.endpoint(svc, endpoint(gone));
        await("the agent drops " + gone, () -> kernelMap(svc), l -> l.contains("goto") && !l.contains(goneChain));
        String[] tableAfter = kernelTable(svc, all);
        assertThat(tableAfter).containsExactly(labels(mode.table(endpoints(gone), rule.mod())));
        List<String> after = flows(vip);
        assertThat(new HashSet<>(after)).as("only live endpoints").isSubsetOf(backends(gone));
        assertThat(after).as("every flow reaches its slot's endpoint, after the change").isEqualTo(predicted(tableAfter, rule, vip));
        assertThat(flows(vip)).as("the same 5-tuples, again, after the change").isEqualTo(after);
        int moved = 0;
        int onGone = 0;
        for (int i = 0; i < FLOWS; i++) {
            moved += first.get(i).equals(after.get(i)) ? 0 : 1;
            onGone += first.get(i).equals(label(gone)) ? 1 : 0;
        }
        if (mode == LoadBalancing.RENDEZVOUS) {
            assertThat(moved).as("flows moved: only those of the endpoint that went").isEqualTo(onGone);
        }
        printMoved(mode, rule, vip, tableBefore, tableAfter, moved, onGone);

        // the endpoint comes back: the table is a function of the endpoint set, so every flow is where it was
        Files.writeString(manifests.resolve(slicesFile), slices(svc.service().name(), PORTS, null));
        await("the agent restores " + gone, () -> kernelMap(svc), l -> l.contains(goneChain));
        List<String> restored = flows(vip);
        assertThat(restored).as("flows after the endpoint came back").isEqualTo(first);
    }

    /**
     * The README's figures: the moved fraction with real connections (and its 95 % Wilson interval:
     * at 2,000 flows a 4 % figure is ±0.9 %, at 20,000 ±0.3 %), the same over all M slots (exact),
     * and over every source port of the client (64,512 5-tuples through the kernel's jhash).
     */
    void printMoved(LoadBalancing mode, TableRule rule, String vip, String[] before, String[] after, int moved, int onGone) {
        int slotsMoved = 0;
        for (int s = 0; s < before.length; s++) {
            slotsMoved += before[s].equals(after[s]) ? 0 : 1;
        }
        int tuplesMoved = 0;
        int tuples = 0;
        for (int port = 1024; port < 65536; port++, tuples++) {
            int slot = NftJhash.fiveTupleSlot(CLIENT_IP, ipv4(vip), 6, port, 80, rule.seed(), rule.mod());
            tuplesMoved += before[slot].equals(after[slot]) ? 0 : 1;
        }
        double[] ci = wilson(moved, FLOWS);
        System.out.printf("%s (M=%d, %s), %d endpoints -> %d: real connections %d of %d moved (%.2f %%, 95 %% CI %.2f–%.2f %%), "
                        + "%d of them from the removed endpoint; all slots %d of %d (%.2f %%); all 64,512 source ports %.2f %%%n",
                mode, rule.mod(), backend(), BACKENDS, BACKENDS - 1, moved, FLOWS, 100.0 * moved / FLOWS, 100 * ci[0], 100 * ci[1], onGone,
                slotsMoved, before.length, 100.0 * slotsMoved / before.length, 100.0 * tuplesMoved / tuples);
    }

    /** Wilson score interval (95 %) of a proportion k/n. */
    static double[] wilson(int k, int n) {
        double z = 1.96;
        double p = (double) k / n;
        double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / (1 + z * z / n);
        return new double[] {centre - half, centre + half};
    }
    @Test
    void roundRobinReachesEveryEndpointInNConnections() {
        // rr has 6 endpoints and no other client: 6 consecutive new connections take one each
        List<String> six = replies(lab.helper(CLIENT).ask("tcpn 10.96.2.2 80 6 " + TIMEOUT_MS));
        assertThat(new HashSet<>(six)).as("6 connections, 6 endpoints").hasSize(6);
        List<String> next = replies(lab.helper(CLIENT).ask("tcpn 10.96.2.2 80 6 " + TIMEOUT_MS));
        assertThat(next).as("the next round, in the same order").isEqualTo(six);
    }

    @Test
    void maglevSourceSendsAClientToOneEndpoint() {
        List<String> replies = flows("10.96.2.3");
        assertThat(new HashSet<>(replies)).as("endpoints one client reached over %d source ports", FLOWS).hasSize(1);
    }

    // --- manifests ----------------------------------------------------------------------------

    static String services() {
        StringBuilder sb = new StringBuilder();
        String[][] svcs = {{"mag", "10.96.2.1", "maglev"}, {"rr", "10.96.2.2", "round-robin"}, {"src", "10.96.2.3", "maglev-source"},
                {"hrw", "10.96.2.4", "rendezvous, clusterdns.io/maglev-table-size: \"" + HRW_TABLE_SIZE + "\""}};
        for (String[] s : svcs) {
            sb.append("""
                    apiVersion: v1
                    kind: Service
                    metadata: {name: %s, namespace: default, annotations: {clusterdns.io/load-balancing: %s}}
                    spec:
                      clusterIP: %s
                      ports: [{name: http, port: 80}]
                    ---
                    """.formatted(s[0], s[2], s[1]));
        }
        return sb.toString();
    }

    /** One EndpointSlice per port, each with both backend pods; {@code without} (ip:port) left out. */
    static String slices(String service, int ports, String without) {
        List<String> docs = new ArrayList<>();
        for (int i = 0; i < ports; i++) {
            int port = FIRST_PORT + i;
            StringBuilder sb = new StringBuilder("""
                    apiVersion: discovery.k8s.io/v1
                    kind: EndpointSlice
                    metadata: {name: %s-%d, namespace: default, labels: {kubernetes.io/service-name: %s}}
                    addressType: IPv4
                    ports: [{name: http, port: %d, protocol: TCP}]
                    endpoints:
                    """.formatted(service, port, service, port));
            for (int b = 0; b < BACKEND_IPS.length; b++) {
                if (!(BACKEND_IPS[b] + ":" + port).equals(without)) {
                    sb.append("- {addresses: [").append(BACKEND_IPS[b]).append("], nodeName: node-").append(b + 1)
                            .append(", conditions: {ready: true}}\n");
                }
            }
            docs.add(sb.toString());
        }
        return String.join("---\n", docs);
    }

    /** What the echo servers answer for every endpoint but {@code without}: {@code pod-m1 10.244.1.40 9100}. */
    /** Every endpoint (ip:port) but {@code without}. */
    static List<String> endpoints(String without) {
        List<String> out = new ArrayList<>();
        for (String ip : BACKEND_IPS) {
            for (int i = 0; i < PORTS; i++) {
                String ep = ip + ":" + (FIRST_PORT + i);
                if (!ep.equals(without)) {
                    out.add(ep);
                }
            }
        }
        return out;
    }

    static Set<String> backends(String without) {
        Set<String> out = new HashSet<>();
        for (String ip : BACKEND_IPS) {
            for (int i = 0; i < PORTS; i++) {
                String ep = ip + ":" + (FIRST_PORT + i);
                if (!ep.equals(without)) {
                    out.add(label(ep));
                }
            }
        }
        return out;
    }

    static String label(String endpoint) {
        String ip = endpoint.substring(0, endpoint.indexOf(':'));
        String pod = ip.equals(BACKEND_IPS[0]) ? "pod-m1" : "pod-m2";
        return pod + " 10.244.1.40 " + endpoint.substring(endpoint.indexOf(':') + 1);
    }

    static Inet4Address ipv4(String a) {
        return (Inet4Address) IpAddresses.parse(a);
    }

    static Endpoint endpoint(String hostPort) {
        int colon = hostPort.indexOf(':');
        return new Endpoint(IpAddresses.parse(hostPort.substring(0, colon)), Integer.parseInt(hostPort.substring(colon + 1)),
                true, true, false, false);
    }

    // --- helpers ------------------------------------------------------------------------------

    /** The endpoint each of FLOWS connections (source ports FIRST_SRC_PORT...) reached. */
    List<String> flows(String clusterIp) {
        return replies(lab.helper(CLIENT).ask("tcpflows " + clusterIp + " 80 " + FIRST_SRC_PORT + " " + FLOWS + " " + TIMEOUT_MS));
    }

    /** {@code mod M seed S} of a service's jhash rule, as the kernel holds it. */
    record TableRule(int mod, int seed) {
    }

    TableRule tableRule(ServicePortName svc) {
        String table = NetNamespaces.exec(lab.ns("node"), "nft", "list", "table", "ip", "clusterdns").output();
        Matcher m = Pattern.compile("jhash ip saddr \\. ip daddr \\. meta l4proto \\. th sport \\. th dport mod (\\d+) seed (0x[0-9a-f]+) vmap @"
                + Pattern.quote(ChainNames.maglev(svc))).matcher(table);
        assertThat(m.find()).as("the %s service's jhash rule in\n%s", svc, table).isTrue();
        return new TableRule(Integer.parseInt(m.group(1)), Integer.parseUnsignedInt(m.group(2).substring(2), 16));
    }

    /** A service's table map as the kernel holds it, as the echo label of each slot's endpoint (one of {@code candidates}). */
    String[] kernelTable(ServicePortName svc, List<String> candidates) {
        Map<String, String> labelOf = new HashMap<>();
        for (String ep : candidates) {
            labelOf.put(ChainNames.endpoint(svc, endpoint(ep)), label(ep));
        }
        Map<Integer, String> slots = new HashMap<>();
        Matcher m = Pattern.compile("(\\d+) : goto \"?([^,\\s\"}]+)").matcher(kernelMap(svc));
        while (m.find()) {
            slots.put(Integer.parseInt(m.group(1)), labelOf.getOrDefault(m.group(2), "unknown chain " + m.group(2)));
        }
        String[] out = new String[slots.size()];
        for (int s = 0; s < out.length; s++) {
            out[s] = slots.getOrDefault(s, "no slot " + s);
        }
        return out;
    }

    static String[] labels(LookupTable t) {
        String[] out = new String[t.size()];
        for (int s = 0; s < out.length; s++) {
            out[s] = label(t.owner(s));
        }
        return out;
    }

    /** The endpoint each flow of {@link #flows} must reach through {@code table}, by the kernel's jhash of its 5-tuple. */
    static List<String> predicted(String[] table, TableRule rule, String vip) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < FLOWS; i++) {
            out.add(table[NftJhash.fiveTupleSlot(CLIENT_IP, ipv4(vip), 6, FIRST_SRC_PORT + i, 80, rule.seed(), rule.mod())]);
        }
        return out;
    }

    /** A service's table map as the kernel holds it (slot : goto endpoint chain). */
    String kernelMap(ServicePortName svc) {
        return NetNamespaces.exec(lab.ns("node"), "nft", "list", "map", "ip", "clusterdns", ChainNames.maglev(svc)).output();
    }

    static List<String> replies(String answer) {
        assertThat(answer).startsWith("OK ");
        List<String> out = new ArrayList<>();
        for (String r : answer.substring(3).split("\\|")) {
            assertThat(r).as("every connection").startsWith("OK ");
            out.add(r.substring(3));
        }
        return out;
    }

    String await(String what, Supplier<String> probe, Predicate<String> done) {
        try {
            return Await.until(what, Await.DEADLINE, probe, done);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nagent log:\n" + (agent == null ? "" : agent.log()), e);
        }
    }
}
