package io.clusterdns.k8s.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ImportedSliceInfo;
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

    private static final String WEB = "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\n";

    /** Valid slices that kube-proxy and cluster DNS do not use: the API stores them, so they are accepted and convert to nothing. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no service-name label | metadata: {name: s}\\naddressType: IPv4\\nendpoints: [{addresses: [10.244.1.5]}]"
                    + " | no kubernetes.io/service-name label, so it belongs to no Service (kube-proxy and cluster DNS skip it)",
            "other labels only     | metadata: {name: s, labels: {app: web}}\\naddressType: IPv6"
                    + " | no kubernetes.io/service-name label, so it belongs to no Service (kube-proxy and cluster DNS skip it)",
            "FQDN                  | metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: FQDN"
                    + "\\nendpoints: [{addresses: [db.example.com, 'db2.example.com.'], hostname: db}]\\nports: [{name: pg, port: 5432}]"
                    + " | addressType FQDN, which neither kube-proxy nor cluster DNS uses",
    })
    void validSlicesNoConsumerUsesAreIgnored(String what, String yaml, String reason) {
        EndpointSlice slice = Fabric8Yaml.read(yaml.replace("\\n", "\n"), EndpointSlice.class);
        assertThat(EndpointSliceConverter.convert(slice)).isEmpty();
        assertThat(EndpointSliceConverter.ignoredBecause(slice)).contains(reason);
    }

    @Test
    void acceptsWhatTheApiDoesNotCheckAndIgnoresWhatKubeProxyIgnores() {
        EndpointSliceInfo slice = convert("""
                metadata:
                  name: s
                  labels: {kubernetes.io/service-name: web}
                  annotations: {endpoints.kubernetes.io/last-change-trigger-time: yesterday}
                addressType: IPv4
                endpoints: [{addresses: [10.244.1.5], zone: any zone text}]
                ports:
                - {name: a, port: 70000}
                - {name: b, port: 0}
                - {name: c, port: 8080, appProtocol: kubernetes.io/h2c}
                """);
        // the API stores any port number; kube-proxy skips unusable ones, and so does the conversion
        assertThat(slice.ports()).containsExactly(new EndpointPort("c", Protocol.TCP, 8080, "kubernetes.io/h2c"));
        // annotations are not validated by the API; kube-proxy ignores a trigger time it cannot parse
        assertThat(slice.triggerTime()).isNull();
        assertThat(EndpointSliceConverter.ignoredBecause(Fabric8Yaml.read(WEB + "addressType: IPv4", EndpointSlice.class))).isEmpty();
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}"
                    + " | addressType: required (IPv4, IPv6 or FQDN)",
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IP"
                    + " | addressType: unsupported address type \"IP\" (expected IPv4, IPv6 or FQDN)",
            "metadata: {name: S_1}\\naddressType: IPv4"
                    + " | metadata.name: \"S_1\" " + DnsNames.DNS1123_SUBDOMAIN_RULE,
            "metadata: {name: s, labels: {kubernetes.io/service-name: 'not a name'}}\\naddressType: IPv4"
                    + " | metadata.labels[\"kubernetes.io/service-name\"]: \"not a name\" " + DnsNames.LABEL_VALUE_RULE,
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nendpoints: [{addresses: []}]"
                    + " | endpoints[0].addresses: must hold 1..100 addresses, got 0",
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nendpoints: [{addresses: [10.244.1.5]}, {addresses: ['fd00::1']}]"
                    + " | endpoints[1].addresses[0]: \"fd00::1\" is not an IPv4 address",
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nendpoints: [{addresses: [127.0.0.1]}]"
                    + " | endpoints[0].addresses[0]: \"127.0.0.1\" may not be in the loopback range (127.0.0.0/8, ::1/128)",
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv6\\nendpoints: [{addresses: ['fe80::1']}]"
                    + " | endpoints[0].addresses[0]: \"fe80::1\" may not be in the link-local range (169.254.0.0/16, fe80::/10)",
            "metadata: {name: s}\\naddressType: IPv4\\nendpoints: [{addresses: [0.0.0.0]}]"
                    + " | endpoints[0].addresses[0]: \"0.0.0.0\" may not be unspecified",
            "metadata: {name: s}\\naddressType: FQDN\\nendpoints: [{addresses: [localhost]}]"
                    + " | endpoints[0].addresses[0]: \"localhost\" " + DnsNames.FQDN_RULE,
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nendpoints: [{addresses: [10.244.1.5], nodeName: Node_1}]"
                    + " | endpoints[0].nodeName: \"Node_1\" " + DnsNames.DNS1123_SUBDOMAIN_RULE,
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nendpoints: [{addresses: [10.244.1.5], hostname: web.0}]"
                    + " | endpoints[0].hostname: \"web.0\" " + DnsNames.DNS1123_LABEL_RULE,
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nports: [{name: http, port: 80}, {name: http, port: 81}]"
                    + " | ports[1].name: duplicate port name \"http\" (also ports[0])",
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nports: [{port: 80}, {port: 81}]"
                    + " | ports[1].name: duplicate unnamed port (also ports[0]); at most one port may be unnamed",
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nports: [{port: 80, protocol: HTTP}]"
                    + " | ports[0].protocol: unsupported protocol \"HTTP\" (expected TCP, UDP or SCTP)",
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nports: [{port: 80, appProtocol: 'h2 c'}]"
                    + " | ports[0].appProtocol: \"h2 c\" " + DnsNames.QUALIFIED_NAME_RULE,
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nendpoints: [{addresses: [10.244.1.5], hints: {forZones: [{name: 'zone a'}]}}]"
                    + " | endpoints[0].hints.forZones[0].name: \"zone a\" " + DnsNames.LABEL_VALUE_RULE,
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nendpoints: [{addresses: [10.244.1.5], hints: {forZones: [{name: a}, {name: a}]}}]"
                    + " | endpoints[0].hints.forZones[1].name: duplicate value \"a\" (also item 0)",
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nendpoints: [{addresses: [10.244.1.5], hints: {forNodes: [{name: ''}]}}]"
                    + " | endpoints[0].hints.forNodes[0].name: \"\" " + DnsNames.DNS1123_SUBDOMAIN_RULE,
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nendpoints: [{addresses: [10.244.1.5], hints: {forNodes: [{name: Node_1}]}}]"
                    + " | endpoints[0].hints.forNodes[0].name: \"Node_1\" " + DnsNames.DNS1123_SUBDOMAIN_RULE,
            "metadata: {name: s, labels: {kubernetes.io/service-name: web}}\\naddressType: IPv4\\nendpoints: [{addresses: [10.244.1.5], hints: {forNodes: [{name: a}, {name: b}, {name: c}, {name: d}, {name: e}, {name: f}, {name: g}, {name: h}, {name: i}]}}]"
                    + " | endpoints[0].hints.forNodes: must have at most 8 items, got 9",
    })
    void rejectsWithFieldPath(String yaml, String message) {
        EndpointSlice slice = Fabric8Yaml.read(yaml.replace("\\n", "\n"), EndpointSlice.class);
        assertThatThrownBy(() -> EndpointSliceConverter.convert(slice)).isInstanceOf(ConversionException.class).hasMessage(message);
    }

    @Test
    void readsZoneAndNodeHints() {
        EndpointSliceInfo slice = convert("""
                metadata: {name: web-1, labels: {kubernetes.io/service-name: web}}
                addressType: IPv4
                endpoints:
                - addresses: [10.244.1.5]
                  zone: zone-a
                  hints: {forZones: [{name: zone-b}, {name: zone-a}], forNodes: [{name: node-1}]}
                - addresses: [10.244.2.5]
                - addresses: [10.244.2.6]
                  hints: {forZones: [{name: ''}]}
                """);
        assertThat(slice.endpoints().get(0).zoneHints()).containsExactly("zone-a", "zone-b");
        assertThat(slice.endpoints().get(2).zoneHints()).as("the API server accepts an empty zone name").containsExactly("");
        assertThat(slice.endpoints().get(0).nodeHints()).containsExactly("node-1");
        assertThat(slice.endpoints().get(1).hasHints()).isFalse();
    }

    /** The clusterset view: a slice an MCS controller imported, named after its ServiceImport and source cluster. */
    @Test
    void importedSlicesBelongToTheirServiceImportAndSourceCluster() {
        EndpointSlice raw = Fabric8Yaml.read("""
                metadata:
                  name: headless-clustera
                  namespace: test
                  labels: {multicluster.kubernetes.io/service-name: headless, multicluster.kubernetes.io/source-cluster: clusterA}
                addressType: IPv4
                endpoints:
                - {addresses: [10.3.0.101], hostname: my-pet-1}
                - {addresses: [10.3.0.109], conditions: {ready: false}}
                ports: [{name: https, port: 443}]
                """, EndpointSlice.class);
        ImportedSliceInfo imported = EndpointSliceConverter.convertImported(raw).orElseThrow();
        assertThat(imported.sourceCluster()).isEqualTo("clusterA");
        assertThat(imported.importKey()).isEqualTo(ServiceKey.of("test", "headless"));
        assertThat(imported.slice().endpoints()).containsExactly(
                new EndpointInfo(IpAddresses.parse("10.3.0.101"), "my-pet-1", null, null, true, true, false, null),
                new EndpointInfo(IpAddresses.parse("10.3.0.109"), null, null, null, false, false, false, null));
        assertThat(imported.slice().ports()).containsExactly(new EndpointPort("https", Protocol.TCP, 443, null));
        // not a Service's slice: kube-proxy and the cluster zone leave it alone
        assertThat(EndpointSliceConverter.convert(raw)).isEmpty();
        assertThat(EndpointSliceConverter.importIgnoredBecause(raw)).isEmpty();
    }

    @Test
    void aSliceLabelledForBothAServiceAndAServiceImportIsInBothViews() {
        EndpointSlice raw = Fabric8Yaml.read("""
                metadata:
                  name: web-b
                  namespace: test
                  labels: {kubernetes.io/service-name: derived-web, multicluster.kubernetes.io/service-name: web,
                           multicluster.kubernetes.io/source-cluster: clusterB}
                addressType: IPv6
                endpoints: [{addresses: ["2001:db8::7"]}]
                """, EndpointSlice.class);
        assertThat(EndpointSliceConverter.convert(raw).orElseThrow().service()).isEqualTo(ServiceKey.of("test", "derived-web"));
        assertThat(EndpointSliceConverter.convertImported(raw).orElseThrow().importKey()).isEqualTo(ServiceKey.of("test", "web"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no source cluster | {multicluster.kubernetes.io/service-name: web} | IPv4"
                    + " | no multicluster.kubernetes.io/source-cluster label, so its endpoints have no per-cluster names (every imported slice has one)",
            "dotted cluster ID | {multicluster.kubernetes.io/service-name: web, multicluster.kubernetes.io/source-cluster: east.prod} | IPv4"
                    + " | multicluster.kubernetes.io/source-cluster \"east.prod\" has a dot; a cluster ID is one DNS label",
            "FQDN              | {multicluster.kubernetes.io/service-name: web, multicluster.kubernetes.io/source-cluster: c1} | FQDN"
                    + " | addressType FQDN, which cluster DNS does not use",
    })
    void importedSlicesTheClustersetViewCannotUseAreValidButLeftOut(String what, String labels, String type, String reason) {
        EndpointSlice raw = Fabric8Yaml.read("metadata: {name: s, labels: " + labels + "}\naddressType: " + type + "\n", EndpointSlice.class);
        assertThat(EndpointSliceConverter.convertImported(raw)).isEmpty();
        assertThat(EndpointSliceConverter.importIgnoredBecause(raw)).contains(reason);
    }

    @Test
    void importedSlicesAreValidatedAsEverySlice() {
        EndpointSlice raw = Fabric8Yaml.read("""
                metadata: {name: s, labels: {multicluster.kubernetes.io/service-name: web, multicluster.kubernetes.io/source-cluster: c1}}
                addressType: IPv4
                endpoints: [{addresses: [10.3.0.1], hostname: My_Pet}]
                """, EndpointSlice.class);
        assertThatThrownBy(() -> EndpointSliceConverter.convertImported(raw)).isInstanceOf(ConversionException.class)
                .hasMessage("endpoints[0].hostname: \"My_Pet\" " + DnsNames.DNS1123_LABEL_RULE);
    }
}
