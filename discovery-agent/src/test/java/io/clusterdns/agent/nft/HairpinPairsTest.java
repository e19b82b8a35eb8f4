package io.clusterdns.agent.nft;

import static io.clusterdns.agent.nft.PacketTracer.Origin.OUTSIDE;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.model.NodeContext;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which endpoints get an {@code ep . ep} pair in {@code hairpin-ips} (see
 * {@code ServiceRules#hairpinFromOtherNodes}): this node's, those without a node, and every one
 * of a service whose pod traffic from other nodes can be DNATed here unmarked; all of them when
 * this node's own Node is not in the snapshot. The conventions cluster: svc1 one endpoint on
 * node-1 (this node); svc2 eTP=Local LoadBalancer with NodePort 30002, 10.244.1.12 here and
 * 10.244.2.22 on node-2; svc3 eTP=Cluster NodePort 30003, both endpoints on node-2.
 */
class HairpinPairsTest {
    static final String THIS_NODE = """
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: node-1}
            """;
    static final String NO_NODE_NAME = """
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: nonode, namespace: ns9}
            spec:
              clusterIP: 10.96.0.90
              ports: [{name: p80, port: 80}]
            ---
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: nonode-a, namespace: ns9, labels: {kubernetes.io/service-name: nonode}}
            addressType: IPv4
            ports: [{name: p80, port: 80, protocol: TCP}]
            endpoints:
            - {addresses: [10.244.9.90], conditions: {ready: true}}
            - {addresses: [10.244.2.91], nodeName: node-2, conditions: {ready: true}}
            """;

    @Test
    void remoteEndpointsGetNoPairLocalOnesDo() {
        List<String> pairs = pairs(Conventions.render(RulesetTextTest.CLUSTER + THIS_NODE + NO_NODE_NAME));
        assertThat(pairs).contains("10.244.1.11 . 10.244.1.11", "10.244.1.12 . 10.244.1.12")
                .as("no nodeName: kept").contains("10.244.9.90 . 10.244.9.90")
                .as("on node-2, ClusterIP or eTP=Cluster only").doesNotContain(
                        "10.244.2.33 . 10.244.2.33", "10.244.2.34 . 10.244.2.34", "10.244.2.91 . 10.244.2.91");
    }

    @Test
    void eTpLocalWithALocalDetectorKeepsRemotePairs() {
        // a pod on node-2 asking for NodePort 30002 on this node is short-circuited to all endpoints unmarked: it may get itself
        assertThat(pairs(Conventions.render(RulesetTextTest.CLUSTER + THIS_NODE))).contains("10.244.2.22 . 10.244.2.22");
        NodeContext ctx = Conventions.context(IpFamily.IPV4);
        NodeContext noDetector = new NodeContext(ctx.family(), ctx.nodeIP(), List.of(), null, ctx.serviceCidrs(), false,
                ctx.masqueradeMark(), ctx.endpointChainThreshold());
        assertThat(pairs(Conventions.render(RulesetTextTest.CLUSTER + THIS_NODE, noDetector)))
                .as("without a detector, external traffic only picks this node's endpoints")
                .contains("10.244.1.12 . 10.244.1.12").doesNotContain("10.244.2.22 . 10.244.2.22");
    }

    @Test
    void withoutThisNodesNodeEveryEndpointKeepsItsPair() {
        assertThat(pairs(Conventions.render(RulesetTextTest.CLUSTER + NO_NODE_NAME)))
                .contains("10.244.2.33 . 10.244.2.33", "10.244.2.34 . 10.244.2.34", "10.244.2.91 . 10.244.2.91",
                        "10.244.1.11 . 10.244.1.11");
    }

    @Test
    void packetsStillMasqueradedWhereTheyMustBe() {
        NftModel m = Conventions.render(RulesetTextTest.CLUSTER + THIS_NODE);
        PacketTracer t = new PacketTracer(m, List.of(Conventions.NODE_IP, "127.0.0.1"));
        assertThat(t.trace(OUTSIDE, "10.244.1.11", "10.96.0.41", Protocol.TCP, 80))
                .as("local hairpin").hasToString("ACCEPT DNAT [10.244.1.11:8080] MASQ");
        assertThat(t.trace(OUTSIDE, "10.244.2.33", Conventions.NODE_IP, Protocol.TCP, 30003))
                .as("a node-2 pod to an eTP=Cluster NodePort here: marked, so no pair is needed")
                .hasToString("ACCEPT DNAT [10.244.2.33:80, 10.244.2.34:80] MASQ");
    }

    private static List<String> pairs(NftModel m) {
        return m.elementClaims().keySet().stream().filter(k -> k.container().equals(Names.HAIRPIN_IPS))
                .map(NftModel.ElementKey::keyText).sorted().toList();
    }
}
