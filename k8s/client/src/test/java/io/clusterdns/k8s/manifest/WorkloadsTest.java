package io.clusterdns.k8s.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceKey;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Workloads in manifest mode: the pods their controllers would make, with deterministic names and addresses. */
class WorkloadsTest {
    private static final String NODES = """
            apiVersion: v1
            kind: Node
            metadata: {name: node-2, labels: {disk: ssd}}
            spec: {podCIDR: 10.244.2.0/24}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: node-1}
            spec: {podCIDRs: [10.244.1.0/24]}
            ---
            """;

    static String deployment(String name, int replicas, String image, String annotations) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %s, annotations: {%s}}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers: [{name: c, image: %s, ports: [{name: http, containerPort: 8080}]}]
                ---
                """.formatted(name, annotations, replicas, name, name, image);
    }

    static String statefulSet(String name, int replicas, String service) {
        return """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: %s}
                spec:
                  serviceName: %s
                  replicas: %d
                  selector: {matchLabels: {app: %s}}
                  template:
                    metadata: {labels: {app: %s}}
                    spec:
                      containers: [{name: c, image: db, ports: [{name: db, containerPort: 5432}]}]
                ---
                """.formatted(name, service, replicas, name, name);
    }

    private static ClusterSnapshot build(String yaml) {
        return ManifestSnapshots.parse(yaml);
    }

    private static ClusterSnapshot rebuild(String yaml, ClusterSnapshot serving) {
        return new ClusterStateBuilder().build(ManifestLoader.parse(yaml, "<inline>"), serving.version() + 1, serving);
    }

    /** The pods as endpoint derivation sees them, with labels (the snapshot keeps its pods without). */
    private static List<PodInfo> derivationPods(String yaml) {
        return new ClusterStateBuilder().pods(ManifestLoader.parse(yaml, "<inline>"), ClusterSnapshot.EMPTY).stream()
                .sorted(java.util.Comparator.comparing(PodInfo::name)).toList();
    }

    private static List<PodInfo> sorted(ClusterSnapshot s) {
        return s.pods().stream().sorted(java.util.Comparator.comparing(PodInfo::name)).toList();
    }

    /** "name ip node ready", sorted by name. */
    private static List<String> pods(ClusterSnapshot s) {
        return s.pods().stream().sorted(java.util.Comparator.comparing(PodInfo::name))
                .map(p -> p.name() + " " + p.ips().stream().map(IpAddresses::format).collect(Collectors.joining(","))
                        + " " + p.nodeName() + " " + (p.ready() ? "ready" : "unready"))
                .toList();
    }

    private static Map<String, String> ipsByName(ClusterSnapshot s) {
        Map<String, String> out = new TreeMap<>();
        s.pods().forEach(p -> out.put(p.name(), p.ips().stream().map(IpAddresses::format).collect(Collectors.joining(","))));
        return out;
    }

    @Test
    void statefulSetPodsAreNamedByOrdinalWithHostnameSubdomainAndControllerLabels() {
        String yaml = NODES + statefulSet("db", 3, "db-headless") + Yaml.service("default", "db-headless",
                "{clusterIP: None, selector: {app: db}, ports: [{port: 5432, targetPort: db}]}");
        ClusterSnapshot s = build(yaml);
        assertThat(sorted(s)).extracting(PodInfo::name).containsExactly("db-0", "db-1", "db-2");
        PodInfo db1 = sorted(s).get(1);
        assertThat(db1.hostname()).isEqualTo("db-1");
        assertThat(db1.subdomain()).isEqualTo("db-headless");
        assertThat(db1.running()).isTrue();
        assertThat(db1.labels()).as("the snapshot keeps no labels").isEmpty();
        PodInfo derived = derivationPods(yaml).get(1);
        assertThat(derived.slim()).isEqualTo(db1);
        assertThat(derived.labels()).containsEntry("app", "db").containsEntry("statefulset.kubernetes.io/pod-name", "db-1")
                .containsEntry("apps.kubernetes.io/pod-index", "1").containsKey("controller-revision-hash");
        assertThat(derived.labels().get("controller-revision-hash")).startsWith("db-");
        // round-robin by ordinal over the Nodes sorted by name, each pod in its node's podCIDR
        assertThat(sorted(s)).extracting(PodInfo::nodeName).containsExactly("node-1", "node-2", "node-1");
        assertThat(IpAddresses.format(db1.ips().get(0))).startsWith("10.244.2.");
        List<EndpointInfo> endpoints = s.slices(ServiceKey.of("default", "db-headless")).get(0).endpoints();
        assertThat(endpoints).extracting(EndpointInfo::hostname).containsExactly("db-0", "db-1", "db-2");
        assertThat(s.slices(ServiceKey.of("default", "db-headless")).get(0).ports().get(0).port()).isEqualTo(5432);
    }

    @Test
    void deploymentPodsAreNamedAfterTheirReplicaSetAndTemplateHash() {
        ClusterSnapshot s = build(deployment("web", 3, "nginx:1.27", ""));
        String hash = derivationPods(deployment("web", 3, "nginx:1.27", "")).get(0).labels().get("pod-template-hash");
        assertThat(hash).matches("[bcdf4-9]{1,10}");
        assertThat(s.pods()).allSatisfy(p -> {
            assertThat(p.name()).matches("web-" + hash + "-[bcdfghjklmnpqrstvwxz2456789]{5}");
            assertThat(p.nodeName()).isEqualTo(PodControllers.DEFAULT_NODE);
            assertThat(p.ready()).isTrue();
            assertThat(IpAddresses.format(p.ips().get(0))).startsWith("10.244.");
        });
        assertThat(s.pods()).extracting(PodInfo::name).doesNotHaveDuplicates().hasSize(3);
        // the same input, the same pods: names and addresses are functions of the manifests
        assertThat(pods(build(deployment("web", 3, "nginx:1.27", "")))).isEqualTo(pods(s));
        // a new template is a new ReplicaSet: new hash, new names
        ClusterSnapshot rolled = build(deployment("web", 3, "nginx:1.28", ""));
        assertThat(derivationPods(deployment("web", 3, "nginx:1.28", "")).get(0).labels().get("pod-template-hash")).isNotEqualTo(hash);
        assertThat(rolled.pods()).extracting(PodInfo::name).doesNotContainAnyElementsOf(s.pods().stream().map(PodInfo::name).toList());
    }

    @Test
    void replicaSetAndDaemonSetNames() {
        ClusterSnapshot s = build(NODES + """
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata: {name: cache}
                spec:
                  replicas: 2
                  selector: {matchExpressions: [{key: app, operator: In, values: [cache]}]}
                  template:
                    metadata: {labels: {app: cache}}
                    spec: {containers: [{name: c, image: redis}]}
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: kube-system}
                spec:
                  selector: {matchLabels: {app: agent}}
                  template:
                    metadata: {labels: {app: agent}}
                    spec: {containers: [{name: c, image: agent}]}
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: ssd-only, namespace: kube-system}
                spec:
                  selector: {matchLabels: {app: ssd}}
                  template:
                    metadata: {labels: {app: ssd}}
                    spec: {nodeSelector: {disk: ssd}, containers: [{name: c, image: agent}]}
                ---
                """);
        assertThat(s.pods()).filteredOn(p -> p.name().startsWith("cache-")).hasSize(2)
                .allSatisfy(p -> assertThat(p.name()).matches("cache-[bcdfghjklmnpqrstvwxz2456789]{5}"));
        assertThat(s.pods()).filteredOn(p -> p.name().startsWith("agent-")).extracting(PodInfo::nodeName)
                .containsExactlyInAnyOrder("node-1", "node-2");
        assertThat(s.pods()).filteredOn(p -> p.name().startsWith("ssd-only-")).extracting(PodInfo::nodeName).containsExactly("node-2");
        assertThat(s.namespaces()).containsKey("kube-system");
    }

    @Test
    void scalingUpKeepsTheNamesAndAddressesOfTheRunningPodsAndScalingDownDropsTheLast() {
        String base = NODES + Yaml.clusterIpService("web") + Yaml.clusterIpService("db");
        ClusterSnapshot two = build(base + deployment("web", 2, "nginx", "") + statefulSet("db", 2, "db"));
        ClusterSnapshot five = rebuild(base + deployment("web", 5, "nginx", "") + statefulSet("db", 5, "db"), two);
        assertThat(ipsByName(five)).containsAllEntriesOf(ipsByName(two)).hasSize(10);
        assertThat(ipsByName(five).values()).doesNotHaveDuplicates();
        // a restart with five replicas gives the same as the live scale-up did
        assertThat(ipsByName(build(base + deployment("web", 5, "nginx", "") + statefulSet("db", 5, "db")))).isEqualTo(ipsByName(five));
        ClusterSnapshot one = rebuild(base + deployment("web", 1, "nginx", "") + statefulSet("db", 1, "db"), five);
        assertThat(one.pods()).extracting(PodInfo::name).contains("db-0").doesNotContain("db-1");
        assertThat(ipsByName(two)).containsAllEntriesOf(ipsByName(one));
        assertThat(one.slices(ServiceKey.of("default", "web")).get(0).endpoints()).hasSize(1);
    }

    @Test
    void unreadyReplicasAnnotationMakesTheLastPodsNotReady() {
        ClusterSnapshot s = build(Yaml.clusterIpService("web") + deployment("web", 3, "nginx", "clusterdns.io/unready-replicas: \"1\""));
        assertThat(s.pods()).filteredOn(PodInfo::ready).hasSize(2);
        assertThat(s.slices(ServiceKey.of("default", "web")).get(0).endpoints()).extracting(EndpointInfo::ready)
                .containsExactlyInAnyOrder(true, true, false);
        ClusterSnapshot sts = build(statefulSet("db", 3, "db").replace("metadata: {name: db}",
                "metadata: {name: db, annotations: {clusterdns.io/unready-replicas: \"1\"}}"));
        assertThat(pods(sts)).extracting(p -> p.substring(0, 4) + " " + p.substring(p.lastIndexOf(' ') + 1))
                .containsExactly("db-0 ready", "db-1 ready", "db-2 unready");
    }

    @Test
    void explicitPodsAreKeptAndCountAsReplicasOfTheWorkloadThatSelectsThem() {
        String explicit = Yaml.pod("web-manual", "web", "10.244.0.2", true) + Yaml.pod("db-1", "db", "10.244.0.3", true)
                + Yaml.pod("stranger", "web", "10.244.0.4", true).replace("metadata: {name: stranger,",
                "metadata: {name: stranger, ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: other, uid: u, controller: true}],");
        ClusterSnapshot s = build(explicit + deployment("web", 3, "nginx", "") + statefulSet("db", 3, "db"));
        assertThat(s.pods()).extracting(PodInfo::name)
                .contains("web-manual", "stranger", "db-0", "db-1", "db-2")
                .filteredOn(n -> n.startsWith("web-") && !n.equals("web-manual")).hasSize(2);
        assertThat(s.pods()).filteredOn(p -> p.name().equals("db-1")).extracting(p -> IpAddresses.format(p.ips().get(0)))
                .containsExactly("10.244.0.3");
        assertThat(ipsByName(s).values()).doesNotHaveDuplicates();
    }

    @Test
    void podCidrsFlagAndDualStack() {
        ClusterSnapshot s = new ClusterStateBuilder(PodCidrs.parse("10.32.0.0/16,fd00:32::/64"))
                .build(ManifestLoader.parse(deployment("web", 2, "nginx", ""), "<inline>"), 1);
        assertThat(s.pods()).allSatisfy(p -> {
            assertThat(p.ips()).hasSize(2);
            assertThat(IpAddresses.format(p.ips().get(0))).startsWith("10.32.");
            assertThat(IpAddresses.format(p.ips().get(1))).startsWith("fd00:32::");
        });
        assertThatThrownBy(() -> PodCidrs.parse("10.0.0.1/8")).hasMessageContaining("not in canonical form");
        assertThatThrownBy(() -> PodCidrs.parse("10.0.0.0/8,10.1.0.0/16")).hasMessageContaining("at most one per family");
    }

    @Test
    void hostNetworkPodsHaveTheirNodesAddressAndPendingPodsNone() {
        ClusterSnapshot s = build("""
                apiVersion: v1
                kind: Node
                metadata: {name: n1}
                status: {addresses: [{type: InternalIP, address: 172.18.0.3}]}
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: proxy}
                spec:
                  selector: {matchLabels: {app: proxy}}
                  template:
                    metadata: {labels: {app: proxy}}
                    spec: {hostNetwork: true, containers: [{name: c, image: p}]}
                ---
                """ + deployment("gpu", 1, "x", "").replace("containers:", "nodeSelector: {gpu: \"yes\"}\n      containers:"));
        assertThat(pods(s)).anyMatch(p -> p.matches("proxy-\\w{5} 172.18.0.3 n1 ready"))
                .anyMatch(p -> p.matches("gpu-\\w+-\\w{5}  null unready"));
    }

    /**
     * Real workloads (the project's own install manifests, k8s/deploy/components) are valid: each
     * makes its pods (the DaemonSet one per Node, and these files list no Node: none).
     */
    @Test
    void theInstallManifestsWorkloadsAreAcceptedAndMakePods() {
        java.nio.file.Path deploy = java.nio.file.Path.of("..", "deploy");
        ClusterSnapshot s = ManifestSnapshots.load(deploy.resolve("components/dns/deployment.yaml"),
                deploy.resolve("components/envinjector/deployment.yaml"), deploy.resolve("components/discovery-agent/daemonset.yaml"));
        assertThat(s.pods()).extracting(PodInfo::name)
                .anyMatch(n -> n.startsWith("coredns-"))
                .anyMatch(n -> n.startsWith("clusterdns-envinjector-"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidWorkloads")
    void invalidWorkloadsAreRefusedNamingTheField(String what, String yaml, String error) {
        assertThatThrownBy(() -> build(yaml)).isInstanceOf(ManifestException.class).hasMessage(error);
    }

    static List<Object[]> invalidWorkloads() {
        String web = deployment("web", 2, "nginx", "");
        return List.of(
                new Object[] {"selector does not match", web.replace("metadata: {labels: {app: web}}", "metadata: {labels: {app: other}}"),
                        "<inline> document 1 (line 8): spec.template.metadata.labels: Invalid value: {app=other}: `selector` does not match template `labels`"},
                new Object[] {"negative replicas", web.replace("replicas: 2", "replicas: -1"),
                        "<inline> document 1 (line 5): spec.replicas: must be greater than or equal to 0, got -1"},
                new Object[] {"no template", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  selector: {matchLabels: {app: db}}\n",
                        "<inline> document 1 (line 4): spec.template: required"},
                new Object[] {"no selector", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  replicas: 1\n",
                        "<inline> document 1 (line 4): spec.selector: required"},
                new Object[] {"empty selector", web.replace("selector: {matchLabels: {app: web}}", "selector: {}"),
                        "<inline> document 1 (line 6): spec.selector: empty selector is invalid for deployment"},
                new Object[] {"bad operator", web.replace("selector: {matchLabels: {app: web}}",
                        "selector: {matchExpressions: [{key: app, operator: Like, values: [web]}]}"),
                        "<inline> document 1 (line 6): spec.selector.matchExpressions[0].operator: Unsupported value: \"Like\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\""},
                new Object[] {"bad container port name", web.replace("name: http", "name: HTTP"),
                        "<inline> document 1 (line 10): spec.template.spec.containers[0].ports[0].name: \"HTTP\" must be an IANA service name (at most 15 lower-case letters, digits and '-', with at least one letter)"},
                new Object[] {"restartPolicy", web.replace("containers:", "restartPolicy: Never\n      containers:"),
                        "<inline> document 1 (line 10): spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""},
                new Object[] {"bad annotation", deployment("web", 2, "nginx", "clusterdns.io/unready-replicas: some"),
                        "<inline> document 1 (line 3): metadata.annotations[\"clusterdns.io/unready-replicas\"]: expected a whole number of pods (0 or more), got \"some\""},
                new Object[] {"replicas not a number", web.replace("replicas: 2", "replicas: two"),
                        "<inline> document 1 (line 5): spec.replicas: expected an integer"},
                new Object[] {"no containers", web.replace("containers: [{name: c, image: nginx, ports: [{name: http, containerPort: 8080}]}]", "containers: []"),
                        "<inline> document 1 (line 10): spec.template.spec.containers: required (at least one container)"},
                new Object[] {"duplicate", web + web, "<inline> document 2 (line 14): metadata.name: Deployment default/web is already defined in <inline> document 1"});
    }

    @ParameterizedTest
    @CsvSource({
            "0, 4",
            "1, 5",
            "12345, 56789",
            "4294967295, 86f8fbc6f9"})
    void templateHashIsSpeltAsSafeEncodeStringOfTheDecimalHash(String decimal, String expected) {
        // '0'..'9' map to 4 5 6 7 8 9 b c d f, as rand.SafeEncodeString does
        assertThat(WorkloadConverter.safeEncode(decimal)).isEqualTo(expected);
    }
}
