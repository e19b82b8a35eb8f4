package io.clusterdns.k8s.manifest;

import static io.clusterdns.k8s.manifest.Yaml.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServicePort;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NodePortAllocatorTest {
    // Conventions: node ports 30000-32767; 30000-30085 is the static band (hand-picked ports such
    // as the seeds' 30080), automatic allocation uses 30086-32767.
    private static final int DYNAMIC_FIRST = 30086;
    private static final int LAST = 32767;

    private static Map<String, ServiceInfo> allocate(String yaml) {
        List<ManifestService> services = new NodePortAllocator().allocate(ManifestLoader.parse(yaml, "t.yaml").services());
        Map<String, ServiceInfo> byName = new LinkedHashMap<>();
        services.forEach(s -> byName.put(s.info().name(), s.info()));
        return byName;
    }

    private static String nodePortService(String name) {
        return service("default", name, "{type: NodePort, ports: [{name: http, port: 80}, {name: https, port: 443}]}");
    }

    private static List<Integer> nodePorts(ServiceInfo s) {
        return s.ports().stream().map(ServicePort::nodePort).toList();
    }

    @Test
    void allocatesDistinctPortsInTheDynamicBand() {
        Map<String, ServiceInfo> services = allocate(IntStream.range(0, 100).mapToObj(i -> nodePortService("np-" + i)).collect(Collectors.joining()));
        List<Integer> all = services.values().stream().flatMap(s -> nodePorts(s).stream()).toList();
        assertThat(all).hasSize(200).doesNotHaveDuplicates().allSatisfy(p -> assertThat(p).isBetween(DYNAMIC_FIRST, LAST));
    }

    @Test
    void deterministicAndStableWhenServicesAreAdded() {
        String base = IntStream.range(0, 30).mapToObj(i -> nodePortService("np-" + i)).collect(Collectors.joining());
        Map<String, ServiceInfo> before = allocate(base);
        Map<String, ServiceInfo> after = allocate(nodePortService("newcomer") + base);
        before.forEach((name, s) -> assertThat(nodePorts(after.get(name))).as(name).isEqualTo(nodePorts(s)));
        assertThat(allocate(base)).isEqualTo(before);
    }

    @Test
    void keepsWrittenPortsAndSharesOneAcrossProtocols() {
        ServiceInfo dns = allocate(service("kube-system", "dns-np",
                "{type: NodePort, ports: [{name: dns, port: 53, protocol: UDP, nodePort: 30053},"
                        + " {name: dns-tcp, port: 53, protocol: TCP}, {name: metrics, port: 9153}]}")).get("dns-np");
        assertThat(nodePorts(dns).get(0)).isEqualTo(30053);
        assertThat(nodePorts(dns).get(1)).isEqualTo(30053);
        assertThat(nodePorts(dns).get(2)).isBetween(DYNAMIC_FIRST, LAST);
    }

    @Test
    void loadBalancerGetsHealthCheckPortOnlyWithLocalPolicy() {
        Map<String, ServiceInfo> s = allocate(
                service("default", "lb-local", "{type: LoadBalancer, externalTrafficPolicy: Local, ports: [{port: 443}]}")
                        + service("default", "lb-cluster", "{type: LoadBalancer, ports: [{port: 443}]}")
                        + service("default", "lb-no-np", "{type: LoadBalancer, allocateLoadBalancerNodePorts: false, externalTrafficPolicy: Local, ports: [{port: 443}]}")
                        + service("default", "plain", "{ports: [{port: 80}]}"));
        assertThat(s.get("lb-local").healthCheckNodePort()).isBetween(DYNAMIC_FIRST, LAST);
        assertThat(nodePorts(s.get("lb-local")).get(0)).isBetween(DYNAMIC_FIRST, LAST).isNotEqualTo(s.get("lb-local").healthCheckNodePort());
        assertThat(s.get("lb-cluster").healthCheckNodePort()).isZero();
        assertThat(nodePorts(s.get("lb-cluster")).get(0)).isNotZero();
        assertThat(nodePorts(s.get("lb-no-np"))).containsExactly(0);
        assertThat(s.get("lb-no-np").healthCheckNodePort()).isNotZero();
        assertThat(nodePorts(s.get("plain"))).containsExactly(0);
    }

    @Test
    void writtenPortsMustBeInRangeAndUnique() {
        assertThatThrownBy(() -> allocate(service("default", "web", "{type: NodePort, ports: [{port: 80, nodePort: 8080}]}")))
                .hasMessage("t.yaml document 1 (line 4): spec.ports[0].nodePort: must be in the node port range 30000-32767, got 8080");
        assertThatThrownBy(() -> allocate(service("default", "web", "{type: NodePort, ports: [{port: 80, nodePort: 30080}]}")
                + service("default", "web2", "{type: NodePort, ports: [{port: 80, nodePort: 30080}]}")))
                .hasMessage("t.yaml document 2 (line 9): spec.ports[0].nodePort: 30080 is already allocated to default/web (t.yaml document 1)");
        assertThatThrownBy(() -> allocate(service("default", "web", "{type: NodePort, ports: [{name: a, port: 80, nodePort: 30080}, {name: b, port: 81, nodePort: 30080}]}")))
                .hasMessage("t.yaml document 1 (line 4): spec.ports[1].nodePort: duplicate node port 30080/TCP (also spec.ports[0])");
    }

    @Test
    void aServiceHoldingItsWrittenPortKeepsItAndTheNewcomerIsTheError() {
        String web = service("default", "web", "{type: NodePort, ports: [{port: 80, nodePort: 30080}]}");
        ClusterSnapshot serving = ManifestSnapshots.parse(web);
        List<ManifestService> services = ManifestLoader.parse(service("default", "new", "{type: NodePort, ports: [{port: 80, nodePort: 30080}]}")
                + web, "t.yaml").services();
        assertThatThrownBy(() -> new NodePortAllocator().allocate(services, NodePortAllocator.holding(serving)))
                .hasMessage("t.yaml document 1 (line 4): spec.ports[0].nodePort: 30080 is already allocated to default/web (t.yaml document 2)");
    }
}
