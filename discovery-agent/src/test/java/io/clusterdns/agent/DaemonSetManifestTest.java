package io.clusterdns.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.clusterdns.agent.model.Cidr;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * k8s/deploy/components/discovery-agent/daemonset.yaml mounts kubeadm's {@code kube-proxy} ConfigMap as
 * kube-proxy's DaemonSet does, and its arguments, run against that ConfigMap's two files, give the
 * configuration kube-proxy would have: the file's cluster CIDR and its kubeconfig.conf as the API
 * connection.
 */
class DaemonSetManifestTest {
    static final Path MANIFEST = Path.of("..", "k8s", "deploy", "components", "discovery-agent", "daemonset.yaml");
    static final String MOUNT = "/var/lib/kube-proxy";

    static JsonNode podSpec() throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).readValues(Files.readString(MANIFEST))
                .forEachRemaining(n -> docs.add((JsonNode) n));
        return docs.stream().filter(d -> d.path("kind").asText().equals("DaemonSet")).findFirst().orElseThrow()
                .path("spec").path("template").path("spec");
    }

    @Test
    void mountsTheKubeProxyConfigMapAsKubeProxyDoes() throws IOException {
        JsonNode pod = podSpec();
        JsonNode container = pod.path("containers").get(0);

        assertThat(pod.path("volumes").findValues("configMap")).singleElement()
                .satisfies(cm -> assertThat(cm.path("name").asText()).isEqualTo("kube-proxy"));
        assertThat(pod.path("volumes").get(0).path("name").asText()).isEqualTo("kube-proxy");
        assertThat(container.path("volumeMounts").get(0).path("name").asText()).isEqualTo("kube-proxy");
        assertThat(container.path("volumeMounts").get(0).path("mountPath").asText()).isEqualTo(MOUNT);
        assertThat(args(container)).contains("--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)");
    }

    @Test
    void itsArgumentsWithKubeadmsConfigMapGiveKubeProxysSettings(@TempDir Path dir) throws IOException {
        // the ConfigMap's two files where the volume puts them, here under a temporary folder
        Files.writeString(dir.resolve("kubeconfig.conf"), Conventions.resource("kubeproxy/kubeadm-kubeconfig.conf"));
        Files.writeString(dir.resolve("config.conf"), Conventions.resource("kubeproxy/kubeadm-config.conf")
                .replace(MOUNT + "/kubeconfig.conf", dir.resolve("kubeconfig.conf").toString()));
        String[] args = args(podSpec().path("containers").get(0)).stream()
                .map(a -> a.replace(MOUNT, dir.toString()).replace("$(NODE_NAME)", "node-1").replace("$(NODE_IP)", "192.0.2.7"))
                .toArray(String[]::new);

        AgentConfig c = AgentConfigTest.parse(args);

        assertThat(c.nodeName()).isEqualTo("node-1");
        assertThat(c.clusterCidrs()).containsExactly(Cidr.parse("10.244.0.0/16"));
        assertThat(((ClusterSourceSpec.Api) c.source()).connection().kubeconfig()).isEqualTo(dir.resolve("kubeconfig.conf"));
        assertThat(c.metricsBind()).isEqualTo(ListenAddress.of("0.0.0.0:10249"));
        assertThat(c.healthzBind()).isEqualTo(ListenAddress.of("0.0.0.0:10256"));
    }

    static List<String> args(JsonNode container) {
        return StreamSupport.stream(container.path("args").spliterator(), false).map(JsonNode::asText).toList();
    }
}
