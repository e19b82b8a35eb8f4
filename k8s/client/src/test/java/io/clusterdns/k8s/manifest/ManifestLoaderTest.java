package io.clusterdns.k8s.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.model.ServiceKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestLoaderTest {
    @TempDir
    Path dir;

    private static String service(String name, int port) {
        return """
                apiVersion: v1
                kind: Service
                metadata:
                  name: %s
                spec:
                  ports:
                  - port: %d
                """.formatted(name, port);
    }

    private List<String> serviceNames(ManifestObjects objects) {
        return objects.services().stream().map(s -> s.info().key().toString()).toList();
    }

    @Test
    void readsFolderRecursivelyInSortedOrder() throws IOException {
        Files.createDirectories(dir.resolve("b/nested"));
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve("b/nested/z.yml"), service("svc-z", 80));
        Files.writeString(dir.resolve("b/a.json"), "{\"apiVersion\": \"v1\", \"kind\": \"Service\", \"metadata\": {\"name\": \"svc-json\"},"
                + " \"spec\": {\"ports\": [{\"port\": 81}]}}");
        Files.writeString(dir.resolve("a.yaml"), service("svc-a", 82) + "---\n" + service("svc-a2", 83));
        Files.writeString(dir.resolve("notes.txt"), "kind: Service");
        Files.writeString(dir.resolve(".a.yaml.swp"), "garbage: [");
        Files.writeString(dir.resolve(".git/config.yaml"), "garbage: [");
        ManifestObjects objects = new ManifestLoader(List.of(dir)).load(false);
        assertThat(serviceNames(objects)).containsExactly("default/svc-a", "default/svc-a2", "default/svc-json", "default/svc-z");
    }

    @Test
    void followsASymlinkedFolderAndNamesFilesUnderIt() throws IOException {
        Path real = Files.createDirectories(dir.resolve("real"));
        Files.writeString(real.resolve("web.yaml"), service("web", 80) + "  - port: 70000\n");
        Path link = Files.createSymbolicLink(dir.resolve("manifests"), real);
        assertThatThrownBy(() -> new ManifestLoader(List.of(link)).load(false))
                .hasMessage(link.resolve("web.yaml") + " document 1 (line 7): spec.ports[0].name: required when the service has more than one port");
    }

    @Test
    void readsSingleFileWhateverItsName() throws IOException {
        Path file = Files.writeString(dir.resolve("cluster.manifest"), service("web", 80));
        assertThat(serviceNames(new ManifestLoader(List.of(file)).load(false))).containsExactly("default/web");
    }

    @Test
    void missingPathIsAnError() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> new ManifestLoader(List.of(missing)).load(false))
                .isInstanceOf(ManifestException.class)
                .hasMessage(missing + ": no such file or directory");
    }

    @Test
    void skipsOtherKindsAndRecordsEach() throws IOException {
        Files.writeString(dir.resolve("apps.yaml"), """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: web}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: coredns}
                ---
                """ + service("web", 80));
        ManifestObjects objects = new ManifestLoader(List.of(dir)).load(true);
        String file = dir.resolve("apps.yaml").toString();
        assertThat(objects.skipped()).containsExactly(
                file + " document 1: Job (batch/v1)",
                file + " document 2: ConfigMap (v1)");
        assertThat(serviceNames(objects)).containsExactly("default/web");
    }

    @Test
    void aKindOfACustomGroupIsAnotherKindEvenWithTheSameName() {
        ManifestObjects objects = ManifestLoader.parse("""
                apiVersion: serving.knative.dev/v1
                kind: Service
                metadata: {name: hello}
                spec: {template: {spec: {containers: [{image: hello}]}}}
                """, "knative.yaml");
        assertThat(objects.services()).isEmpty();
        assertThat(objects.warnings()).isEmpty();
        assertThat(objects.skipped()).containsExactly("knative.yaml document 1: Service (serving.knative.dev/v1)");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "v1                  | Servce        | \"Servce\" is not a kind of the core API (v1) (did you mean Service?)",
            "v1                  | service       | \"service\" is not a kind of the core API (v1) (did you mean Service?)",
            "v1                  | Endpoint      | \"Endpoint\" is not a kind of the core API (v1) (did you mean Endpoints?)",
            "v1                  | Configmap     | \"Configmap\" is not a kind of the core API (v1) (did you mean ConfigMap?)",
            "v1                  | Frobnicator   | \"Frobnicator\" is not a kind of the core API (v1)",
            "discovery.k8s.io/v1 | EndpointSlices | \"EndpointSlices\" is not a kind of API group discovery.k8s.io (did you mean EndpointSlice?)",
    })
    void aKindNoApiServerKnowsIsSkippedWithAWarning(String apiVersion, String kind, String reason) {
        ManifestObjects objects = ManifestLoader.parse(service("web", 80) + "---\napiVersion: " + apiVersion + "\nkind: " + kind
                + "\nmetadata: {name: web}\n", "typo.yaml");
        assertThat(serviceNames(objects)).containsExactly("default/web");
        assertThat(objects.warnings()).singleElement().satisfies(w -> {
            assertThat(w.getMessage()).isEqualTo("typo.yaml document 2 (line 10): kind: " + reason
                    + "; an API server would refuse this document, so it is skipped");
            assertThat(w.fieldPath()).isEqualTo("kind");
        });
    }

    @Test
    void readsServiceCidrsOncePerNameInCanonicalForm() {
        ManifestObjects objects = ManifestLoader.parse("""
                apiVersion: networking.k8s.io/v1
                kind: ServiceCIDR
                metadata: {name: kubernetes}
                spec:
                  cidrs: [10.96.0.0/12, "fd00:10:96:0:0::/112"]
                status:
                  conditions: [{type: Ready, status: "True", reason: "", message: "", lastTransitionTime: "2026-12-06T18:00:00Z"}]
                """, "m.yaml");
        assertThat(objects.serviceCidrs()).extracting(c -> c.value().cidrs()).containsExactly(List.of("10.96.0.0/12", "fd00:10:96::/112"));
        String extra = "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: {name: extra}\nspec: {cidrs: [10.100.0.0/16]}\n";
        assertThatThrownBy(() -> ManifestLoader.parse(extra + "---\n" + extra, "m.yaml"))
                .hasMessageContaining("ServiceCIDR extra is already defined in m.yaml");
    }

    /** The issue's three objects: each is valid, so none stops the load; only the used ones become state. */
    @Test
    void readsNodesOncePerName() {
        ManifestObjects objects = ManifestLoader.parse("""
                apiVersion: v1
                kind: Node
                metadata: {name: node-1, labels: {topology.kubernetes.io/zone: zone-a}}
                """, "m.yaml");
        assertThat(objects.nodes()).extracting(n -> n.value().zone()).containsExactly("zone-a");
        String node = "apiVersion: v1\nkind: Node\nmetadata: {name: node-1}\n";
        assertThatThrownBy(() -> ManifestLoader.parse(node + "---\n" + node, "m.yaml"))
                .hasMessageContaining("Node node-1 is already defined in m.yaml");
        assertThatThrownBy(() -> ManifestLoader.parse("apiVersion: v1\nkind: Node\nmetadata: {name: Node_1}\n", "m.yaml"))
                .hasMessageContaining("metadata.name: \"Node_1\"");
    }

    @Test
    void acceptsValidSlicesNoConsumerUsesAndPublishNotReadyAddresses() {
        ManifestObjects objects = ManifestLoader.parse("""
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: orphan, namespace: shop}
                addressType: IPv4
                endpoints: [{addresses: [10.244.1.7]}]
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: external, labels: {kubernetes.io/service-name: db}}
                addressType: FQDN
                endpoints: [{addresses: [db.example.com]}]
                ports: [{name: pg, port: 5432}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: db}
                spec: {clusterIP: None, publishNotReadyAddresses: true, selector: {app: db}}
                """, "m.yaml");
        assertThat(serviceNames(objects)).containsExactly("default/db");
        assertThat(objects.services().get(0).info().publishNotReadyAddresses()).isTrue();
        assertThat(objects.slices()).isEmpty();
        assertThat(objects.skipped()).containsExactly("m.yaml document 1: EndpointSlice shop/orphan", "m.yaml document 2: EndpointSlice default/external");
        assertThat(objects.warnings()).isEmpty();
    }

    @Test
    void anIgnoredSliceStillTakesItsName() {
        String slice = "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s}\naddressType: FQDN\n";
        assertThatThrownBy(() -> ManifestLoader.parse(slice + "---\n" + slice, "m.yaml"))
                .hasMessage("m.yaml document 2 (line 8): metadata.name: EndpointSlice default/s is already defined in m.yaml document 1");
    }

    /** Files sort by name, so a definition added in a new file may be read first; the new one is still the error. */
    @Test
    void aDuplicateIsReportedWhereItWasAddedNamingTheDefinitionThatWasThere() throws IOException {
        Files.writeString(dir.resolve("web.yaml"), service("web", 80));
        ManifestObjects before = new ManifestLoader(List.of(dir)).load(true);
        Path added = Files.writeString(dir.resolve("a-copy.yaml"), "# pasted from web.yaml\n" + service("web", 81));

        assertThatThrownBy(() -> new ManifestLoader(List.of(dir)).load(false, before.files(), w -> {
        })).hasMessage(added + " document 1 (line 5): metadata.name: Service default/web is already defined in " + dir.resolve("web.yaml")
                + " document 1");
        // without history (a first load), reading order decides
        assertThatThrownBy(() -> new ManifestLoader(List.of(dir)).load(true))
                .hasMessage(dir.resolve("web.yaml") + " document 1 (line 4): metadata.name: Service default/web is already defined in " + added
                        + " document 1");
    }

    @Test
    void readsListItems() {
        ManifestObjects objects = ManifestLoader.parse("""
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: Namespace
                  metadata: {name: monitoring}
                - apiVersion: v1
                  kind: Service
                  metadata: {name: prometheus, namespace: monitoring}
                  spec: {ports: [{port: 9090}]}
                - apiVersion: batch/v1
                  kind: CronJob
                  metadata: {name: prometheus, namespace: monitoring}
                """, "list.yaml");
        assertThat(objects.namespaces()).extracting(n -> n.value().name()).containsExactly("monitoring");
        assertThat(objects.services()).extracting(s -> s.info().key()).containsExactly(ServiceKey.of("monitoring", "prometheus"));
        assertThat(objects.skipped()).containsExactly("list.yaml document 1 items[2]: CronJob (batch/v1)");
    }

    @Test
    void typedListItemsMayOmitKind() {
        ManifestObjects objects = ManifestLoader.parse("""
                apiVersion: v1
                kind: ServiceList
                items:
                - metadata: {name: web}
                  spec: {ports: [{port: 80}]}
                - metadata: {name: api}
                  spec: {ports: [{port: 443}]}
                """, "dump.yaml");
        assertThat(serviceNames(objects)).containsExactly("default/web", "default/api");
        // an empty typed list is an empty list, not a misspelt kind
        ManifestObjects empty = ManifestLoader.parse("apiVersion: v1\nkind: ServiceList\nmetadata: {}\n", "dump.yaml");
        assertThat(empty.services()).isEmpty();
        assertThat(empty.warnings()).isEmpty();
    }

    @Test
    void reportsTheExampleFromTheIssueExactly() throws IOException {
        Path file = dir.resolve("web.yaml");
        Files.writeString(file, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: web
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                spec:
                  selector:
                    app: web
                  ports:
                  - port: 70000
                """);
        assertThatThrownBy(() -> new ManifestLoader(List.of(dir)).load(false))
                .isInstanceOfSatisfying(ManifestException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(file + " document 2 (line 14): spec.ports[0].port: must be 1..65535, got 70000");
                    assertThat(e.file()).isEqualTo(file.toString());
                    assertThat(e.document()).isEqualTo(2);
                    assertThat(e.line()).isEqualTo(14);
                    assertThat(e.fieldPath()).isEqualTo("spec.ports[0].port");
                    assertThat(e.reason()).isEqualTo("must be 1..65535, got 70000");
                });
    }

    static final String CIDR = "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: {name: extra}\nspec:\n  cidrs:\n";

    static Stream<Arguments> badDocuments() {
        String svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";
        return Stream.of(
                Arguments.of(svc + "spec:\n  clusterIP: 10.96.0.300\n  ports: [{port: 80}]\n",
                        "m.yaml document 1 (line 6): spec.clusterIP: \"10.96.0.300\" is not an IP address or None"),
                Arguments.of(svc + "spec:\n  ports:\n  - port: abc\n",
                        "m.yaml document 1 (line 7): spec.ports[0].port: expected an integer, got \"abc\""),
                // the API server's typed decoding: no scalar coercions (a quoted number, a float with a
                // fraction, a quoted boolean, a number where a string goes)
                Arguments.of(svc + "spec:\n  ports:\n  - port: \"80\"\n",
                        "m.yaml document 1 (line 7): spec.ports[0].port: expected an integer, got \"80\""),
                Arguments.of(svc + "spec:\n  ports:\n  - port: 80.5\n",
                        "m.yaml document 1 (line 7): spec.ports[0].port: expected an integer, got \"80.5\""),
                Arguments.of(svc + "spec:\n  ports:\n  - port: 80\n    nodePort: \"30999\"\n",
                        "m.yaml document 1 (line 8): spec.ports[0].nodePort: expected an integer, got \"30999\""),
                Arguments.of(svc + "spec:\n  ports:\n  - port: 80\n    name: 123\n",
                        "m.yaml document 1 (line 8): spec.ports[0].name: expected a string, got \"123\""),
                Arguments.of(svc + "spec:\n  selector: {app: 5}\n  ports: [{port: 80}]\n",
                        "m.yaml document 1 (line 6): spec.selector.app: expected a string, got \"5\""),
                Arguments.of(svc + "spec:\n  publishNotReadyAddresses: \"true\"\n  ports: [{port: 80}]\n",
                        "m.yaml document 1 (line 6): spec.publishNotReadyAddresses: expected true or false, got \"true\""),
                Arguments.of("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\n  labels: {kubernetes.io/service-name: web}\naddressType: IPv4\nendpoints:\n- addresses: [10.244.1.5]\n  conditions: {ready: \"true\"}\n",
                        "m.yaml document 1 (line 9): endpoints[0].conditions.ready: expected true or false, got \"true\""),
                Arguments.of("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\n  labels: {kubernetes.io/service-name: 5}\naddressType: IPv4\nendpoints: []\n",
                        "m.yaml document 1 (line 5): metadata.labels[\"kubernetes.io/service-name\"]: expected a string, got \"5\""),
                Arguments.of(svc + "spec:\n  selector: [app]\n  ports: [{port: 80}]\n",
                        "m.yaml document 1 (line 6): spec.selector: expected a mapping"),
                Arguments.of(svc + "spec:\n  ports: {port: 80}\n",
                        "m.yaml document 1 (line 6): spec.ports: expected a list"),
                Arguments.of("apiVersion: v1\nmetadata: {name: web}\n",
                        "m.yaml document 1 (line 1): kind: required"),
                Arguments.of("kind: Service\nmetadata: {name: web}\n",
                        "m.yaml document 1 (line 1): apiVersion: required"),
                Arguments.of("apiVersion: apps/v1\nkind: Service\nmetadata: {name: web}\n",
                        "m.yaml document 1 (line 1): apiVersion: kind Service is served as v1, got \"apps/v1\""),
                Arguments.of("apiVersion: v1\nkind: EndpointSlice\nmetadata: {name: s}\n",
                        "m.yaml document 1 (line 1): apiVersion: kind EndpointSlice is served as discovery.k8s.io/v1, got \"v1\""),
                Arguments.of("apiVersion: discovery.k8s.io/v1\nkind: Endpoints\nmetadata: {name: s}\n",
                        "m.yaml document 1 (line 1): apiVersion: kind Endpoints is served as v1, got \"discovery.k8s.io/v1\""),
                Arguments.of("- just\n- a list\n",
                        "m.yaml document 1 (line 1): not a Kubernetes object (expected a mapping with apiVersion and kind)"),
                Arguments.of(svc + "spec: {ports: [{port: 80}]}\n---\n" + svc + "spec: {ports: [{port: 81}]}\n",
                        "m.yaml document 2 (line 10): metadata.name: Service default/web is already defined in m.yaml document 1"),
                Arguments.of("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n  status:\n    podIP: 10.244.1.999\n",
                        "m.yaml document 1 (line 8): items[0].status.podIP: \"10.244.1.999\" is not an IP address"),
                Arguments.of("apiVersion: discovery.k8s.io/v1beta1\nkind: EndpointSlice\nmetadata: {name: s}\n",
                        "m.yaml document 1 (line 1): apiVersion: kind EndpointSlice is served as discovery.k8s.io/v1, got \"discovery.k8s.io/v1beta1\""),
                Arguments.of("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\n  labels: {kubernetes.io/service-name: web}\naddressType: IPv4\nendpoints:\n- addresses:\n  - 10.244.1.5\n  - 10.244.1.x\n",
                        "m.yaml document 1 (line 10): endpoints[0].addresses[1]: \"10.244.1.x\" is not an IPv4 address"),
                Arguments.of("apiVersion: networking.k8s.io/v1beta1\nkind: ServiceCIDR\nmetadata: {name: extra}\n",
                        "m.yaml document 1 (line 1): apiVersion: kind ServiceCIDR is served as networking.k8s.io/v1, got \"networking.k8s.io/v1beta1\""),
                Arguments.of(CIDR + "  - 10.100.0.1/16\n",
                        "m.yaml document 1 (line 6): spec.cidrs[0]: \"10.100.0.1/16\" is not in canonical form (bits set after the prefix)"),
                Arguments.of(CIDR + "  - 10.100.0.0/16\n  - 10.101.0.0/16\n",
                        "m.yaml document 1 (line 7): spec.cidrs[1]: a second IPv4 CIDR (at most one per family)"),
                Arguments.of(CIDR + "  - fd00::/129\n",
                        "m.yaml document 1 (line 6): spec.cidrs[0]: \"fd00::/129\": the prefix length must be 0..128"),
                Arguments.of(CIDR + "  - 10.100.0.0\n",
                        "m.yaml document 1 (line 6): spec.cidrs[0]: \"10.100.0.0\" is not a CIDR (address/prefix length)"),
                Arguments.of("apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata: {name: extra}\nspec: {cidrs: []}\n",
                        "m.yaml document 1 (line 4): spec.cidrs: must hold one or two CIDRs, got 0"));
    }

    @Test
    void readsAFloatWithoutFractionAsTheInteger() {
        // kubectl's YAML to JSON conversion sends 80.0 as 80, which the API server takes
        String yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports:\n  - port: 80.0\n    nodePort: 30999.0\n";
        assertThat(ManifestLoader.parse(yaml, "m.yaml").services()).singleElement()
                .satisfies(s -> assertThat(s.info().ports()).singleElement().satisfies(p -> {
                    assertThat(p.port()).isEqualTo(80);
                    assertThat(p.nodePort()).isEqualTo(30999);
                }));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badDocuments")
    void locatesEveryError(String yaml, String message) {
        assertThatThrownBy(() -> ManifestLoader.parse(yaml, "m.yaml"))
                .isInstanceOf(ManifestException.class)
                .hasMessage(message);
    }

    /** Documents 1..n: services, a ConfigMap (skipped) every 7th, a misspelt kind every 11th; {@code edit} replaces document i. */
    private static String cluster(int n, java.util.function.IntFunction<String> edit) {
        StringBuilder out = new StringBuilder("# a generated cluster\n");
        for (int i = 1; i <= n; i++) {
            String doc = edit.apply(i);
            if (doc == null) {
                doc = i % 7 == 0 ? "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c" + i + "\n"
                        : i % 11 == 0 ? "apiVersion: v1\nkind: Servce\nmetadata:\n  name: t" + i + "\n"
                        : service("svc-" + i, 80);
            }
            out.append(i == 1 ? "" : "---\n").append(doc);
        }
        return out.toString();
    }

    /** Objects, skips, warnings (in order) or the error of a load of {@code yaml} on {@code threads} threads. */
    private static String load(String yaml, int threads, int partsPerBatch) {
        ManifestObjects objects = new ManifestObjects();
        ManifestParser parser = new ManifestParser(false);
        try {
            ManifestLoader.convert(each -> YamlDocuments.parse(yaml, "big.yaml", false, parser::parse, each, 0, threads, partsPerBatch),
                    objects);
        } catch (ManifestException e) {
            return "error " + e.getMessage();
        }
        return objects.services().stream().map(s -> s.info().key() + " @" + s.origin().describe()).toList() + "\n" + objects.skipped()
                + "\n" + objects.warnings().stream().map(Throwable::getMessage).toList();
    }

    /**
     * A file read on several threads (cut at its "---" lines, applied in document order) gives
     * what reading it front to back gives: the objects in order, the skips and warnings, the
     * first error of a duplicate or a bad field, a syntax error further down winning over it, and
     * SnakeYAML reading from the first document outside BlockYaml's subset on.
     */
    @ParameterizedTest
    @CsvSource({"2, 1", "3, 4", "2, 64"})
    void aFileReadOnSeveralThreadsLoadsAsReadInOrder(int threads, int partsPerBatch) {
        String dup = service("svc-40", 80);
        String bad = service("bad", 80) + "  - port: 70000\n";
        String block = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  x: |\n    ---\n    text\n";
        String syntax = "apiVersion: v1\nkind: [\n";
        List<String> cases = List.of(
                cluster(300, i -> null),
                cluster(300, i -> i == 90 ? dup : i == 150 ? bad : null),
                cluster(300, i -> i == 150 ? dup : i == 90 ? bad : i == 91 ? dup : null),
                cluster(300, i -> i == 30 ? bad : i == 250 ? syntax : null),
                cluster(300, i -> i == 100 ? block : i == 120 ? dup.replace("svc-40", "svc-130") : null),
                cluster(300, i -> i == 1 ? block : null),
                "---\n" + cluster(200, i -> i == 200 ? "" : null) + "---\n",
                "# only comments\n---\n---\n" + cluster(100, i -> null));
        for (String yaml : cases) {
            String inOrder = load(yaml, 1, partsPerBatch);
            assertThat(load(yaml, threads, partsPerBatch)).as(yaml).isEqualTo(inOrder);
        }
        assertThat(load(cases.get(1), 1, 1)).startsWith("error big.yaml document 90 (line ");
        assertThat(load(cases.get(3), 1, 1)).startsWith("error big.yaml document 250 (line ").contains("YAML syntax error");
        assertThat(load(cases.get(4), 1, 1)).startsWith("error big.yaml document 130 (line ");
    }
}
