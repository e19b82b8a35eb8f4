package io.clusterdns.k8s.manifest;

import static io.clusterdns.k8s.manifest.Yaml.clusterIpService;
import static io.clusterdns.k8s.manifest.Yaml.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.ServiceInfo;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterIpAllocatorTest {
    // Conventions: service CIDRs 10.96.0.0/12 and fd00:10:96::/112; the first 256 addresses of each
    // are the static band (hand-picked IPs such as kube-dns 10.96.0.10), never allocated automatically.
    private static final IpRange V4 = IpRange.parse("10.96.0.0/12");
    private static final IpRange V6 = IpRange.parse("fd00:10:96::/112");
    private static final InetAddress V4_DYNAMIC_FIRST = V4.at(256);
    private static final InetAddress V4_BROADCAST = IpAddresses.parse("10.111.255.255");

    private static Map<String, ServiceInfo> allocate(String yaml) {
        List<ManifestService> services = new ClusterIpAllocator().allocate(ManifestLoader.parse(yaml, "t.yaml").services());
        Map<String, ServiceInfo> byName = new LinkedHashMap<>();
        services.forEach(s -> byName.put(s.info().name(), s.info()));
        return byName;
    }

    private static Map<String, List<String>> ips(String yaml) {
        return allocate(yaml).values().stream().collect(Collectors.toMap(ServiceInfo::name,
                s -> s.clusterIPs().stream().map(IpAddresses::format).toList()));
    }

    private static String many(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> clusterIpService("svc-" + i)).collect(Collectors.joining());
    }

    @Test
    void kubernetesGetsTheFirstAddress() {
        assertThat(ips(service("default", "kubernetes", "{ports: [{name: https, port: 443, targetPort: 6443}]}")))
                .containsEntry("kubernetes", List.of("10.96.0.1"));
        assertThat(ips(service("default", "kubernetes", "{ipFamilyPolicy: PreferDualStack, ports: [{port: 443}]}")))
                .containsEntry("kubernetes", List.of("10.96.0.1", "fd00:10:96::1"));
    }

    @Test
    void allocatesInsideTheDynamicPartOfTheRange() {
        for (ServiceInfo s : allocate(many(0, 200)).values()) {
            InetAddress ip = s.clusterIPs().get(0);
            assertThat(V4.contains(ip)).as("%s in range", ip).isTrue();
            assertThat(new java.math.BigInteger(1, ip.getAddress()))
                    .isGreaterThanOrEqualTo(new java.math.BigInteger(1, V4_DYNAMIC_FIRST.getAddress()))
                    .isLessThan(new java.math.BigInteger(1, V4_BROADCAST.getAddress()));
            assertThat(s.ipFamilies()).containsExactly(IpFamily.IPV4);
        }
        assertThat(allocate(many(0, 200)).values().stream().map(s -> s.clusterIPs().get(0)).distinct()).hasSize(200);
    }

    @Test
    void allocationIsDeterministicAndIndependentOfOrder() {
        List<String> docs = new ArrayList<>();
        IntStream.range(0, 40).forEach(i -> docs.add(clusterIpService("svc-" + i)));
        Map<String, List<String>> first = ips(String.join("", docs));
        Collections.reverse(docs);
        assertThat(ips(String.join("", docs))).isEqualTo(first);
        assertThat(ips(String.join("", docs))).isEqualTo(first);
    }

    @Test
    void addingAServiceKeepsEveryOtherAddress() {
        Map<String, List<String>> before = ips(many(0, 100));
        Map<String, List<String>> after = ips(many(0, 101));
        assertThat(after).hasSize(101);
        before.forEach((name, ip) -> assertThat(after.get(name)).as(name).isEqualTo(ip));
    }

    @Test
    void keepsWrittenAddressesAndProbesPastThem() {
        String natural = ips(clusterIpService("web")).get("web").get(0);
        String next = IpAddresses.format(V4.at(offset(natural) + 1));
        Map<String, List<String>> ips = ips(clusterIpService("web") + service("default", "squatter", "{clusterIP: " + natural + ", ports: [{port: 80}]}"));
        assertThat(ips.get("squatter")).containsExactly(natural);
        assertThat(ips.get("web")).containsExactly(next);
    }

    private static long offset(String ip) {
        return new java.math.BigInteger(1, IpAddresses.parse(ip).getAddress())
                .subtract(new java.math.BigInteger(1, V4.at(0).getAddress())).longValueExact();
    }

    @Test
    void duplicateWrittenAddressFailsOnTheSecondServiceNamingTheFirst() {
        String yaml = service("default", "web", "{clusterIP: 10.96.45.100, ports: [{port: 80}]}")
                + service("shop", "web2", "{clusterIP: 10.96.45.100, clusterIPs: [10.96.45.100], ports: [{port: 80}]}");
        assertThatThrownBy(() -> allocate(yaml))
                .isInstanceOf(ManifestException.class)
                .hasMessage("t.yaml document 2 (line 9): spec.clusterIPs[0]: 10.96.45.100 is already allocated to default/web (t.yaml document 1)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{ipFamilyPolicy: RequireDualStack, ipFamilies: [IPv4, IPv6], ports: [{port: 80}]} | IPV4,IPV6 | 2",
            "{ipFamilyPolicy: PreferDualStack, ports: [{port: 80}]}                           | IPV4,IPV6 | 2",
            "{ipFamilyPolicy: RequireDualStack, ipFamilies: [IPv6], ports: [{port: 80}]}         | IPV6,IPV4 | 2",
            "{ipFamilies: [IPv4, IPv6], ports: [{port: 80}]}                                  | IPV4,IPV6 | 2",
            "{ipFamilies: [IPv6], ports: [{port: 80}]}                                        | IPV6      | 1",
            "{ipFamilyPolicy: SingleStack, ports: [{port: 80}]}                               | IPV4      | 1",
            "{clusterIP: 'fd00:10:96::35', ipFamilyPolicy: PreferDualStack, ports: [{port: 80}]} | IPV6,IPV4 | 2",
            "{clusterIP: None, selector: {app: x}}                                            | IPV4      | 0",
            "{clusterIP: None}                                                                | IPV4,IPV6 | 0",
            "{type: ExternalName, externalName: db.example.com}                               | ''        | 0",
    })
    void honoursFamilyPolicies(String spec, String families, int ipCount) {
        ServiceInfo s = allocate(service("default", "svc", spec)).get("svc");
        List<IpFamily> expected = families.isEmpty() ? List.of()
                : java.util.Arrays.stream(families.split(",")).map(IpFamily::valueOf).toList();
        assertThat(s.ipFamilies()).isEqualTo(expected);
        assertThat(s.clusterIPs()).hasSize(ipCount);
        for (int i = 0; i < ipCount; i++) {
            InetAddress ip = s.clusterIPs().get(i);
            assertThat(IpFamily.of(ip)).isEqualTo(expected.get(i));
            assertThat((expected.get(i) == IpFamily.IPV4 ? V4 : V6).contains(ip)).isTrue();
        }
    }

    @Test
    void keepsAWrittenDualStackPair() {
        Map<String, List<String>> ips = ips(service("default", "echo", "{clusterIP: 10.96.60.60, clusterIPs: [10.96.60.60, 'fd00:10:96::3c3c'], ports: [{port: 80}]}"));
        assertThat(ips.get("echo")).containsExactly("10.96.60.60", "fd00:10:96::3c3c");
    }

    @Test
    void aServiceHoldingItsWrittenAddressKeepsItAndTheNewcomerIsTheError() {
        String web = service("default", "web", "{clusterIP: 10.96.45.100, ports: [{port: 80}]}");
        ClusterSnapshot serving = ManifestSnapshots.parse(web);
        List<ManifestService> services = ManifestLoader.parse(service("default", "new", "{clusterIP: 10.96.45.100, ports: [{port: 80}]}") + web,
                "t.yaml").services();
        assertThatThrownBy(() -> new ClusterIpAllocator().allocate(services, ClusterIpAllocator.holding(serving)))
                .hasMessage("t.yaml document 1 (line 4): spec.clusterIP: 10.96.45.100 is already allocated to default/web (t.yaml document 2)");
    }
}
