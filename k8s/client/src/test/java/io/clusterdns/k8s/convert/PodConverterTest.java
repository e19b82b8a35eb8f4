package io.clusterdns.k8s.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.model.ContainerPort;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.Protocol;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodConverterTest {
    // Conventions: pods 10.244.0.0/16 and fd00:10:244::/64 on node-1/node-2; StatefulSet mongo behind mongo-headless.

    private static PodInfo convert(String yaml) {
        return PodConverter.convert(Fabric8Yaml.read(yaml, Pod.class));
    }

    @Test
    void convertsDnsRelevantFields() {
        PodInfo pod = convert("""
                metadata:
                  name: mongo-0
                  namespace: db
                  labels: {app: mongo}
                  deletionTimestamp: "2025-01-15T10:00:00Z"
                spec:
                  hostname: mongo-0
                  subdomain: mongo-headless
                  nodeName: node-1
                  initContainers:
                  - name: setup
                    ports: [{name: ignored, containerPort: 1}]
                  - name: proxy
                    restartPolicy: Always
                    ports: [{name: proxy, containerPort: 15001}]
                  containers:
                  - name: mongo
                    ports:
                    - {name: mongo, containerPort: 27017}
                    - {containerPort: 9216}
                    - {name: gossip, containerPort: 7946, protocol: UDP}
                status:
                  phase: Running
                  conditions:
                  - {type: PodScheduled, status: "True"}
                  - {type: Ready, status: "True"}
                  podIP: 10.244.1.50
                  podIPs: [{ip: 10.244.1.50}, {ip: "fd00:10:244::1:50"}]
                """);
        assertThat(pod.namespace()).isEqualTo("db");
        assertThat(pod.name()).isEqualTo("mongo-0");
        assertThat(pod.ips()).extracting(IpAddresses::format).containsExactly("10.244.1.50", "fd00:10:244::1:50");
        assertThat(pod.hostname()).isEqualTo("mongo-0");
        assertThat(pod.subdomain()).isEqualTo("mongo-headless");
        assertThat(pod.nodeName()).isEqualTo("node-1");
        assertThat(pod.labels()).containsEntry("app", "mongo");
        assertThat(pod.running()).isTrue();
        assertThat(pod.ready()).isTrue();
        assertThat(pod.terminating()).isTrue();
        // unnamed ports can never be a named targetPort; plain init containers are not serving
        assertThat(pod.ports()).containsExactly(
                new ContainerPort("mongo", 27017, Protocol.TCP),
                new ContainerPort("gossip", 7946, Protocol.UDP),
                new ContainerPort("proxy", 15001, Protocol.TCP));
    }

    @Test
    void podWithoutStatusHasNoIpAndIsNotReady() {
        PodInfo pod = convert("metadata: {name: pending}\nspec: {containers: [{name: c}]}");
        assertThat(pod.namespace()).isEqualTo("default");
        assertThat(pod.ips()).isEmpty();
        assertThat(pod.phase()).isNull();
        assertThat(pod.ready()).isFalse();
        assertThat(pod.terminating()).isFalse();
        assertThat(pod.hostNetwork()).isFalse();
        assertThat(pod.created()).isNull();
    }

    @Test
    void keepsHostNetworkAndCreationTimeForTellingClientsApart() {
        PodInfo pod = convert("""
                metadata: {name: node-exporter-x2, creationTimestamp: "2025-01-15T10:00:00Z"}
                spec: {hostNetwork: true}
                status: {phase: Running, podIP: 192.168.1.20}
                """);
        assertThat(pod.hostNetwork()).isTrue();
        assertThat(pod.created()).isEqualTo(Instant.parse("2025-01-15T10:00:00Z"));
        assertThat(convert("metadata: {name: p, creationTimestamp: '2025-01-15T12:00:00+02:00'}").created())
                .isEqualTo(Instant.parse("2025-01-15T10:00:00Z"));
    }

    @Test
    void fallsBackToPodIpWithoutPodIps() {
        assertThat(convert("metadata: {name: p}\nstatus: {podIP: 10.244.2.10}").ips())
                .extracting(IpAddresses::format).containsExactly("10.244.2.10");
    }

    @Test
    void podIpWinsOverADifferentFirstPodIpsAsInTheApisConversion() {
        PodInfo pod = convert("metadata: {name: p}\nstatus: {podIP: 10.244.1.5, podIPs: [{ip: 10.244.1.6}, {ip: 'fd00:10:244::1:6'}]}");
        assertThat(pod.ips()).extracting(IpAddresses::format).containsExactly("10.244.1.5");
    }

    @Test
    void anyPhaseIsKeptAsTheApiDoesNotCheckIt() {
        assertThat(convert("metadata: {name: p}\nstatus: {phase: Evicted}").phase()).isEqualTo("Evicted");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "metadata: {name: p}\\nstatus: {podIPs: [{ip: 10.244.1.5}, {ip: 10.244.1.6}]}"
                    + " | status.podIPs[1].ip: must be of the other IP family than status.podIPs[0]",
            "metadata: {name: p}\\nspec: {nodeName: Node_1}"
                    + " | spec.nodeName: \"Node_1\" " + DnsNames.DNS1123_SUBDOMAIN_RULE,
            "metadata: {name: p, labels: {app: 'web server'}}"
                    + " | metadata.labels.app: \"web server\" " + DnsNames.LABEL_VALUE_RULE,
            "metadata: {name: p}\\nspec: {containers: [{name: c, ports: [{name: web, containerPort: 80}, {name: web, containerPort: 81}]}]}"
                    + " | spec.containers[0].ports[1].name: duplicate port name \"web\" (also spec.containers[0].ports[0])",
            "metadata: {name: p}\\nspec: {initContainers: [{name: i, ports: [{containerPort: 70000}]}]}"
                    + " | spec.initContainers[0].ports[0].containerPort: must be 1..65535, got 70000",
            "metadata: {name: p}\\nstatus: {podIP: 10.244.1.500}"
                    + " | status.podIP: \"10.244.1.500\" is not an IP address",
            "metadata: {name: p}\\nspec: {hostname: Mongo_0}"
                    + " | spec.hostname: \"Mongo_0\" " + DnsNames.DNS1123_LABEL_RULE,
            "metadata: {name: p}\\nspec: {containers: [{name: c, ports: [{name: web, containerPort: 0}]}]}"
                    + " | spec.containers[0].ports[0].containerPort: must be 1..65535, got 0",
            "metadata: {name: p}\\nspec: {containers: [{name: c, ports: [{name: http-web-service, containerPort: 80}]}]}"
                    + " | spec.containers[0].ports[0].name: \"http-web-service\" must be an IANA service name (at most 15 lower-case letters, digits and '-', with at least one letter)",
            "metadata: {name: My_Pod}"
                    + " | metadata.name: \"My_Pod\" " + DnsNames.DNS1123_SUBDOMAIN_RULE,
            "metadata: {name: p, creationTimestamp: yesterday}"
                    + " | metadata.creationTimestamp: \"yesterday\" is not an RFC 3339 time such as \"2025-01-15T10:00:00Z\"",
    })
    void rejectsWithFieldPath(String yaml, String message) {
        assertThatThrownBy(() -> convert(yaml.replace("\\n", "\n"))).isInstanceOf(ConversionException.class).hasMessage(message);
        assertThatThrownBy(() -> PodConverter.convertSlim(Fabric8Yaml.read(yaml.replace("\\n", "\n"), Pod.class)))
                .as("live mode's slim pods are validated the same").isInstanceOf(ConversionException.class).hasMessage(message);
    }

    /** Live mode keeps no labels nor container ports (only manifest mode's endpoint derivation reads them); the rest is the same. */
    @Test
    void theSlimConversionIsTheFullOneWithoutLabelsAndPorts() {
        Pod raw = Fabric8Yaml.read("""
                metadata: {name: web-7d4b9c8f6d-x2k9q, namespace: shop, labels: {app: web}, creationTimestamp: "2025-01-15T10:00:00Z"}
                spec:
                  nodeName: node-1
                  containers: [{name: web, ports: [{name: http, containerPort: 8080}]}]
                status: {phase: Running, podIP: 10.244.1.7, conditions: [{type: Ready, status: "True"}]}
                """, Pod.class);
        PodInfo full = PodConverter.convert(raw);
        PodInfo slim = PodConverter.convertSlim(raw);
        assertThat(full.labels()).containsEntry("app", "web");
        assertThat(full.ports()).containsExactly(new ContainerPort("http", 8080, Protocol.TCP));
        assertThat(slim.labels()).isEmpty();
        assertThat(slim.ports()).isEmpty();
        assertThat(slim).isEqualTo(full.slim());
        assertThat(slim.created()).isEqualTo(Instant.parse("2025-01-15T10:00:00Z"));
    }

    @Test
    void namespaceGetsTheMetadataNameLabel() {
        NamespaceInfo ns = NamespaceConverter.convert(Fabric8Yaml.read("metadata: {name: monitoring, labels: {team: observability}}", Namespace.class));
        assertThat(ns.name()).isEqualTo("monitoring");
        assertThat(ns.labels()).containsEntry("team", "observability").containsEntry(NamespaceConverter.NAME_LABEL, "monitoring");
        assertThatThrownBy(() -> NamespaceConverter.convert(Fabric8Yaml.read("metadata: {name: kube.system}", Namespace.class)))
                .hasMessage("metadata.name: \"kube.system\" " + DnsNames.DNS1123_LABEL_RULE);
    }
}
