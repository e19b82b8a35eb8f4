package io.clusterdns.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.nft.FakeNft;
import io.clusterdns.k8s.testing.MockApiServerProcess;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent's API-server path: {@code --master} through the k8s informer source against
 * fabric8's mock API server (a child JVM, {@link MockApiServerProcess}), checked with
 * {@code --dry-run} so nothing touches the host's nftables.
 *
 * <pre>
 * default/web   ClusterIP 10.96.0.50, port 80/TCP -> 8080; slice web-a: 10.244.1.5 on node-1
 * </pre>
 */
class DiscoveryAgentKubernetesTest {
    static MockApiServerProcess api;

    @BeforeAll
    static void launch() {
        api = MockApiServerProcess.launch();
    }

    @AfterAll
    static void quit() {
        if (api != null) {
            api.close();
        }
    }

    String dryRun() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DiscoveryAgentMain.commandLine(new DiscoveryAgentMain(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), FakeNft::new, () -> f -> 0, Map.of()))
                .execute("--master", api.url(), "--node-name", "node-1", "--cluster-cidr", "10.244.0.0/16", "--dry-run");
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    static EndpointSlice slice(boolean ready) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withName("web-a").withNamespace("default")
                .addToLabels("kubernetes.io/service-name", "web").endMetadata()
                .withAddressType("IPv4")
                .addNewEndpoint().withAddresses("10.244.1.5").withNodeName("node-1")
                .withNewConditions().withReady(ready).withServing(ready).withTerminating(false).endConditions().endEndpoint()
                .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort()
                .build();
    }

    @Test
    void rulesFollowServicesAndEndpointSlicesFromTheApiServer() {
        try (KubernetesClient client = api.client()) {
            client.resource(new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build()).create();
            client.resource(new ServiceBuilder()
                    .withNewMetadata().withName("web").withNamespace("default").endMetadata()
                    .withNewSpec().withType("ClusterIP").withClusterIP("10.96.0.50").withClusterIPs("10.96.0.50")
                    .addToSelector("app", "web")
                    .addNewPort().withName("http").withProtocol("TCP").withPort(80)
                    .withNewTargetPort(8080).endPort().endSpec()
                    .build()).create();
            client.resource(slice(true)).create();

            assertThat(dryRun()).contains("10.96.0.50 . tcp . 80 : goto service-", ": 10.244.1.5 . 8080");

            client.resource(slice(false)).update();

            // no ready endpoint left: the ClusterIP goes to the no-endpoint map (REJECT)
            String rules = dryRun();
            assertThat(rules).doesNotContain(": 10.244.1.5 . 8080");
            assertThat(rules).contains("10.96.0.50 . tcp . 80 comment \"default/web:http\" : goto reject-chain");
        }
    }

    /**
     * kube-proxy's way in: {@code --config} with kubeadm's file, whose
     * {@code clientConnection.kubeconfig} (a kubeconfig with a {@code tokenFile}, as kubeadm's
     * kubeconfig.conf) is the API connection; the file's clusterCIDR shapes the rules.
     */
    @Test
    void kubeProxysConfigFileConnectsThroughItsKubeconfig(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // objects of their own (namespace kp), whatever order the tests run in
        try (KubernetesClient client = api.client()) {
            client.resource(new NamespaceBuilder().withNewMetadata().withName("kp").endMetadata().build()).create();
            client.resource(new ServiceBuilder()
                    .withNewMetadata().withName("api").withNamespace("kp").endMetadata()
                    .withNewSpec().withType("ClusterIP").withClusterIP("10.96.0.60").withClusterIPs("10.96.0.60")
                    .addNewPort().withName("http").withProtocol("TCP").withPort(80).withNewTargetPort(8080).endPort().endSpec()
                    .build()).create();
            client.resource(new EndpointSliceBuilder()
                    .withNewMetadata().withName("api-a").withNamespace("kp").addToLabels("kubernetes.io/service-name", "api").endMetadata()
                    .withAddressType("IPv4")
                    .addNewEndpoint().withAddresses("10.244.2.6").withNodeName("node-2")
                    .withNewConditions().withReady(true).withServing(true).withTerminating(false).endConditions().endEndpoint()
                    .addNewPort().withName("http").withProtocol("TCP").withPort(8080).endPort()
                    .build()).create();
        }
        java.nio.file.Files.writeString(dir.resolve("token"), "service-account-token");
        java.nio.file.Path kubeconfig = dir.resolve("kubeconfig.conf");
        java.nio.file.Files.writeString(kubeconfig, Conventions.resource("kubeproxy/kubeadm-kubeconfig.conf")
                .replace("https://10.128.0.16:6443", api.url())
                .replace("    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt\n", "")
                .replace("/var/run/secrets/kubernetes.io/serviceaccount/token", "token"));
        java.nio.file.Path conf = dir.resolve("config.conf");
        java.nio.file.Files.writeString(conf, Conventions.resource("kubeproxy/kubeadm-config.conf")
                .replace("/var/lib/kube-proxy/kubeconfig.conf", kubeconfig.toString()));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DiscoveryAgentMain.commandLine(new DiscoveryAgentMain(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), FakeNft::new, () -> f -> 0, Map.of()))
                .execute("--config=" + conf, "--hostname-override=node-1", "--dry-run");

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("10.96.0.60 . tcp . 80 : goto service-", ": 10.244.2.6 . 8080",
                "ip daddr @cluster-ips ip saddr != 10.244.0.0/16 jump mark-for-masquerade");
    }
}
