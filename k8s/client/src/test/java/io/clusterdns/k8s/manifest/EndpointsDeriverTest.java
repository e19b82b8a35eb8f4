package io.clusterdns.k8s.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.ContainerPort;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.TargetPort;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointsDeriverTest {
    // Conventions: namespace "default", service "web" (selector app=web, port 80 -> named "http"),
    // pods 10.244.1.0/24 on node-1 and fd00:10:244::1:0/112, the http container port is 8080.
    private static final String NS = "default";
    private static final Map<String, String> WEB = Map.of("app", "web");
    private static final ServicePort HTTP = new ServicePort("http", Protocol.TCP, 80, TargetPort.named("http"), 0, null);
    private static final List<ContainerPort> HTTP_8080 = List.of(new ContainerPort("http", 8080, Protocol.TCP));

    private final EndpointsDeriver deriver = new EndpointsDeriver();

    private static ServiceInfo service(String name, List<ServicePort> ports, boolean publishNotReady, List<IpFamily> families) {
        return new ServiceInfo(ServiceKey.of(NS, name), ServiceType.CLUSTER_IP, List.of(), false, families, ports, null,
                null, null, null, null, null, null, 0, publishNotReady, WEB, null);
    }

    private static ServiceInfo web() {
        return service("web", List.of(HTTP), false, List.of(IpFamily.IPV4));
    }

    private static PodInfo pod(String name, String phase, boolean ready, boolean terminating, String... ips) {
        List<InetAddress> addresses = java.util.Arrays.stream(ips).map(IpAddresses::parse).toList();
        return new PodInfo(NS, name, addresses, null, null, "node-1", WEB, phase, ready, terminating, HTTP_8080);
    }

    private static PodInfo withPorts(PodInfo p, List<ContainerPort> ports) {
        return new PodInfo(p.namespace(), p.name(), p.ips(), p.hostname(), p.subdomain(), p.nodeName(), p.labels(), p.phase(),
                p.ready(), p.terminating(), ports);
    }

    private static List<EndpointInfo> endpoints(List<EndpointSliceInfo> slices) {
        return slices.stream().flatMap(s -> s.endpoints().stream()).toList();
    }

    @ParameterizedTest(name = "phase={0} podReady={1} terminating={2} publishNotReady={3} -> in={4} ready={5} serving={6}")
    @CsvSource({
            // the EndpointSlice controller's rules (podToEndpoint, ShouldPodBeInEndpoints)
            "Running,   true,  false, false, true,  true,  true",
            "Running,   false, false, false, true,  false, false",
            "Running,   true,  true,  false, true,  false, true",
            "Running,   false, true,  false, true,  false, false",
            "Running,   false, false, true,  true,  true,  false",
            "Running,   true,  true,  true,  true,  true,  true",
            "Pending,   false, false, false, true,  false, false",
            "Pending,   false, false, true,  true,  true,  false",
            "Succeeded, false, false, true,  false, false, false",
            "Failed,    false, false, false, false, false, false",
            "Unknown,   false, false, false, true,  false, false",
    })
    void conditionsFollowTheController(String phase, boolean podReady, boolean terminating, boolean publishNotReady,
                                       boolean included, boolean ready, boolean serving) {
        ServiceInfo svc = service("web", List.of(HTTP), publishNotReady, List.of(IpFamily.IPV4));
        List<EndpointInfo> eps = endpoints(deriver.derive(svc, List.of(pod("web-0", phase, podReady, terminating, "10.244.1.5"))));
        if (!included) {
            assertThat(eps).isEmpty();
            return;
        }
        assertThat(eps).singleElement().satisfies(ep -> {
            assertThat(ep.ready()).isEqualTo(ready);
            assertThat(ep.serving()).isEqualTo(serving);
            assertThat(ep.terminating()).isEqualTo(terminating);
            assertThat(ep.nodeName()).isEqualTo("node-1");
            assertThat(ep.targetPodName()).isEqualTo("web-0");
        });
    }

    @Test
    void podWithoutIpIsLeftOut() {
        assertThat(deriver.derive(web(), List.of(pod("web-0", "Running", true, false)))).isEmpty();
    }

    @Test
    void selectsByLabelsWithinTheNamespaceOnly() {
        PodInfo match = pod("web-0", "Running", true, false, "10.244.1.5");
        PodInfo otherNs = new PodInfo("shop", "web-1", match.ips(), null, null, null, WEB, "Running", true, false, HTTP_8080);
        PodInfo moreLabels = new PodInfo(NS, "web-2", List.of(IpAddresses.parse("10.244.1.7")), null, null, null,
                Map.of("app", "web", "track", "canary"), "Running", true, false, HTTP_8080);
        PodInfo otherApp = new PodInfo(NS, "api-0", List.of(IpAddresses.parse("10.244.1.8")), null, null, null,
                Map.of("app", "api"), "Running", true, false, HTTP_8080);
        assertThat(endpoints(deriver.derive(web(), List.of(match, otherNs, moreLabels, otherApp))))
                .extracting(EndpointInfo::targetPodName).containsExactly("web-0", "web-2");
    }

    @Test
    void namedPortResolvedPerPodSplitsSlices() {
        PodInfo a = pod("web-a", "Running", true, false, "10.244.1.5");
        PodInfo b = withPorts(pod("web-b", "Running", true, false, "10.244.1.6"), List.of(new ContainerPort("http", 9090, Protocol.TCP)));
        PodInfo c = withPorts(pod("web-c", "Running", true, false, "10.244.1.7"), List.of(new ContainerPort("http", 8080, Protocol.UDP)));
        List<EndpointSliceInfo> slices = deriver.derive(web(), List.of(a, b, c));
        assertThat(slices).hasSize(3);
        assertThat(slices).extracting(EndpointSliceInfo::ports).containsExactlyInAnyOrder(
                List.of(new EndpointPort("http", Protocol.TCP, 8080, null)),
                List.of(new EndpointPort("http", Protocol.TCP, 9090, null)),
                // a pod lacking the named port (here: only with another protocol) still is an endpoint, without that port
                List.of());
        assertThat(slices).allSatisfy(s -> assertThat(s.name()).startsWith("web-").hasSize("web-".length() + 5));
        assertThat(slices).extracting(EndpointSliceInfo::name).doesNotHaveDuplicates();
    }

    @Test
    void numericTargetPortNeedsNoContainerPort() {
        ServicePort numeric = new ServicePort(null, Protocol.TCP, 80, TargetPort.of(8081), 0, "http");
        PodInfo bare = withPorts(pod("web-0", "Running", true, false, "10.244.1.5"), List.of());
        List<EndpointSliceInfo> slices = deriver.derive(service("web", List.of(numeric), false, List.of(IpFamily.IPV4)), List.of(bare));
        assertThat(slices).singleElement().satisfies(s ->
                assertThat(s.ports()).containsExactly(new EndpointPort(null, Protocol.TCP, 8081, "http")));
    }

    @Test
    void twoHundredFiftyPodsMakeSlicesOfAtMostOneHundred() {
        List<PodInfo> pods = new ArrayList<>();
        IntStream.range(0, 250).forEach(i -> pods.add(pod(String.format("web-%03d", i), "Running", true, false,
                "10.244." + (1 + i / 200) + "." + (i % 200 + 2))));
        List<EndpointSliceInfo> slices = deriver.derive(web(), pods);
        assertThat(slices).extracting(s -> s.endpoints().size()).containsExactly(100, 100, 50);
        assertThat(endpoints(slices)).extracting(EndpointInfo::targetPodName).doesNotHaveDuplicates().hasSize(250);
        assertThat(slices).extracting(EndpointSliceInfo::name).doesNotHaveDuplicates();
        assertThat(deriver.derive(web(), pods)).isEqualTo(slices);
    }

    @ParameterizedTest(name = "hostname={0} subdomain={1} -> {2}")
    @CsvSource({
            "mongo-0, mongo-headless, mongo-0",
            "mongo-0, other,          ''",
            "'',      mongo-headless, ''",
    })
    void hostnameOnlyWhenSubdomainIsTheService(String hostname, String subdomain, String expected) {
        ServiceInfo headless = service("mongo-headless", List.of(new ServicePort("mongo", Protocol.TCP, 27017, TargetPort.of(27017), 0, null)),
                false, List.of(IpFamily.IPV4));
        PodInfo pod = new PodInfo(NS, "mongo-0", List.of(IpAddresses.parse("10.244.1.50")), hostname.isEmpty() ? null : hostname,
                subdomain, "node-1", WEB, "Running", true, false, List.of());
        assertThat(endpoints(deriver.derive(headless, List.of(pod)))).singleElement()
                .extracting(EndpointInfo::hostname).isEqualTo(expected.isEmpty() ? null : expected);
    }

    @Test
    void oneSlicePerServiceFamily() {
        ServiceInfo dual = service("web", List.of(HTTP), false, List.of(IpFamily.IPV4, IpFamily.IPV6));
        List<EndpointSliceInfo> slices = deriver.derive(dual, List.of(
                pod("web-0", "Running", true, false, "10.244.1.5", "fd00:10:244::1:5"),
                pod("web-1", "Running", true, false, "10.244.1.6")));
        assertThat(slices).extracting(EndpointSliceInfo::addressType).containsExactly(IpFamily.IPV4, IpFamily.IPV6);
        assertThat(slices.get(0).endpoints()).hasSize(2);
        assertThat(slices.get(1).endpoints()).extracting(e -> IpAddresses.format(e.address())).containsExactly("fd00:10:244::1:5");
    }

    @Test
    void servicesWithoutSelectorOrExternalNameGetNothing() {
        PodInfo p = pod("web-0", "Running", true, false, "10.244.1.5");
        ServiceInfo noSelector = new ServiceInfo(ServiceKey.of(NS, "web"), ServiceType.CLUSTER_IP, List.of(), false, List.of(IpFamily.IPV4),
                List.of(HTTP), null, null, null, null, null, null, null, 0, false, null, null);
        ServiceInfo alias = new ServiceInfo(ServiceKey.of(NS, "web"), ServiceType.EXTERNAL_NAME, List.of(), false, List.of(),
                List.of(), "db.example.com", null, null, null, null, null, null, 0, false, WEB, null);
        assertThat(deriver.derive(noSelector, List.of(p))).isEmpty();
        assertThat(deriver.derive(alias, List.of(p))).isEmpty();
    }
}
