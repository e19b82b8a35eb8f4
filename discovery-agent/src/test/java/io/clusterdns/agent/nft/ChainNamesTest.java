package io.clusterdns.agent.nft;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.agent.model.Endpoint;
import io.clusterdns.agent.model.ServicePortName;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceKey;
import org.junit.jupiter.api.Test;

class ChainNamesTest {
    static final ServicePortName SVC1 = new ServicePortName(ServiceKey.of("ns1", "svc1"), "p80", Protocol.TCP);

    @Test
    void sameNamesAsKubeProxy() {
        // the examples in kube-proxy's nftables proxier.go comments
        assertThat(ChainNames.service(SVC1)).isEqualTo("service-ULMVA6XW-ns1/svc1/tcp/p80");
        Endpoint ep = new Endpoint(IpAddresses.parse("10.180.0.1"), 80, true, true, false, false);
        assertThat(ChainNames.endpoint(SVC1, ep)).isEqualTo("endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80");
        assertThat(ChainNames.affinity(SVC1, ep)).isEqualTo("affinity-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80");
    }

    @Test
    void ipv6ColonsBecomeDotsAndUnnamedPortsEndWithASlash() {
        ServicePortName unnamed = new ServicePortName(ServiceKey.of("default", "db"), null, Protocol.UDP);
        Endpoint v6 = new Endpoint(IpAddresses.parse("fd00::5"), 5432, true, true, false, false);
        assertThat(ChainNames.endpoint(unnamed, v6)).endsWith("-default/db/udp/__fd00..5/5432").doesNotContain(":");
        assertThat(ChainNames.service(unnamed)).endsWith("-default/db/udp/");
        assertThat(ChainNames.isServiceObject(ChainNames.service(unnamed))).isTrue();
        assertThat(ChainNames.isServiceObject(Names.SERVICES)).isFalse();
    }

    @Test
    void longNamesAreTruncatedWithinNftsLimit() {
        String label = "a".repeat(63);
        ServicePortName huge = new ServicePortName(ServiceKey.of(label, label), label, Protocol.SCTP);
        Endpoint v6 = new Endpoint(IpAddresses.parse("fd00:1111:2222:3333:4444:5555:6666:7777"), 65535, true, true, false, false);
        String name = ChainNames.affinity(huge, v6);
        assertThat(name.length()).isLessThanOrEqualTo(255 - 16 + "affinity-".length());
        assertThat(name).endsWith("...");
        assertThat(ChainNames.endpoint(huge, v6)).isNotEqualTo(ChainNames.endpoint(huge,
                new Endpoint(IpAddresses.parse("fd00:1111:2222:3333:4444:5555:6666:7778"), 65535, true, true, false, false)));
    }
}
