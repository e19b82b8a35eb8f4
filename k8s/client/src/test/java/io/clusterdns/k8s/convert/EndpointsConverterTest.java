package io.clusterdns.k8s.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceKey;
import io.fabric8.kubernetes.api.model.Endpoints;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointsConverterTest {
    // Conventions: external database 192.168.1.100 (seed document 004), pods 10.244.0.0/16 and fd00:10:244::/64.

    private static List<EndpointSliceInfo> convert(String yaml) {
        return EndpointsConverter.convert(Fabric8Yaml.read(yaml, Endpoints.class));
    }

    @Test
    void convertsOneSlicePerSubsetAndFamily() {
        List<EndpointSliceInfo> slices = convert("""
                metadata: {name: external-db}
                subsets:
                - addresses:
                  - {ip: 192.168.1.100, hostname: primary, nodeName: node-1, targetRef: {kind: Pod, name: db-0}}
                  - {ip: "fd00:10:244::1:64"}
                  notReadyAddresses:
                  - {ip: 192.168.1.101}
                  ports:
                  - {name: postgres, port: 5432}
                - addresses:
                  - {ip: 192.168.1.102}
                  ports:
                  - {port: 5433, protocol: TCP}
                """);
        assertThat(slices).extracting(EndpointSliceInfo::name)
                .containsExactly("external-db-0-ipv4", "external-db-0-ipv6", "external-db-1-ipv4");
        assertThat(slices).allSatisfy(s -> assertThat(s.service()).isEqualTo(ServiceKey.of("default", "external-db")));
        EndpointSliceInfo v4 = slices.get(0);
        assertThat(v4.addressType()).isEqualTo(IpFamily.IPV4);
        assertThat(v4.ports()).containsExactly(new EndpointPort("postgres", Protocol.TCP, 5432, null));
        assertThat(v4.endpoints()).containsExactly(
                new EndpointInfo(IpAddresses.parse("192.168.1.100"), "primary", "node-1", null, true, true, false, "db-0"),
                new EndpointInfo(IpAddresses.parse("192.168.1.101"), null, null, null, false, false, false, null));
        assertThat(slices.get(1).endpoints()).extracting(e -> IpAddresses.format(e.address())).containsExactly("fd00:10:244::1:64");
        assertThat(slices.get(2).ports()).containsExactly(new EndpointPort(null, Protocol.TCP, 5433, null));
        assertThat(EndpointsConverter.serviceOf(Fabric8Yaml.read("metadata: {name: external-db, namespace: data}", Endpoints.class)))
                .isEqualTo(ServiceKey.of("data", "external-db"));
    }

    @Test
    void endpointsWithoutSubsetsHaveNoSlices() {
        assertThat(convert("metadata: {name: external-db}")).isEmpty();
    }

    @Test
    void rejectsBadAddressWithFieldPath() {
        assertThatThrownBy(() -> convert("""
                metadata: {name: external-db}
                subsets:
                - notReadyAddresses: [{ip: 192.168.1.100}, {ip: db.internal}]
                """)).isInstanceOf(ConversionException.class)
                .hasMessage("subsets[0].notReadyAddresses[1].ip: \"db.internal\" is not an IP address");
        assertThatThrownBy(() -> convert("""
                metadata: {name: external-db}
                subsets:
                - addresses: [{ip: 192.168.1.100}]
                  ports: [{port: 5432, protocol: QUIC}]
                """)).hasMessage("subsets[0].ports[0].protocol: unsupported protocol \"QUIC\" (expected TCP, UDP or SCTP)");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "subsets: [{ports: [{port: 5432}]}]"
                    + " | subsets[0]: must specify addresses or notReadyAddresses",
            "subsets: [{addresses: [{ip: 192.168.1.100}], ports: [{port: 5432}, {port: 5433}]}]"
                    + " | subsets[0].ports[0].name: required when the subset has more than one port",
            "subsets: [{addresses: [{ip: 169.254.169.254}]}]"
                    + " | subsets[0].addresses[0].ip: \"169.254.169.254\" may not be in the link-local range (169.254.0.0/16, fe80::/10)",
            "subsets: [{addresses: [{ip: '::1'}]}]"
                    + " | subsets[0].addresses[0].ip: \"::1\" may not be in the loopback range (127.0.0.0/8, ::1/128)",
            "subsets: [{addresses: [{ip: 192.168.1.100, nodeName: Node_1}]}]"
                    + " | subsets[0].addresses[0].nodeName: \"Node_1\" " + DnsNames.DNS1123_SUBDOMAIN_RULE,
            "subsets: [{addresses: [{ip: 192.168.1.100}], ports: [{port: 0}]}]"
                    + " | subsets[0].ports[0].port: must be 1..65535, got 0",
    })
    void rejectsAsTheApiServerDoes(String subsets, String message) {
        assertThatThrownBy(() -> convert("metadata: {name: external-db}\n" + subsets))
                .isInstanceOf(ConversionException.class).hasMessage(message);
    }
}
