package io.clusterdns.agent.nft;

import static io.clusterdns.agent.nft.PacketTracer.Origin.OUTSIDE;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.model.DesiredStateBuilder;
import io.clusterdns.agent.model.NodeContext;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Topology-aware routing traced through the rendered rules: this node ({@value Conventions#NODE})
 * in zone-a of a cluster with zone-a (node-1, node-2) and zone-b (node-3). The snapshot comes
 * from manifests like an operator would write them (Nodes, Services, EndpointSlices carrying the
 * hints the EndpointSlice controller writes).
 */
class TopologyRulesTest {
    static final String POD = "10.244.1.5";
    static final String MANIFESTS = """
            apiVersion: v1
            kind: Node
            metadata: {name: node-1, labels: {topology.kubernetes.io/zone: zone-a}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: zonal, namespace: ns}
            spec: {clusterIP: 10.96.0.51, trafficDistribution: PreferSameZone, ports: [{port: 80}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: zonal-1, namespace: ns, labels: {kubernetes.io/service-name: zonal}}
            addressType: IPv4
            ports: [{port: 8080}]
            endpoints:
            - {addresses: [10.244.1.11], nodeName: node-1, zone: zone-a, hints: {forZones: [{name: zone-a}]}}
            - {addresses: [10.244.2.12], nodeName: node-2, zone: zone-a, hints: {forZones: [{name: zone-a}]}}
            - {addresses: [10.244.3.13], nodeName: node-3, zone: zone-b, hints: {forZones: [{name: zone-b}]}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: incomplete, namespace: ns}
            spec: {clusterIP: 10.96.0.52, trafficDistribution: PreferClose, ports: [{port: 80}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: incomplete-1, namespace: ns, labels: {kubernetes.io/service-name: incomplete}}
            addressType: IPv4
            ports: [{port: 8080}]
            endpoints:
            - {addresses: [10.244.1.21], nodeName: node-1, zone: zone-a, hints: {forZones: [{name: zone-a}]}}
            - {addresses: [10.244.3.23], nodeName: node-3, zone: zone-b}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: elsewhere, namespace: ns}
            spec: {clusterIP: 10.96.0.53, trafficDistribution: PreferClose, ports: [{port: 80}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: elsewhere-1, namespace: ns, labels: {kubernetes.io/service-name: elsewhere}}
            addressType: IPv4
            ports: [{port: 8080}]
            endpoints:
            - {addresses: [10.244.3.31], nodeName: node-3, zone: zone-b, hints: {forZones: [{name: zone-b}]}}
            - {addresses: [10.244.3.32], nodeName: node-3, zone: zone-b, hints: {forZones: [{name: zone-b}]}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: samenode, namespace: ns}
            spec: {clusterIP: 10.96.0.54, trafficDistribution: PreferSameNode, ports: [{port: 80}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: samenode-1, namespace: ns, labels: {kubernetes.io/service-name: samenode}}
            addressType: IPv4
            ports: [{port: 8080}]
            endpoints:
            - {addresses: [10.244.1.41], nodeName: node-1, zone: zone-a, hints: {forZones: [{name: zone-a}], forNodes: [{name: node-1}]}}
            - {addresses: [10.244.2.42], nodeName: node-2, zone: zone-a, hints: {forZones: [{name: zone-a}], forNodes: [{name: node-2}]}}
            - {addresses: [10.244.3.43], nodeName: node-3, zone: zone-b, hints: {forZones: [{name: zone-b}], forNodes: [{name: node-3}]}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: local, namespace: ns}
            spec: {clusterIP: 10.96.0.55, type: NodePort, externalTrafficPolicy: Local, ports: [{port: 80, nodePort: 30055}]}
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: local-1, namespace: ns, labels: {kubernetes.io/service-name: local}}
            addressType: IPv4
            ports: [{port: 8080}]
            endpoints:
            - {addresses: [10.244.1.51], nodeName: node-1, zone: zone-a, hints: {forZones: [{name: zone-b}]}}
            - {addresses: [10.244.3.53], nodeName: node-3, zone: zone-b, hints: {forZones: [{name: zone-b}]}}
            - {addresses: [10.244.2.52], nodeName: node-2, zone: zone-a, hints: {forZones: [{name: zone-a}]}}
            """;
    static final ClusterSnapshot SNAPSHOT = Conventions.snapshot(MANIFESTS);

    static PacketTracer tracer(String zone, int endpointChainThreshold) {
        NodeContext ctx = Conventions.context(IpFamily.IPV4).withZone(zone).withEndpointChainThreshold(endpointChainThreshold);
        return new PacketTracer(FamilyRenderer.renderAll(SNAPSHOT, new DesiredStateBuilder(Conventions.NODE), ctx),
                List.of(Conventions.NODE_IP));
    }

    @Test
    void manifestsCarryTheNodeAndHints() {
        assertThat(SNAPSHOT.node(Conventions.NODE).zone()).isEqualTo("zone-a");
        assertThat(SNAPSHOT.services().values()).extracting(s -> s.name() + "=" + s.trafficDistribution())
                .contains("zonal=PreferSameZone", "samenode=PreferSameNode", "local=null");
    }

    @Test
    void zoneHintsPickThisZonesEndpoints() {
        for (int threshold : new int[] {NodeContext.DEFAULT_ENDPOINT_CHAIN_THRESHOLD, 0}) {
            PacketTracer t = tracer("zone-a", threshold);
            assertThat(t.trace(OUTSIDE, POD, "10.96.0.51", Protocol.TCP, 80)).as("zonal, threshold " + threshold)
                    .hasToString("ACCEPT DNAT [10.244.1.11:8080, 10.244.2.12:8080]");
        }
    }

    @Test
    void sameNodeHintsPickThisNodesEndpoint() {
        assertThat(tracer("zone-a", 16).trace(OUTSIDE, POD, "10.96.0.54", Protocol.TCP, 80)).hasToString("ACCEPT DNAT [10.244.1.41:8080]");
    }

    @Test
    void fallbacksUseAllEndpoints() {
        PacketTracer t = tracer("zone-a", 16);
        assertThat(t.trace(OUTSIDE, POD, "10.96.0.52", Protocol.TCP, 80)).as("one endpoint without hints")
                .hasToString("ACCEPT DNAT [10.244.1.21:8080, 10.244.3.23:8080]");
        assertThat(t.trace(OUTSIDE, POD, "10.96.0.53", Protocol.TCP, 80)).as("no endpoint hinted for zone-a")
                .hasToString("ACCEPT DNAT [10.244.3.31:8080, 10.244.3.32:8080]");
        assertThat(tracer(null, 16).trace(OUTSIDE, POD, "10.96.0.51", Protocol.TCP, 80)).as("node without a zone label")
                .hasToString("ACCEPT DNAT [10.244.1.11:8080, 10.244.2.12:8080, 10.244.3.13:8080]");
    }

    @Test
    void otherZoneSeesItsOwnEndpoints() {
        assertThat(tracer("zone-b", 16).trace(OUTSIDE, POD, "10.96.0.51", Protocol.TCP, 80)).hasToString("ACCEPT DNAT [10.244.3.13:8080]");
    }

    @Test
    void localTrafficPolicyWinsOverTopology() {
        PacketTracer t = tracer("zone-a", 16);
        // external traffic: this node's endpoint, although it is hinted for zone-b
        assertThat(t.trace(OUTSIDE, Conventions.EXTERNAL_CLIENT, Conventions.NODE_IP, Protocol.TCP, 30055))
                .hasToString("ACCEPT DNAT [10.244.1.51:8080]");
        // cluster traffic to the ClusterIP: topology applies
        assertThat(t.trace(OUTSIDE, POD, "10.96.0.55", Protocol.TCP, 80)).hasToString("ACCEPT DNAT [10.244.2.52:8080]");
    }
}
