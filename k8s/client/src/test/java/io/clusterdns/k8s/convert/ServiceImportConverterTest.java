package io.clusterdns.k8s.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceImportType;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ServiceImports as an API server with the mcs-api CRD stores them, and what it (or, for the
 * fields the CRD leaves unchecked, the Service rules the mcs-api documents) refuses. Conventions:
 * namespace {@code test}, clusterset IPs 10.42.42.42 and 2001:db8::1 (the MCS DNS spec's examples).
 */
class ServiceImportConverterTest {
    static Optional<ServiceImportInfo> convert(String spec) {
        return ServiceImportConverter.convert(Fabric8Yaml.read("""
                apiVersion: multicluster.x-k8s.io/v1alpha1
                kind: ServiceImport
                metadata: {name: myservice, namespace: test}
                """ + spec, GenericKubernetesResource.class));
    }

    static ServicePort port(String name, Protocol protocol, int port, String appProtocol) {
        return new ServicePort(name, protocol, port, null, 0, appProtocol);
    }

    static Stream<Arguments> accepted() {
        ServiceKey key = ServiceKey.of("test", "myservice");
        return Stream.of(
                Arguments.of("ClusterSetIP, dual-stack, named port", """
                        spec:
                          type: ClusterSetIP
                          ips: [10.42.42.42, "2001:db8::1"]
                          ports: [{name: https, protocol: TCP, port: 443, appProtocol: https}]
                        """, new ServiceImportInfo(key, ServiceImportType.CLUSTER_SET_IP,
                        List.of(IpAddresses.parse("10.42.42.42"), IpAddresses.parse("2001:db8::1")),
                        List.of(port("https", Protocol.TCP, 443, "https")))),
                Arguments.of("protocol defaults to TCP, one unnamed port", """
                        spec: {type: ClusterSetIP, ips: [10.42.42.42], ports: [{port: 80}]}
                        """, new ServiceImportInfo(key, ServiceImportType.CLUSTER_SET_IP, List.of(IpAddresses.parse("10.42.42.42")),
                        List.of(port(null, Protocol.TCP, 80, null)))),
                Arguments.of("ClusterSetIP the controller has not given an IP yet", """
                        spec: {type: ClusterSetIP, ports: []}
                        """, new ServiceImportInfo(key, ServiceImportType.CLUSTER_SET_IP, List.of(), List.of())),
                Arguments.of("Headless: ips are not its VIPs and are dropped", """
                        spec: {type: Headless, ips: [10.42.42.42], ports: [{name: dns, protocol: UDP, port: 53}, {name: dns-tcp, port: 53}]}
                        """, new ServiceImportInfo(key, ServiceImportType.HEADLESS, List.of(),
                        List.of(port("dns", Protocol.UDP, 53, null), port("dns-tcp", Protocol.TCP, 53, null)))),
                Arguments.of("fields not read are not checked", """
                        spec: {type: Headless, ports: [], sessionAffinity: Whatever, ipFamilies: [IPv9]}
                        status: {clusters: [{cluster: clusterA}]}
                        """, new ServiceImportInfo(key, ServiceImportType.HEADLESS, List.of(), List.of())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void accepts(String what, String spec, ServiceImportInfo expected) {
        assertThat(convert(spec)).contains(expected);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("spec: {ports: []}", "spec.type: required (ClusterSetIP or Headless)"),
                Arguments.of("spec: {type: ClusterIP, ports: []}", "spec.type: unsupported type \"ClusterIP\" (expected ClusterSetIP or Headless)"),
                Arguments.of("spec: {type: [Headless], ports: []}", "spec.type: expected a string"),
                Arguments.of("spec: {type: Headless}", "spec.ports: required (a list, which may be empty)"),
                Arguments.of("spec: {type: Headless, ports: {port: 80}}", "spec.ports: expected a list"),
                Arguments.of("spec: {type: Headless, ports: [80]}", "spec.ports[0]: expected a mapping"),
                Arguments.of("spec: {type: Headless, ports: [{name: http}]}", "spec.ports[0].port: required"),
                Arguments.of("spec: {type: Headless, ports: [{port: http}]}", "spec.ports[0].port: expected an integer, got \"http\""),
                Arguments.of("spec: {type: Headless, ports: [{port: 0}]}", "spec.ports[0].port: must be 1..65535, got 0"),
                Arguments.of("spec: {type: Headless, ports: [{port: 70000000000}]}", "spec.ports[0].port: must be 1..65535, got 70000000000"),
                Arguments.of("spec: {type: Headless, ports: [{port: 53, protocol: ICMP}]}",
                        "spec.ports[0].protocol: unsupported protocol \"ICMP\" (expected TCP, UDP or SCTP)"),
                Arguments.of("spec: {type: Headless, ports: [{port: 80, name: HTTP}]}",
                        "spec.ports[0].name: \"HTTP\" " + DnsNames.DNS1123_LABEL_RULE),
                Arguments.of("spec: {type: Headless, ports: [{port: 80, name: web}, {port: 81, name: web}]}",
                        "spec.ports[1].name: duplicate port name \"web\" (also spec.ports[0])"),
                Arguments.of("spec: {type: Headless, ports: [{port: 80, name: a}, {port: 80, name: b}]}",
                        "spec.ports[1]: duplicate port 80/TCP (also spec.ports[0])"),
                Arguments.of("spec: {type: Headless, ports: [{port: 80, appProtocol: 'not a name'}]}",
                        "spec.ports[0].appProtocol: \"not a name\" " + DnsNames.QUALIFIED_NAME_RULE),
                Arguments.of("spec: {type: ClusterSetIP, ports: [], ips: 10.42.42.42}", "spec.ips: expected a list"),
                Arguments.of("spec: {type: ClusterSetIP, ports: [], ips: [10.42.42.300]}", "spec.ips[0]: \"10.42.42.300\" is not an IP address"),
                Arguments.of("spec: {type: ClusterSetIP, ports: [], ips: [10.42.42.42, 10.42.42.43]}",
                        "spec.ips[1]: must be of the other IP family than spec.ips[0]"),
                Arguments.of("spec: {type: ClusterSetIP, ports: [], ips: [10.42.42.42, '2001:db8::1', 10.0.0.1]}",
                        "spec.ips: at most 2 entries (one per IP family), got 3"),
                Arguments.of("spec: [ClusterSetIP]", "spec: expected a mapping"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refused")
    void refuses(String spec, String message) {
        assertThatThrownBy(() -> convert(spec)).isInstanceOf(ConversionException.class).hasMessage(message);
    }

    @Test
    void metadataFollowsTheRulesOfEveryNamespacedObject() {
        assertThatThrownBy(() -> ServiceImportConverter.convert(Fabric8Yaml.read("""
                metadata: {namespace: test}
                spec: {type: Headless, ports: []}
                """, GenericKubernetesResource.class))).hasMessage("metadata.name: required");
        assertThatThrownBy(() -> ServiceImportConverter.convert(Fabric8Yaml.read("""
                metadata: {name: Web, namespace: test}
                spec: {type: Headless, ports: []}
                """, GenericKubernetesResource.class))).hasMessage("metadata.name: \"Web\" " + DnsNames.DNS1123_SUBDOMAIN_RULE);
        assertThatThrownBy(() -> ServiceImportConverter.convert(Fabric8Yaml.read("""
                metadata: {name: web, namespace: Test_1}
                spec: {type: Headless, ports: []}
                """, GenericKubernetesResource.class))).hasMessage("metadata.namespace: \"Test_1\" " + DnsNames.DNS1123_LABEL_RULE);
        // without a namespace, as kubectl apply without -n
        assertThat(ServiceImportConverter.convert(Fabric8Yaml.read("""
                metadata: {name: web}
                spec: {type: Headless, ports: []}
                """, GenericKubernetesResource.class)).orElseThrow().key()).isEqualTo(ServiceKey.of("default", "web"));
    }

    @Test
    void anImportWithoutSpecIsValidButDescribesNothing() {
        GenericKubernetesResource raw = Fabric8Yaml.read("metadata: {name: web, namespace: test}", GenericKubernetesResource.class);
        assertThat(ServiceImportConverter.convert(raw)).isEmpty();
        assertThat(ServiceImportConverter.ignoredBecause(raw)).contains("no spec yet (an MCS controller fills it in), so it has no DNS records");
    }
}
