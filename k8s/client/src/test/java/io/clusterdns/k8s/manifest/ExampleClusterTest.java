package io.clusterdns.k8s.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The example cluster in k8s/examples (surefire runs in the module folder), as the README describes it. */
class ExampleClusterTest {
    // Conventions of the examples: nodes node-1 (pods 10.244.1.0/24, fd00:10:244::1:*) and node-2
    // (10.244.2.0/24, fd00:10:244::2:*), API server 172.18.0.2:6443, LB ingress from 203.0.113.0/24.
    private static final Path EXAMPLES = Path.of("../examples");
    private static final IpRange POD_V4 = IpRange.parse("10.244.0.0/16");
    private static final IpRange POD_V6 = IpRange.parse("fd00:10:244::/64");
    private static final IpRange SERVICE_V4 = IpRange.parse("10.96.0.0/12");
    private static final IpRange SERVICE_V6 = IpRange.parse("fd00:10:96::/112");

    private static ClusterSnapshot cluster;

    @BeforeAll
    static void load() {
        cluster = ManifestSnapshots.load(EXAMPLES);
    }

    private static ServiceInfo service(String ns, String name) {
        ServiceInfo s = cluster.service(ServiceKey.of(ns, name));
        assertThat(s).as(ns + "/" + name).isNotNull();
        return s;
    }

    private static List<String> clusterIps(ServiceInfo s) {
        return s.clusterIPs().stream().map(IpAddresses::format).toList();
    }

    private static List<EndpointInfo> endpoints(String ns, String name) {
        return cluster.slices(ServiceKey.of(ns, name)).stream().flatMap(sl -> sl.endpoints().stream()).toList();
    }

    private static List<String> readyAddresses(String ns, String name) {
        return endpoints(ns, name).stream().filter(EndpointInfo::ready).map(e -> IpAddresses.format(e.address())).sorted().toList();
    }

    @Test
    void controlPlaneServices() {
        assertThat(clusterIps(service("default", "kubernetes"))).containsExactly("10.96.0.1");
        assertThat(readyAddresses("default", "kubernetes")).containsExactly("172.18.0.2");
        assertThat(cluster.slices(ServiceKey.of("default", "kubernetes")).get(0).ports())
                .extracting(EndpointPort::port).containsExactly(6443);

        ServiceInfo dns = service("kube-system", "kube-dns");
        assertThat(clusterIps(dns)).containsExactly("10.96.0.10");
        assertThat(dns.ports()).extracting(ServicePort::name).containsExactly("dns", "dns-tcp", "metrics");
        assertThat(readyAddresses("kube-system", "kube-dns")).containsExactly("10.244.1.2", "10.244.2.2");
    }

    @Test
    void webHasTwoReadyAndOneNotReadyPod() {
        assertThat(clusterIps(service("default", "web"))).containsExactly("10.96.45.100");
        assertThat(endpoints("default", "web")).hasSize(3);
        assertThat(readyAddresses("default", "web")).containsExactly("10.244.1.5", "10.244.2.10");
        assertThat(cluster.slices(ServiceKey.of("default", "web")).get(0).ports()).extracting(EndpointPort::port).containsExactly(8080);
    }

    @Test
    void backendHasAnAllocatedIpAndATerminatingPod() {
        ServiceInfo backend = service("default", "backend");
        assertThat(SERVICE_V4.contains(backend.clusterIPs().get(0))).isTrue();
        assertThat(endpoints("default", "backend")).filteredOn(EndpointInfo::terminating).singleElement()
                .satisfies(e -> assertThat(e.ready()).isFalse())
                .satisfies(e -> assertThat(e.serving()).isTrue());
        assertThat(readyAddresses("default", "backend")).containsExactly("10.244.1.20", "10.244.2.30");
    }

    @Test
    void mongoPodsHaveHostnamesBehindTheHeadlessService() {
        ServiceInfo mongo = service("default", "mongo-headless");
        assertThat(mongo.headless()).isTrue();
        assertThat(mongo.clusterIPs()).isEmpty();
        assertThat(endpoints("default", "mongo-headless"))
                .extracting(EndpointInfo::hostname, e -> IpAddresses.format(e.address()), EndpointInfo::ready)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("mongo-0", "10.244.1.50", true),
                        org.assertj.core.groups.Tuple.tuple("mongo-1", "10.244.2.60", true),
                        // not Ready yet, published anyway (publishNotReadyAddresses)
                        org.assertj.core.groups.Tuple.tuple("mongo-2", "10.244.1.51", true));
    }

    @Test
    void externalServices() {
        ServiceInfo alias = service("default", "my-database");
        assertThat(alias.type()).isEqualTo(ServiceType.EXTERNAL_NAME);
        assertThat(alias.externalName()).isEqualTo("db.example.com");
        assertThat(alias.clusterIPs()).isEmpty();
        assertThat(service("default", "external-db").selector()).isNull();
        assertThat(readyAddresses("default", "external-db")).containsExactly("192.168.1.100");
    }

    @Test
    void dualStackServiceHasBothFamilies() {
        ServiceInfo echo = service("default", "echo");
        assertThat(echo.ipFamilies()).containsExactly(IpFamily.IPV4, IpFamily.IPV6);
        assertThat(SERVICE_V4.contains(echo.clusterIPs().get(0))).isTrue();
        assertThat(SERVICE_V6.contains(echo.clusterIPs().get(1))).isTrue();
        assertThat(cluster.slices(echo.key())).extracting(EndpointSliceInfo::addressType)
                .containsExactlyInAnyOrder(IpFamily.IPV4, IpFamily.IPV6);
        assertThat(readyAddresses("default", "echo")).containsExactly("10.244.1.60", "10.244.2.70", "fd00:10:244::1:60", "fd00:10:244::2:70");
    }

    @Test
    void exposedServices() {
        assertThat(service("default", "web-nodeport").ports().get(0).nodePort()).isEqualTo(30080);
        ServiceInfo api = service("default", "api");
        assertThat(clusterIps(api)).containsExactly("10.96.0.100");
        assertThat(api.loadBalancerIngress()).extracting(i -> IpAddresses.format(i.ip())).containsExactly("203.0.113.10");
        assertThat(api.ports().get(0).nodePort()).isBetween(30000, 32767);
        assertThat(api.healthCheckNodePort()).isBetween(30000, 32767);
    }

    @Test
    void multiPortServiceSplitsSlicesByResolvedPorts() {
        ServiceInfo myapp = service("default", "myapp");
        assertThat(myapp.ports()).extracting(ServicePort::name).containsExactly("http", "https", "metrics", "statsd");
        assertThat(cluster.slices(myapp.key())).hasSize(2)
                .extracting(s -> s.ports().get(2).port()).containsExactlyInAnyOrder(9090, 9102);
    }

    @Test
    void namespacesAndSkippedKinds() {
        assertThat(cluster.namespaces()).containsKeys("default", "kube-system", "kube-public", "kube-node-lease", "monitoring");
        assertThat(cluster.namespaces().get("monitoring").labels()).containsEntry("team", "observability");
        assertThat(service("monitoring", "prometheus").hasClusterIP()).isTrue();
        List<String> skipped = new ManifestLoader(List.of(EXAMPLES)).load(false).skipped();
        assertThat(skipped).anyMatch(s -> s.endsWith("ConfigMap (v1)"))
                .noneMatch(s -> s.contains("(apps/v1)"));
    }

    /** Allocation is deterministic, and k8s/README.md lists these; a change here must update the README. */
    @Test
    void allocatedAddressesMatchTheReadme() {
        assertThat(clusterIps(service("default", "backend"))).containsExactly("10.101.212.207");
        assertThat(clusterIps(service("default", "myapp"))).containsExactly("10.100.88.74");
        assertThat(clusterIps(service("default", "external-db"))).containsExactly("10.100.73.167");
        assertThat(clusterIps(service("default", "echo"))).containsExactly("10.110.70.56", "fd00:10:96::ab17");
        assertThat(clusterIps(service("monitoring", "prometheus"))).containsExactly("10.104.108.221");
        assertThat(service("default", "api").ports().get(0).nodePort()).isEqualTo(31471);
        assertThat(service("default", "api").healthCheckNodePort()).isEqualTo(30500);
    }

    @Test
    void addressesAreConsistent() {
        List<InetAddress> podIps = cluster.pods().stream().flatMap(p -> p.ips().stream()).toList();
        assertThat(podIps).doesNotHaveDuplicates()
                .allSatisfy(ip -> assertThat(POD_V4.contains(ip) || POD_V6.contains(ip)).as(IpAddresses.format(ip)).isTrue());
        assertThat(cluster.pods()).extracting(PodInfo::nodeName).containsOnly("node-1", "node-2");
        for (PodInfo p : cluster.pods()) {
            String subnet = p.nodeName().equals("node-1") ? "10.244.1." : "10.244.2.";
            assertThat(IpAddresses.format(p.ips().get(0))).as(p.name()).startsWith(subnet);
        }
        List<InetAddress> vips = cluster.services().values().stream().flatMap(s -> s.clusterIPs().stream()).toList();
        assertThat(vips).doesNotHaveDuplicates();
    }
}
