package io.clusterdns.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.Conventions;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.ServiceKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class DesiredStateBuilderTest {
    final DesiredStateBuilder builder = new DesiredStateBuilder("node-1");

    List<ServicePortState> states(String yaml, String ns, String name, IpFamily f) {
        ClusterSnapshot s = Conventions.snapshot(yaml);
        ServiceKey k = ServiceKey.of(ns, name);
        return builder.build(s.service(k), s.slices(k), f);
    }

    @Test
    void namedTargetPortResolvesPerPod() {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  clusterIP: 10.96.0.5
                  selector: {app: web}
                  ports: [{name: http, port: 80, targetPort: http}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: a, labels: {app: web}}
                spec: {nodeName: node-1, containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
                status: {phase: Running, conditions: [{type: Ready, status: "True"}], podIP: 10.244.1.5}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: b, labels: {app: web}}
                spec: {nodeName: node-2, containers: [{name: c, ports: [{name: http, containerPort: 9090}]}]}
                status: {phase: Running, conditions: [{type: Ready, status: "True"}], podIP: 10.244.2.5}
                """;
        ServicePortState sp = states(yaml, "default", "web", IpFamily.IPV4).get(0);
        assertThat(sp.endpoints()).extracting(Endpoint::hostPort, Endpoint::local)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("10.244.1.5:8080", true), org.assertj.core.groups.Tuple.tuple("10.244.2.5:9090", false));
        assertThat(states(yaml, "default", "web", IpFamily.IPV6)).as("no IPv6 cluster IP").isEmpty();
    }

    @Test
    void loadBalancerAndExternalAddressesAreFilteredByFamilyAndIpMode() {
        List<ServicePortState> v4 = states(Conventions.resource("conventions-cluster.yaml"), "ns4", "svc4", IpFamily.IPV4);
        assertThat(v4).hasSize(1);
        ServicePortState sp = v4.get(0);
        assertThat(sp.loadBalancerIPs()).containsExactly(IpAddresses.parse("192.0.2.11"));
        assertThat(sp.sourceRanges()).containsExactly(Cidr.parse("203.0.113.0/25"));
        assertThat(sp.usesFirewall()).isTrue();
        assertThat(sp.affinity().timeoutSeconds()).isEqualTo(10800);
    }

    @Test
    void externalPolicyAndHealthCheckOnlyForNodePortAndLoadBalancer() {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: c}
                spec: {clusterIP: 10.96.0.7, externalIPs: [192.0.2.7], ports: [{port: 80}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: lb}
                spec:
                  type: LoadBalancer
                  clusterIP: 10.96.0.8
                  externalTrafficPolicy: Local
                  healthCheckNodePort: 32000
                  ports: [{port: 80, nodePort: 31000}]
                """;
        ServicePortState lb = states(yaml, "default", "lb", IpFamily.IPV4).get(0);
        assertThat(lb.externalPolicyLocal()).isTrue();
        assertThat(lb.healthCheckNodePort()).isEqualTo(32000);
        assertThat(lb.nodePort()).isEqualTo(31000);
        ServicePortState c = states(yaml, "default", "c", IpFamily.IPV4).get(0);
        assertThat(c.externalPolicyLocal()).isFalse();
        assertThat(c.externallyAccessible()).isTrue();
    }

    @Test
    void headlessExternalNameAndOtherProxiesServicesHaveNoRules() {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: h}
                spec: {clusterIP: None, ports: [{port: 80}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: e}
                spec: {type: ExternalName, externalName: db.example.com}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: other, labels: {service.kubernetes.io/service-proxy-name: cilium}}
                spec: {clusterIP: 10.96.0.9, ports: [{port: 80}]}
                """;
        assertThat(states(yaml, "default", "h", IpFamily.IPV4)).isEmpty();
        assertThat(states(yaml, "default", "e", IpFamily.IPV4)).isEmpty();
        assertThat(states(yaml, "default", "other", IpFamily.IPV4)).as("owned by another proxy").isEmpty();
    }

    @Test
    void cidrs() {
        assertThat(Cidr.parse("10.244.1.7/16")).hasToString("10.244.0.0/16");
        assertThat(Cidr.parse("192.0.2.1")).hasToString("192.0.2.1");
        assertThat(Cidr.parse("fd00:10:244::/48").contains(IpAddresses.parse("fd00:10:244:1::5"))).isTrue();
        assertThat(Cidr.parse("10.0.0.0/8").contains(IpAddresses.parse("fd00::1"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(IpAddresses.parse("203.0.113.9"))).isTrue();
    }
}
