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
 * from manifests like an operator would write them ({@code src/test/resources/topology-cluster.yaml}:
 * Nodes, Services, EndpointSlices carrying the hints the EndpointSlice controller writes).
 */
class TopologyRulesTest {
    static final String POD = "10.244.1.5";
    static final String MANIFESTS = Conventions.resource("topology-cluster.yaml");
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
