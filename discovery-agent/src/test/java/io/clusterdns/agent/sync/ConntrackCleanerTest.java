package io.clusterdns.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.kernel.ConntrackFilter;
import io.clusterdns.agent.model.Endpoint;
import io.clusterdns.agent.model.ServicePortName;
import io.clusterdns.agent.model.ServicePortState;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConntrackCleanerTest {
    static Endpoint ep(String ip) {
        return new Endpoint(IpAddresses.parse(ip), 5353, true, true, false, false);
    }

    static ServicePortState dns(Protocol p, int nodePort, List<String> externalIPs, Endpoint... eps) {
        return new ServicePortState(new ServicePortName(ServiceKey.of("kube-system", "dns"), "dns", p), IpFamily.IPV4,
                IpAddresses.parse("10.96.0.10"), 53, nodePort, externalIPs.stream().map(IpAddresses::parse).toList(), List.of(),
                List.of(), false, null, false, false, 0, List.of(eps));
    }

    static List<String> plan(ServicePortState before, ServicePortState after) {
        Map<String, ServicePortState> applied = new HashMap<>();
        if (before != null) {
            applied.put("k", before);
        }
        Map<String, ServicePortState> changes = new HashMap<>();
        changes.put("k", after);
        return ConntrackCleaner.plan(applied, changes).stream().map(ConntrackFilter::toString).toList();
    }

    @Test
    void removedEndpointOfAUdpServiceOnEveryAddress() {
        assertThat(plan(dns(Protocol.UDP, 30053, List.of("192.0.2.5"), ep("10.244.1.5"), ep("10.244.1.6")),
                dns(Protocol.UDP, 30053, List.of("192.0.2.5"), ep("10.244.1.6")))).containsExactly(
                "conntrack -D -f ipv4 -p udp --orig-dst 10.96.0.10 --orig-port-dst 53 --dst-nat 10.244.1.5",
                "conntrack -D -f ipv4 -p udp --orig-dst 192.0.2.5 --orig-port-dst 53 --dst-nat 10.244.1.5",
                "conntrack -D -f ipv4 -p udp --orig-port-dst 30053 --dst-nat 10.244.1.5");
    }

    @Test
    void firstEndpointsOfAUdpServiceClearEntriesCreatedWhileItRejected() {
        assertThat(plan(dns(Protocol.UDP, 0, List.of()), dns(Protocol.UDP, 0, List.of(), ep("10.244.1.5"))))
                .containsExactly("conntrack -D -f ipv4 -p udp --orig-dst 10.96.0.10 --orig-port-dst 53");
        assertThat(plan(null, dns(Protocol.UDP, 0, List.of(), ep("10.244.1.5")))).as("new service")
                .containsExactly("conntrack -D -f ipv4 -p udp --orig-dst 10.96.0.10 --orig-port-dst 53");
    }

    @Test
    void removedUdpServiceAndUnchangedOnes() {
        assertThat(plan(dns(Protocol.UDP, 0, List.of(), ep("10.244.1.5")), null))
                .containsExactly("conntrack -D -f ipv4 -p udp --orig-dst 10.96.0.10 --orig-port-dst 53");
        assertThat(plan(dns(Protocol.UDP, 0, List.of(), ep("10.244.1.5")), dns(Protocol.UDP, 0, List.of(), ep("10.244.1.5"), ep("10.244.1.6"))))
                .as("an added endpoint needs nothing").isEmpty();
    }

    @Test
    void tcpNeedsNoCleanupButSctpDoes() {
        assertThat(plan(dns(Protocol.TCP, 0, List.of(), ep("10.244.1.5")), dns(Protocol.TCP, 0, List.of()))).isEmpty();
        assertThat(plan(dns(Protocol.SCTP, 0, List.of(), ep("10.244.1.5")), dns(Protocol.SCTP, 0, List.of(), ep("10.244.1.6"))))
                .containsExactly("conntrack -D -f ipv4 -p sctp --orig-dst 10.96.0.10 --orig-port-dst 53 --dst-nat 10.244.1.5");
    }
}
