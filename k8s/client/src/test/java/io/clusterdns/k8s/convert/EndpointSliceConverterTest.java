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
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointSliceConverterTest {
    // Conventions: pods 10.244.0.0/16 and fd00:10:244::/64, nodes node-1/node-2.

    private static EndpointSliceInfo convert(String yaml) {
        return EndpointSliceConverter.convert(Fabric8Yaml.read(yaml, EndpointSlice.class)).orElseThrow();
    }

    @Test
    void convertsSliceLinkedByServiceNameLabel() {
        EndpointSliceInfo slice = convert("""
                metadata:
                  name: web-x2k9p
                  namespace: shop
                  labels: {kubernetes.io/service-name: web}
                  annotations: {endpoints.kubernetes.io/last-change-trigger-time: "2025-01-15T10:00:00Z"}
                addressType: IPv4
                endpoints:
                - addresses: [10.244.1.5]
                  conditions: {ready: true, serving: true, terminating: false}
                  hostname: web-0
                  nodeName: node-1
                  zone: zone-a
                  targetRef: {kind: Pod, name: web-0, namespace: shop}
                - addresses: [10.244.2.10]
                  conditions: {ready: false, serving: true, terminating: true}
                ports:
                - {name: http, port: 8080, protocol: TCP, appProtocol: http}
                - {name: all}
                """);
        assertThat(slice.name()).isEqualTo("web-x2k9p");
        assertThat(slice.service()).isEqualTo(ServiceKey.of("shop", "web"));
        assertThat(slice.addressType()).isEqualTo(IpFamily.IPV4);
        assertThat(slice.triggerTime()).isEqualTo(Instant.parse("2025-01-15T10:00:00Z"));
        assertThat(slice.endpoints()).containsExactly(
                new EndpointInfo(IpAddresses.parse("10.244.1.5"), "web-0", "node-1", "zone-a", true, true, false, "web-0"),
                new EndpointInfo(IpAddresses.parse("10.244.2.10"), null, null, null, false, true, true, null));
        // a port without number ("all ports") is of no use to DNS or the data plane
        assertThat(slice.ports()).containsExactly(new EndpointPort("http", Protocol.TCP, 8080, "http"));
    }

    @ParameterizedTest(name = "conditions {0} -> ready={1} serving={2} terminating={3}")
    @CsvSource(delimiter = '|', value = {
            "{}                                     | true  | true  | false",
            "{ready: false}                         | false | false | false",
            "{ready: false, serving: true}          | false | true  | false",
            "{serving: false}                       | true  | false | false",
            "{ready: false, serving: true, terminating: true} | false | true | true",
    })
    void nilConditionsFollowTheApiDocs(String conditions, boolean ready, boolean serving, boolean terminating) {
        EndpointSliceInfo slice = convert("""
                metadata: {name: s, labels: {kubernetes.io/service-name: web}}
                addressType: IPv6
                endpoints:
                - addresses: ["fd00:10:244::1:5"]
                  conditions: %s
                """.formatted(conditions));
        EndpointInfo ep = slice.endpoints().get(0);
        assertThat(ep.ready()).isEqualTo(ready);
        assertThat(ep.serving()).isEqualTo(serving);
        assertThat(ep.terminating()).isEqualTo(terminating);
    }

    @Test
    void fqdnSlicesAreIgnored() {
        EndpointSlice fqdn = Fabric8Yaml.read("""
                metadata: {name: s, labels: {kubernetes.io/service-name: web}}
                addressType: FQDN
                endpoints: [{addresses: [db.example.com]}]
                """, EndpointSlice.class);
        assertThat(EndpointSliceConverter.convert(fqdn)).isEmpty();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "metadata: {name: s}\\naddressType: IPv4"
                    + " | metadata.labels[\"kubernetes.io/service-name\"]: required to link the slice to its Service",
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}"
                    + " | addressType: required (IPv4, IPv6 or FQDN)",
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IP"
                    + " | addressType: unsupported IP family \"IP\" (expected IPv4 or IPv6)",
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nendpoints: [{addresses: []}]"
                    + " | endpoints[0].addresses: must hold 1..100 addresses, got 0",
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nendpoints: [{addresses: [10.244.1.5]}, {addresses: ['fd00::1']}]"
                    + " | endpoints[1].addresses[0]: \"fd00::1\" is not an IPv4 address",
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nports: [{port: 70000}]"
                    + " | ports[0].port: must be 1..65535, got 70000",
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}, annotations: {endpoints.kubernetes.io/last-change-trigger-time: yesterday}}\\naddressType: IPv4"
                    + " | metadata.annotations[\"endpoints.kubernetes.io/last-change-trigger-time\"]: \"yesterday\" is not an RFC 3339 time",
    })
    void rejectsWithFieldPath(String yaml, String message) {
        assertThatThrownBy(() -> convert(yaml.replace("\\n", "\n"))).isInstanceOf(ConversionException.class).hasMessage(message);
    }
}
