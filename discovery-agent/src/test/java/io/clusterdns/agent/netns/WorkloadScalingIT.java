package io.clusterdns.agent.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.manifest.ManifestSnapshots;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.NetNamespaces;
import io.clusterdns.k8s.testing.WorkloadManifests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's acceptance, data-plane half: the agent runs on manifests whose pods come from a
 * Deployment alone (no Pod written); raising {@code replicas} in the file adds the new pod to the
 * node's DNAT rules, and connections to the ClusterIP then land on it, with no restart.
 *
 * <p>The generated pods' addresses are deterministic (a function of the manifests), so the test
 * asks {@link ManifestSnapshots} for them first and builds the pod namespaces of a {@link Lab} at
 * exactly those addresses: Node node-1 with podCIDR 10.244.1.0/24, Service web 10.96.1.90:80 to
 * the container port named http (8080). Needs root; skips otherwise (fails under
 * CLUSTERDNS_REQUIRE_PRIVILEGED=1). Every namespace is deleted afterwards, and only the agent
 * started here is stopped, by PID.
 */
class WorkloadScalingIT {
    static final String CLUSTER_IP = "10.96.1.90";

    @TempDir
    Path dir;

    static String manifests(int replicas) {
        return """
                apiVersion: v1
                kind: Node
                metadata: {name: node-1}
                spec: {podCIDR: 10.244.1.0/24}
                ---
                """ + WorkloadManifests.web(CLUSTER_IP, replicas);
    }

    /** Pod name → IPv4 address of the pods the manifests generate. */
    static Map<String, String> generatedPods(Path manifests) {
        ClusterSnapshot s = ManifestSnapshots.load(manifests);
        Map<String, String> out = new TreeMap<>();
        for (PodInfo p : s.pods()) {
            out.put(p.name(), IpAddresses.format(p.ips().get(0)));
        }
        return out;
    }

    static void write(Path folder, String yaml) throws IOException {
        Path tmp = Files.writeString(folder.resolve(".web.yaml.tmp"), yaml);
        Files.move(tmp, folder.resolve("web.yaml"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void raisingReplicasInTheFileAddsTheNewPodToTheDnatRulesAndItReceivesTraffic() throws Exception {
        Probes.requireAgentPrivileges();
        Path preview = Files.createDirectories(dir.resolve("preview"));
        write(preview, manifests(2));
        Map<String, String> two = generatedPods(preview);
        write(preview, manifests(1));
        Map<String, String> one = generatedPods(preview);
        assertThat(two).hasSize(2).containsAllEntriesOf(one);
        String first = one.keySet().iterator().next();
        String added = two.keySet().stream().filter(n -> !n.equals(first)).findFirst().orElseThrow();
        assertThat(two.values()).allMatch(ip -> ip.startsWith("10.244.1."));

        Path manifests = Files.createDirectories(dir.resolve("manifests"));
        write(manifests, manifests(1));
        List<Lab.Pod> pods = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, String> p : two.entrySet()) {
            // the lab names pod namespaces after the pods; the echo servers answer with that name
            pods.add(new Lab.Pod(p.getKey(), p.getValue(), "fd00:10:244:1::" + (0x10 + n++), "node-1"));
        }
        Lab lab = Lab.create("wlscale", pods, List.of("tcp:8080"), dir);
        AgentProcess agent = null;
        try {
            agent = AgentProcess.start(lab.ns("node"), dir.resolve("agent.log"), List.of(
                    "--manifests", manifests.toString(), "--node-name", "node-1", "--node-ip", Lab.NODE_IP,
                    "--cluster-cidr", "10.244.0.0/16", "--min-sync-period", "100ms", "--sync-period", "10s"));
            AgentProcess running = agent;
            Probes.await("the agent programs web with its one pod", () -> lab.helper("client").ask("tcp " + CLUSTER_IP + " 80 - 3000"),
                    a -> a.startsWith("OK " + first + " "), running::log);
            assertThat(rules(lab)).contains(two.get(first)).doesNotContain(two.get(added));

            write(manifests, manifests(2));
            Probes.await("the new pod's address in the node's rules", () -> rules(lab), r -> r.contains(two.get(added)), running::log);
            Set<String> seen = new HashSet<>();
            // both pods, not only the new one: a batch of connections can all land on one pod
            Await.until("connections to the ClusterIP to land on the new pod " + added + " and on " + first, () -> {
                String answer = lab.helper("client").ask("tcpn " + CLUSTER_IP + " 80 10 3000");
                seen.addAll(Probes.pods(Probes.split(answer).stream().filter(r -> r.startsWith("OK ")).toList()));
                return seen;
            }, s -> s.contains(added) && s.contains(first));
            assertThat(seen).containsExactlyInAnyOrder(first, added);
        } finally {
            try {
                if (agent != null) {
                    assertThat(agent.stop(Await.DEADLINE)).as("agent exit code after SIGTERM; log:\n%s", agent.log()).isIn(0, 143);
                    NetNamespaces.exec(lab.ns("node"), io.clusterdns.agent.netns.NetHelper.javaBin(), "-jar",
                            AgentProcess.JAR.toString(), "--cleanup");
                }
            } finally {
                Probes.closeAndCheckDeleted(lab.netns(), lab);
            }
        }
    }

    private static String rules(Lab lab) {
        return NetNamespaces.exec(lab.ns("node"), "nft", "list", "table", "ip", "clusterdns").output();
    }
}
