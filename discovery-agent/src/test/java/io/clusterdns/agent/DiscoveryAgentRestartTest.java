package io.clusterdns.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.kernel.ProcessConntrack;
import io.clusterdns.agent.kernel.ProcessNft;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.persist.SnapshotStore;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.MockApiServerProcess;
import io.clusterdns.k8s.testing.NetNamespaces;
import io.clusterdns.k8s.testing.Privileged;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The agent restarted while the API server is down, with the real nft in a network namespace made
 * here and the mock API server in a child JVM: with its persisted snapshot it programs the rules it
 * knew (even into a table someone emptied) and switches to live data when the API server is back;
 * without one it writes nothing until the first complete view, so the rules in place stay. Needs
 * root; skips otherwise (fails under CLUSTERDNS_REQUIRE_PRIVILEGED=1).
 */
class DiscoveryAgentRestartTest {
    NetNamespaces netns;
    String ns;
    MockApiServerProcess api;
    KubernetesClient kube;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        NetNamespaces.requirePrivileges("network namespace tests");
        Privileged.requireTool("nft", "nftables");
        Privileged.requireTool("conntrack", "conntrack");
        netns = new NetNamespaces("ar");
        netns.deleteLeftovers();
        ns = netns.create("a");
        api = MockApiServerProcess.launch();
        kube = api.client();
        kube.resource(new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build()).create();
        kube.resource(service("web", "10.96.0.50")).create();
        kube.resource(DiscoveryAgentKubernetesTest.slice(true)).create();
    }

    @AfterEach
    void tearDown() {
        if (kube != null) {
            kube.close();
        }
        if (api != null) {
            api.close();
        }
        if (netns != null) {
            netns.close();
        }
    }

    DiscoveryAgent agent(String snapshotFile) {
        DiscoveryAgentMain main = new DiscoveryAgentMain(System.out, System.err, () -> null, () -> null, Map.of());
        new CommandLine(main).parseArgs("--master", api.url(), "--snapshot-file", snapshotFile, "--node-name", "node-1",
                "--cluster-cidr", "10.244.0.0/16", "--healthz-bind-address", "off", "--metrics-bind-address", "off");
        AgentConfig config = main.config();
        return new DiscoveryAgent(config, DiscoveryAgent.createSource(config, true),
                new ProcessNft(List.of("ip", "netns", "exec", ns, "nft"), Duration.ofMinutes(1)),
                new ProcessConntrack(List.of("ip", "netns", "exec", ns, "conntrack")));
    }

    String ruleset() {
        return NetNamespaces.exec(ns, "nft", "list", "ruleset").output();
    }

    @Test
    void withItsPersistedSnapshotARestartWhileTheApiServerIsDownProgramsWhatItKnewThenLiveData() throws Exception {
        Path file = dir.resolve("agent.snapshot");
        try (DiscoveryAgent first = agent(file.toString())) {
            first.start();
            Await.until("web's rules", () -> ruleset().contains("10.96.0.50"));
            Await.until("the snapshot file with web", () -> {
                try {
                    return new SnapshotStore(file).read().map(p -> p.snapshot().service(ServiceKey.of("default", "web")) != null)
                            .orElse(false);
                } catch (Exception e) {
                    return false;
                }
            });
        }
        // while no agent runs: the cluster changes, the node's table is lost, the API server goes down
        kube.resource(service("web", "10.96.0.50")).delete();
        kube.resource(service("api", "10.96.0.60")).create();
        EndpointSlice apiSlice = DiscoveryAgentKubernetesTest.slice(true);
        apiSlice.getMetadata().setName("api-a");
        apiSlice.getMetadata().getLabels().put("kubernetes.io/service-name", "api");
        kube.resource(apiSlice).create();
        NetNamespaces.exec(ns, "nft", "flush", "ruleset");
        api.stop();

        try (DiscoveryAgent second = agent(file.toString())) {
            second.start();
            Await.until("web's rules programmed from the persisted snapshot", () -> ruleset().contains("10.96.0.50"));
            System.gc(); // the meters must not depend on objects only Micrometer's weak references hold
            assertThat(second.metrics().scrape()).contains("clusterdns_cluster_snapshot_stale 1.0");

            api.start();
            Await.until("live data: api's rules, web's gone", () -> {
                String r = ruleset();
                return r.contains("10.96.0.60") && !r.contains("10.96.0.50");
            });
            assertThat(second.metrics().scrape()).contains("clusterdns_cluster_snapshot_stale 0.0");
        }
    }

    @Test
    void withoutASnapshotARestartWhileTheApiServerIsDownWritesNothingAndTheRulesInPlaceStay() throws Exception {
        try (DiscoveryAgent first = agent("off")) {
            first.start();
            Await.until("web's rules", () -> ruleset().contains("10.96.0.50"));
        }
        String before = ruleset();
        api.stop();
        try (DiscoveryAgent second = agent("off")) {
            second.start();
            Await.until("the second agent tried the API server and is waiting", () -> second.source().syncStatus().lastError() != null);
            assertThat(second.syncer().hasWritten()).as("nothing written before a complete view").isFalse();
            assertThat(ruleset()).isEqualTo(before);
        }
    }

    static Service service(String name, String ip) {
        return new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace("default").endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(ip).withClusterIPs(ip)
                .addToSelector("app", "web")
                .addNewPort().withName("http").withProtocol("TCP").withPort(80).withNewTargetPort(8080).endPort().endSpec()
                .build();
    }
}
