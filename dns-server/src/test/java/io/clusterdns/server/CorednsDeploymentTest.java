package io.clusterdns.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.server.corefile.CorefileParser;
import io.clusterdns.server.plan.BlockPlan;
import io.clusterdns.server.plan.CorefilePlan;
import io.clusterdns.server.plugin.health.HealthConfig;
import io.clusterdns.server.plugin.prometheus.PrometheusConfig;
import io.clusterdns.server.plugin.ready.ReadyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dns component's manifests (k8s/deploy/components/dns, read as files, so that this runs
 * without kubectl) keep the shape of kubeadm's CoreDNS objects, so that the operator's one-line
 * switch (replace the image) and the kustomize install agree: the Corefile is kubeadm's, and
 * what it configures is what the Deployment's probes, ports and mounts expect.
 * KubeadmCorednsObjectsTest compares the rendered overlay with kubeadm's objects field by field.
 */
class CorednsDeploymentTest {
    static final Path COMPONENT = Path.of("..", "k8s", "deploy", "components", "dns");
    static List<JsonNode> docs;

    @BeforeAll
    static void read() throws IOException {
        docs = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        try (Stream<Path> files = Files.list(COMPONENT)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("kustomization.yaml")).sorted().toList()) {
                mapper.readerFor(JsonNode.class).readValues(Files.readString(f)).forEachRemaining(n -> docs.add((JsonNode) n));
            }
        }
    }

    static JsonNode object(String kind, String name) {
        return docs.stream()
                .filter(d -> d.path("kind").asText().equals(kind) && d.path("metadata").path("name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + COMPONENT));
    }

    static String kubeadmCorefile() throws IOException {
        try (InputStream in = CorednsDeploymentTest.class.getResourceAsStream("/corefiles/kubeadm.Corefile")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static JsonNode container() {
        JsonNode containers = object("Deployment", "coredns").path("spec").path("template").path("spec").path("containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    static int containerPort(JsonNode container, String nameOrNumber) {
        if (nameOrNumber.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(nameOrNumber);
        }
        return StreamSupport.stream(container.path("ports").spliterator(), false)
                .filter(p -> p.path("name").asText().equals(nameOrNumber))
                .mapToInt(p -> p.path("containerPort").asInt()).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + nameOrNumber));
    }

    static String configMapCorefile() {
        return object("ConfigMap", "coredns").path("data").path("Corefile").asText();
    }

    @Test
    void theConfigMapHoldsKubeadmsCorefile() throws IOException {
        assertThat(configMapCorefile()).isEqualTo(kubeadmCorefile());
    }

    @Test
    void theContainerRunsAsKubeadmsDoes() {
        JsonNode c = container();
        assertThat(c.path("name").asText()).isEqualTo("coredns");
        assertThat(c.path("args")).extracting(JsonNode::asText).containsExactly("-conf", "/etc/coredns/Corefile");
        assertThat(c.path("volumeMounts").get(0).path("mountPath").asText()).isEqualTo("/etc/coredns");
        JsonNode security = c.path("securityContext");
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(security.path("capabilities").path("add")).extracting(JsonNode::asText).containsExactly("NET_BIND_SERVICE");
        assertThat(object("Deployment", "coredns").path("spec").path("template").path("spec").path("dnsPolicy").asText())
                .as("forward . /etc/resolv.conf must read the node's resolver, not ourselves").isEqualTo("Default");
    }

    @Test
    void probesAndPortsMeetWhatTheCorefileConfigures() throws IOException {
        List<BlockPlan> blocks = CorefilePlan.blocks(
                CorefileParser.parse(configMapCorefile(), Path.of("/etc/coredns/Corefile"), Map.of()), 53);
        assertThat(blocks).hasSize(1);
        BlockPlan block = blocks.get(0);
        JsonNode c = container();

        assertThat(block.keys()).allSatisfy(k -> assertThat(k.port()).isEqualTo(53));
        assertThat(containerPort(c, "dns")).isEqualTo(53);
        assertThat(containerPort(c, "dns-tcp")).isEqualTo(53);
        JsonNode liveness = c.path("livenessProbe").path("httpGet");
        JsonNode readiness = c.path("readinessProbe").path("httpGet");
        assertThat(liveness.path("path").asText()).isEqualTo("/health");
        assertThat(readiness.path("path").asText()).isEqualTo("/ready");
        assertThat(containerPort(c, liveness.path("port").asText()))
                .isEqualTo(block.plugin(HealthConfig.class).map(h -> h.address().port()).orElseThrow());
        assertThat(containerPort(c, readiness.path("port").asText()))
                .isEqualTo(block.plugin(ReadyConfig.class).map(r -> r.address().port()).orElseThrow());
        ListenAddress metrics = block.plugin(PrometheusConfig.class).map(PrometheusConfig::address).orElseThrow();
        assertThat(containerPort(c, "metrics")).isEqualTo(metrics.port());
        assertThat(object("Service", "kube-dns").path("metadata").path("annotations").path("prometheus.io/port").asText())
                .isEqualTo(String.valueOf(metrics.port()));
    }
}
