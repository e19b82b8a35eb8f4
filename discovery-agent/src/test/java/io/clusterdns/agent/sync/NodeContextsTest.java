package io.clusterdns.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.Conventions;
import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.NodeContext;
import io.clusterdns.agent.model.NodeNetwork;
import io.clusterdns.agent.model.NodePortAddresses;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Node network settings (both families) → one context per family, with the node-port addresses of the moment. */
class NodeContextsTest {
    static final InetAddress NODE4 = IpAddresses.parse(Conventions.NODE_IP);
    static final InetAddress NODE6 = IpAddresses.parse(Conventions.NODE_IP6);

    static NodeNetwork network(NodePortAddresses nodePorts) {
        return new NodeNetwork(List.of(NODE4, NODE6),
                List.of(Cidr.parse(Conventions.CLUSTER_CIDR), Cidr.parse(Conventions.CLUSTER_CIDR6)), nodePorts,
                List.of(Cidr.parse(Conventions.SERVICE_CIDR), Cidr.parse(Conventions.SERVICE_CIDR6)), false, Conventions.MARK,
                NodeContext.DEFAULT_ENDPOINT_CHAIN_THRESHOLD);
    }

    @Test
    void eachFamilyGetsItsOwnNodeIpAndRanges() {
        NodeContexts contexts = new NodeContexts(network(NodePortAddresses.ALL), List::of);
        assertThat(contexts.context(IpFamily.IPV4)).isEqualTo(Conventions.context(IpFamily.IPV4));
        assertThat(contexts.context(IpFamily.IPV6)).isEqualTo(Conventions.context(IpFamily.IPV6));
    }

    @Test
    void primaryNodePortAddressesAreTheNodeIps() {
        NodeContexts contexts = new NodeContexts(network(NodePortAddresses.parse(List.of("primary"))), () -> {
            throw new AssertionError("'primary' needs no interface listing");
        });
        assertThat(contexts.context(IpFamily.IPV4).nodePortIPs()).containsExactly(NODE4);
        assertThat(contexts.context(IpFamily.IPV6).nodePortIPs()).containsExactly(NODE6);
    }

    @Test
    void nodePortCidrsPickLocalAddressesOfTheFamilyButNeverLoopback() {
        List<InetAddress> local = List.of(IpAddresses.parse("127.0.0.1"), IpAddresses.parse("192.168.1.9"),
                IpAddresses.parse("10.1.2.3"), NODE4, NODE6);
        NodeContexts contexts = new NodeContexts(network(NodePortAddresses.parse(List.of("192.168.0.0/16,127.0.0.0/8"))), () -> local);
        assertThat(contexts.context(IpFamily.IPV4).nodePortIPs()).containsExactly(NODE4, IpAddresses.parse("192.168.1.9"));
        assertThat(contexts.context(IpFamily.IPV6).nodePortIPs()).isEmpty();
    }
}
