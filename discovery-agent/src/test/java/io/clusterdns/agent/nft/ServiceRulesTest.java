package io.clusterdns.agent.nft;

import static io.clusterdns.agent.nft.PacketTracer.Origin.HOST;
import static io.clusterdns.agent.nft.PacketTracer.Origin.OUTSIDE;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.model.Endpoint;
import io.clusterdns.agent.model.ServicePortName;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceKey;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * What the rendered rules do to packets, traced through the model of the conventions cluster
 * (kube-proxy's TestOverallNFTablesRules cases, and ours). See {@link Conventions} for the
 * addresses: pods 10.244.x.y, this node 192.168.0.2, LB/external IPs 192.0.2.x.
 */
class ServiceRulesTest {
    static final NftModel MODEL = Conventions.render(RulesetTextTest.CLUSTER);
    /** The same cluster with kube-proxy's layout (numgen vmap to per-endpoint chains everywhere): same outcomes. */
    static final NftModel CHAINED = Conventions.render(RulesetTextTest.CLUSTER,
            Conventions.context(IpFamily.IPV4).withEndpointChainThreshold(0));
    static final String POD = "10.244.1.5";
    static final String NODE = Conventions.NODE_IP;
    static final String EXT = Conventions.EXTERNAL_CLIENT;

    static PacketTracer tracer() {
        return new PacketTracer(MODEL, List.of(NODE, "127.0.0.1"));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                // name, origin, src, dst, proto, port, expected
                c("pod to ClusterIP", OUTSIDE, POD, "10.96.0.41", Protocol.TCP, 80, "ACCEPT DNAT [10.244.1.11:8080]"),
                c("hairpin is masqueraded", OUTSIDE, "10.244.1.11", "10.96.0.41", Protocol.TCP, 80, "ACCEPT DNAT [10.244.1.11:8080] MASQ"),
                c("host to ClusterIP is masqueraded", HOST, NODE, "10.96.0.41", Protocol.TCP, 80, "ACCEPT DNAT [10.244.1.11:8080] MASQ"),
                c("off-cluster to ClusterIP is masqueraded", OUTSIDE, EXT, "10.96.0.41", Protocol.TCP, 80, "ACCEPT DNAT [10.244.1.11:8080] MASQ"),
                c("wrong port of a ClusterIP", OUTSIDE, POD, "10.96.0.41", Protocol.TCP, 81, "REJECT"),
                c("UDP to a TCP-only port", OUTSIDE, POD, "10.96.0.41", Protocol.UDP, 80, "REJECT"),
                c("host, wrong port", HOST, NODE, "10.96.0.41", Protocol.TCP, 81, "REJECT"),
                c("unallocated ClusterIP", OUTSIDE, POD, "10.96.0.99", Protocol.TCP, 80, "DROP"),
                c("host, unallocated ClusterIP", HOST, NODE, "10.96.0.99", Protocol.TCP, 80, "DROP"),
                c("not a service", OUTSIDE, POD, "198.51.100.7", Protocol.TCP, 80, "ACCEPT"),
                c("ClusterIP of an eTP=Local service uses all endpoints", OUTSIDE, POD, "10.96.0.42", Protocol.TCP, 80,
                        "ACCEPT DNAT [10.244.1.12:80, 10.244.2.22:80]"),
                c("eTP=Local LB: local endpoint, client IP kept", OUTSIDE, EXT, "192.0.2.10", Protocol.TCP, 80, "ACCEPT DNAT [10.244.1.12:80]"),
                c("eTP=Local external IP", OUTSIDE, EXT, "192.0.2.20", Protocol.TCP, 80, "ACCEPT DNAT [10.244.1.12:80]"),
                c("eTP=Local NodePort", OUTSIDE, EXT, NODE, Protocol.TCP, 30002, "ACCEPT DNAT [10.244.1.12:80]"),
                c("eTP=Local from a pod: short-circuit to all endpoints", OUTSIDE, POD, "192.0.2.10", Protocol.TCP, 80,
                        "ACCEPT DNAT [10.244.1.12:80, 10.244.2.22:80]"),
                c("eTP=Local from the host: masqueraded, all endpoints", HOST, NODE, NODE, Protocol.TCP, 30002,
                        "ACCEPT DNAT [10.244.1.12:80, 10.244.2.22:80] MASQ"),
                c("eTP=Cluster NodePort is masqueraded", OUTSIDE, EXT, NODE, Protocol.TCP, 30003,
                        "ACCEPT DNAT [10.244.2.33:80, 10.244.2.34:80] MASQ"),
                c("NodePort on localhost is not supported", HOST, "127.0.0.1", "127.0.0.1", Protocol.TCP, 30003, "ACCEPT"),
                c("LB source range allows", OUTSIDE, EXT, "192.0.2.11", Protocol.TCP, 80, "ACCEPT DNAT [10.244.2.44:80, 10.244.2.45:80] MASQ"),
                c("LB source range drops", OUTSIDE, Conventions.BLOCKED_CLIENT, "192.0.2.11", Protocol.TCP, 80, "DROP"),
                c("LB ipMode Proxy is not captured", OUTSIDE, EXT, "192.0.2.12", Protocol.TCP, 80, "ACCEPT"),
                c("NodePorts ignore source ranges", OUTSIDE, Conventions.BLOCKED_CLIENT, NODE, Protocol.TCP, 30004,
                        "ACCEPT DNAT [10.244.2.44:80, 10.244.2.45:80] MASQ"),
                c("no endpoints: ClusterIP rejects", OUTSIDE, POD, "10.96.0.45", Protocol.TCP, 80, "REJECT"),
                c("no endpoints: host to ClusterIP rejects", HOST, NODE, "10.96.0.45", Protocol.TCP, 80, "REJECT"),
                c("no endpoints: NodePort rejects", OUTSIDE, EXT, NODE, Protocol.TCP, 30005, "REJECT"),
                c("no endpoints: external IP rejects", OUTSIDE, EXT, "192.0.2.25", Protocol.TCP, 80, "REJECT"),
                c("iTP=Local without local endpoints drops", OUTSIDE, POD, "10.96.0.46", Protocol.TCP, 80, "DROP"),
                c("serving-terminating endpoint as fallback (UDP)", OUTSIDE, POD, "10.96.0.47", Protocol.UDP, 53,
                        "ACCEPT DNAT [10.244.2.77:5353]"),
                c("serving-terminating endpoint as fallback (TCP)", OUTSIDE, POD, "10.96.0.47", Protocol.TCP, 53,
                        "ACCEPT DNAT [10.244.2.77:5353]"));
    }

    private static Arguments c(String name, PacketTracer.Origin o, String src, String dst, Protocol p, int port, String expected) {
        return Arguments.of(name, o, src, dst, p, port, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void packet(String name, PacketTracer.Origin origin, String src, String dst, Protocol proto, int port, String expected) {
        assertThat(tracer().trace(origin, src, dst, proto, port)).as("inline pick").hasToString(expected);
        assertThat(new PacketTracer(CHAINED, List.of(NODE, "127.0.0.1")).trace(origin, src, dst, proto, port))
                .as("endpoint chains").hasToString(expected);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void clientIpAffinityStaysWithTheRememberedEndpoint(boolean endpointChains) {
        ServicePortName svc4 = new ServicePortName(ServiceKey.of("ns4", "svc4"), "p80", Protocol.TCP);
        Endpoint second = new Endpoint(IpAddresses.parse("10.244.2.45"), 80, true, true, false, false);
        PacketTracer t = endpointChains ? new PacketTracer(CHAINED, List.of(NODE, "127.0.0.1")) : tracer();
        t.remember(ChainNames.affinity(svc4, second), EXT);
        assertThat(t.trace(OUTSIDE, EXT, "192.0.2.11", Protocol.TCP, 80)).hasToString("ACCEPT DNAT [10.244.2.45:80] MASQ");
        assertThat(t.trace(OUTSIDE, POD, "10.96.0.44", Protocol.TCP, 80))
                .as("another client is balanced").hasToString("ACCEPT DNAT [10.244.2.44:80, 10.244.2.45:80]");
    }

    @Test
    void ipv6ClusterIp() {
        NftModel v6 = Conventions.render(RulesetTextTest.CLUSTER, Conventions.context(IpFamily.IPV6));
        PacketTracer t = new PacketTracer(v6, List.of(Conventions.NODE_IP6));
        assertThat(t.trace(OUTSIDE, "fd00:10:244:1::5", "fd00:10:96::48", Protocol.TCP, 80))
                .hasToString("ACCEPT DNAT [[fd00:10:244:1::81]:8080]");
        assertThat(t.trace(OUTSIDE, "fd00:10:244:1::5", "fd00:10:96::49", Protocol.TCP, 80)).hasToString("DROP");
        assertThat(t.trace(OUTSIDE, "fd00:10:244:1::5", "fd00:10:96::48", Protocol.TCP, 81)).hasToString("REJECT");
    }

    @Test
    void masqueradeAllMasqueradesPodTraffic() {
        var ctx = Conventions.context(IpFamily.IPV4);
        var all = new io.clusterdns.agent.model.NodeContext(ctx.family(), ctx.nodeIP(), ctx.clusterCidrs(), null,
                ctx.serviceCidrs(), true, ctx.masqueradeMark(), ctx.endpointChainThreshold());
        PacketTracer t = new PacketTracer(Conventions.render(RulesetTextTest.CLUSTER, all), List.of(NODE));
        assertThat(t.trace(OUTSIDE, POD, "10.96.0.41", Protocol.TCP, 80)).hasToString("ACCEPT DNAT [10.244.1.11:8080] MASQ");
    }

    @Test
    void withoutClusterCidrOffClusterTrafficIsNotMasqueraded() {
        var ctx = Conventions.context(IpFamily.IPV4);
        var none = new io.clusterdns.agent.model.NodeContext(ctx.family(), ctx.nodeIP(), List.of(), null,
                ctx.serviceCidrs(), false, ctx.masqueradeMark(), ctx.endpointChainThreshold());
        PacketTracer t = new PacketTracer(Conventions.render(RulesetTextTest.CLUSTER, none), List.of(NODE));
        assertThat(t.trace(OUTSIDE, EXT, "10.96.0.41", Protocol.TCP, 80)).hasToString("ACCEPT DNAT [10.244.1.11:8080]");
        assertThat(t.trace(OUTSIDE, EXT, "192.0.2.10", Protocol.TCP, 80)).hasToString("ACCEPT DNAT [10.244.1.12:80]");
    }

    @Test
    void nodePortAddressesLimitNodePorts() {
        var ctx = Conventions.context(IpFamily.IPV4).withNodePortIPs(List.of(IpAddresses.parse(NODE)));
        NftModel m = Conventions.render(RulesetTextTest.CLUSTER, ctx);
        PacketTracer t = new PacketTracer(m, List.of(NODE, "192.168.1.2"));
        assertThat(t.trace(OUTSIDE, EXT, NODE, Protocol.TCP, 30003)).hasToString("ACCEPT DNAT [10.244.2.33:80, 10.244.2.34:80] MASQ");
        assertThat(t.trace(OUTSIDE, EXT, "192.168.1.2", Protocol.TCP, 30003)).hasToString("ACCEPT");
        assertThat(t.trace(OUTSIDE, EXT, "192.168.1.2", Protocol.TCP, 30005)).as("no endpoints, but not a node port address").hasToString("ACCEPT");
        assertThat(RulesetText.render(m)).contains("set nodeport-ips {", "192.168.0.2", "ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports");
    }
}
