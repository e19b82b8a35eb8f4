package io.clusterdns.k8s.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.ServiceImportType;
import io.clusterdns.k8s.model.ServiceKey;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ServiceImport documents and the EndpointSlices an MCS controller imports for them, in manifest
 * mode: read like the API server with the mcs-api CRD reads them, errors located like every other
 * kind's, and the clusterset view of the snapshot. Conventions: namespace {@code test}, clusters
 * {@code clusterA} (10.3.0.0/16) and {@code clusterB} (10.4.0.0/16), as in the MCS DNS spec.
 */
class ServiceImportManifestTest {
    static final String MYSERVICE = """
            apiVersion: multicluster.x-k8s.io/v1alpha1
            kind: ServiceImport
            metadata: {name: myservice, namespace: test}
            spec:
              type: ClusterSetIP
              ips: [10.42.42.42]
              ports:
              - {name: https, protocol: TCP, port: 443}
            """;

    static String importedSlice(String name, String serviceImport, String cluster, String address, String hostname) {
        return """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: %s
                  namespace: test
                  labels: {multicluster.kubernetes.io/service-name: %s, multicluster.kubernetes.io/source-cluster: %s}
                addressType: IPv4
                endpoints: [{addresses: [%s], hostname: %s}]
                ports: [{name: https, port: 443}]
                """.formatted(name, serviceImport, cluster, address, hostname);
    }

    @Test
    void buildsTheClustersetViewFromImportsAndTheirSlices() {
        ClusterSnapshot s = ManifestSnapshots.parse(MYSERVICE + """
                ---
                apiVersion: multicluster.x-k8s.io/v1alpha1
                kind: ServiceImport
                metadata: {name: headless, namespace: test}
                spec: {type: Headless, ports: [{name: https, port: 443}]}
                ---
                """ + importedSlice("headless-a", "headless", "clusterA", "10.3.0.101", "my-pet-1") + "---\n"
                + importedSlice("headless-b", "headless", "clusterB", "10.4.0.101", "my-pet-1"));
        ServiceKey headless = ServiceKey.of("test", "headless");
        assertThat(s.serviceImports()).containsOnlyKeys(ServiceKey.of("test", "myservice"), headless);
        assertThat(s.serviceImport(ServiceKey.of("test", "myservice")).ips()).containsExactly(IpAddresses.parse("10.42.42.42"));
        assertThat(s.serviceImport(headless).type()).isEqualTo(ServiceImportType.HEADLESS);
        assertThat(s.importedSlices(headless)).extracting(ImportedSliceInfo::sourceCluster).containsExactly("clusterA", "clusterB");
        // the namespace exists, as the API server would have required, and nothing of it reached the cluster view
        assertThat(s.namespaces()).containsKey("test");
        assertThat(s.services()).isEmpty();
        assertThat(s.sliceCount()).isZero();
        assertThat(s.toString()).isEqualTo("ClusterSnapshot{version=1, services=0, slices=0, pods=0, namespaces=5, serviceImports=2, importedSlices=2}");
    }

    @Test
    void aSliceWithBothServiceNameLabelsIsInBothViewsAndTakesItsNameOnce() {
        ClusterSnapshot s = ManifestSnapshots.parse("""
                apiVersion: v1
                kind: Service
                metadata: {name: derived, namespace: test}
                spec: {clusterIP: None, ports: [{name: https, port: 443}]}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: both
                  namespace: test
                  labels: {kubernetes.io/service-name: derived, multicluster.kubernetes.io/service-name: myservice,
                           multicluster.kubernetes.io/source-cluster: clusterB}
                addressType: IPv4
                endpoints: [{addresses: [10.4.0.7]}]
                ---
                """ + MYSERVICE);
        assertThat(s.slices(ServiceKey.of("test", "derived"))).hasSize(1);
        assertThat(s.importedSlices(ServiceKey.of("test", "myservice"))).hasSize(1);
    }

    @Test
    void importedSlicesThatCannotBeNamedPerClusterAreSkippedWithTheirReason() {
        ManifestObjects objects = ManifestLoader.parse(MYSERVICE + """
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: nocluster, namespace: test, labels: {multicluster.kubernetes.io/service-name: myservice}}
                addressType: IPv4
                endpoints: [{addresses: [10.3.0.5]}]
                ---
                apiVersion: multicluster.x-k8s.io/v1alpha1
                kind: ServiceImport
                metadata: {name: pending, namespace: test}
                ---
                apiVersion: multicluster.x-k8s.io/v1alpha1
                kind: ServiceExport
                metadata: {name: myservice, namespace: test}
                """, "mcs.yaml");
        assertThat(objects.serviceImports()).extracting(i -> i.value().name()).containsExactly("myservice");
        assertThat(objects.importedSlices()).isEmpty();
        assertThat(objects.skipped()).containsExactly(
                "mcs.yaml document 2: EndpointSlice test/nocluster for ServiceImport myservice",
                "mcs.yaml document 3: ServiceImport test/pending",
                "mcs.yaml document 4: ServiceExport (multicluster.x-k8s.io/v1alpha1)");
        assertThat(objects.warnings()).isEmpty();
    }

    @Test
    void aMisspeltKindOfTheMulticlusterGroupIsWarnedAbout() {
        ManifestObjects objects = ManifestLoader.parse(MYSERVICE.replace("kind: ServiceImport", "kind: ServiceImprt"), "typo.yaml");
        assertThat(objects.serviceImports()).isEmpty();
        assertThat(objects.warnings()).singleElement().satisfies(w -> assertThat(w.getMessage()).isEqualTo("typo.yaml document 1 (line 2): kind:"
                + " \"ServiceImprt\" is not a kind of API group multicluster.x-k8s.io (did you mean ServiceImport?); an API server would"
                + " refuse this document, so it is skipped"));
    }

    static Stream<Arguments> refused() {
        String head = "apiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceImport\nmetadata:\n  name: myservice\n  namespace: test\n";
        return Stream.of(
                Arguments.of(head + "spec:\n  ports: []\n",
                        "m.yaml document 1 (line 6): spec.type: required (ClusterSetIP or Headless)"),
                Arguments.of(head + "spec:\n  type: ClusterIP\n  ports: []\n",
                        "m.yaml document 1 (line 7): spec.type: unsupported type \"ClusterIP\" (expected ClusterSetIP or Headless)"),
                Arguments.of(head + "spec:\n  type: Headless\n",
                        "m.yaml document 1 (line 6): spec.ports: required (a list, which may be empty)"),
                Arguments.of(head + "spec:\n  type: ClusterSetIP\n  ports:\n  - name: https\n    port: abc\n",
                        "m.yaml document 1 (line 10): spec.ports[0].port: expected an integer, got \"abc\""),
                Arguments.of(head + "spec:\n  type: ClusterSetIP\n  ports:\n  - name: https\n",
                        "m.yaml document 1 (line 9): spec.ports[0].port: required"),
                Arguments.of(head + "spec:\n  type: ClusterSetIP\n  ips:\n  - 10.42.42.42\n  - 10.42.42.300\n  ports: []\n",
                        "m.yaml document 1 (line 10): spec.ips[1]: \"10.42.42.300\" is not an IP address"),
                Arguments.of("apiVersion: multicluster.x-k8s.io/v1alpha1\nkind: ServiceImport\nmetadata:\n  name: My_Service\n",
                        "m.yaml document 1 (line 4): metadata.name: \"My_Service\" " + io.clusterdns.k8s.convert.DnsNames.DNS1123_SUBDOMAIN_RULE),
                Arguments.of("apiVersion: multicluster.x-k8s.io/v1beta1\nkind: ServiceImport\nmetadata: {name: myservice}\n",
                        "m.yaml document 1 (line 1): apiVersion: kind ServiceImport is served as multicluster.x-k8s.io/v1alpha1,"
                                + " got \"multicluster.x-k8s.io/v1beta1\""),
                Arguments.of(MYSERVICE + "---\n" + MYSERVICE,
                        "m.yaml document 2 (line 12): metadata.name: ServiceImport test/myservice is already defined in m.yaml document 1"),
                Arguments.of(importedSlice("s", "myservice", "clusterA", "10.3.0.1", "My_Pet"),
                        "m.yaml document 1 (line 8): endpoints[0].hostname: \"My_Pet\" " + io.clusterdns.k8s.convert.DnsNames.DNS1123_LABEL_RULE));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refused")
    void locatesEveryError(String yaml, String message) {
        assertThatThrownBy(() -> ManifestLoader.parse(yaml, "m.yaml")).isInstanceOf(ManifestException.class).hasMessage(message);
    }
}
