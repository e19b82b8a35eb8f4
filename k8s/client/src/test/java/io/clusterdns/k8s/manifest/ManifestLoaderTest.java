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
                apiVersion: apps/v1
                kind: Deployment
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
                file + " document 1: Deployment (apps/v1)",
                file + " document 2: ConfigMap (v1)");
        assertThat(serviceNames(objects)).containsExactly("default/web");
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
                - apiVersion: apps/v1
                  kind: StatefulSet
                  metadata: {name: prometheus, namespace: monitoring}
                """, "list.yaml");
        assertThat(objects.namespaces()).extracting(n -> n.value().name()).containsExactly("monitoring");
        assertThat(objects.services()).extracting(s -> s.info().key()).containsExactly(ServiceKey.of("monitoring", "prometheus"));
        assertThat(objects.skipped()).containsExactly("list.yaml document 1 items[2]: StatefulSet (apps/v1)");
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
    }

    @Test
    void reportsTheExampleFromTheIssueExactly() throws IOException {
        Path file = dir.resolve("web.yaml");
        Files.writeString(file, """
                apiVersion: apps/v1
                kind: Deployment
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

    static Stream<Arguments> badDocuments() {
        String svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n";
        return Stream.of(
                Arguments.of(svc + "spec:\n  clusterIP: 10.96.0.300\n  ports: [{port: 80}]\n",
                        "m.yaml document 1 (line 6): spec.clusterIP: \"10.96.0.300\" is not an IP address or None"),
                Arguments.of(svc + "spec:\n  ports:\n  - port: abc\n",
                        "m.yaml document 1 (line 7): spec.ports[0].port: expected an integer, got \"abc\""),
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
                Arguments.of("- just\n- a list\n",
                        "m.yaml document 1 (line 1): not a Kubernetes object (expected a mapping with apiVersion and kind)"),
                Arguments.of(svc + "spec: {ports: [{port: 80}]}\n---\n" + svc + "spec: {ports: [{port: 81}]}\n",
                        "m.yaml document 2 (line 10): metadata.name: Service default/web is already defined in m.yaml document 1"),
                Arguments.of("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n  status:\n    podIP: 10.244.1.999\n",
                        "m.yaml document 1 (line 8): items[0].status.podIP: \"10.244.1.999\" is not an IP address"),
                Arguments.of("apiVersion: discovery.k8s.io/v1beta1\nkind: EndpointSlice\nmetadata: {name: s}\n",
                        "m.yaml document 1 (line 1): apiVersion: kind EndpointSlice is served as discovery.k8s.io/v1, got \"discovery.k8s.io/v1beta1\""),
                Arguments.of("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\n  labels: {kubernetes.io/service-name: web}\naddressType: IPv4\nendpoints:\n- addresses:\n  - 10.244.1.5\n  - 10.244.1.x\n",
                        "m.yaml document 1 (line 10): endpoints[0].addresses[1]: \"10.244.1.x\" is not an IPv4 address"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badDocuments")
    void locatesEveryError(String yaml, String message) {
        assertThatThrownBy(() -> ManifestLoader.parse(yaml, "m.yaml"))
                .isInstanceOf(ManifestException.class)
                .hasMessage(message);
    }
}
