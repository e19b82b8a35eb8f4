package io.clusterdns.k8s.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Incremental snapshots ({@link ClusterSnapshot#apply}) must be indistinguishable from snapshots
 * built from scratch, leave the base untouched, and report exactly what changed.
 * Conventions: services in 10.96.0.0/12 as 10.96.0.&lt;n&gt;, endpoints 10.244.&lt;svc&gt;.&lt;n&gt;,
 * namespaces ns0..ns2.
 */
class ClusterSnapshotTest {
    static final Instant T0 = Instant.ofEpochSecond(1_700_000_000L);

    static InetAddress ip(String s) {
        return IpAddresses.parse(s);
    }

    static ServiceInfo service(String ns, String name, String clusterIp) {
        return new ServiceInfo(ServiceKey.of(ns, name), ServiceType.CLUSTER_IP, List.of(ip(clusterIp)), false,
                List.of(IpFamily.IPV4), List.of(new ServicePort("http", Protocol.TCP, 80, null, 0, null)), null, null, null,
                null, null, null, null, 0, false, Map.of("app", name), null);
    }

    static EndpointSliceInfo slice(ServiceKey svc, String name, String... ips) {
        List<EndpointInfo> eps = new ArrayList<>();
        for (String s : ips) {
            eps.add(new EndpointInfo(ip(s), null, "node-1", null, true, true, false, null));
        }
        return new EndpointSliceInfo(name, svc, IpFamily.IPV4, eps, List.of(new EndpointPort("http", Protocol.TCP, 8080, null)), null);
    }

    static PodInfo pod(String ns, String name, String ip) {
        return new PodInfo(ns, name, List.of(ip(ip)), null, null, "node-1", Map.of(), "Running", true, false, List.of());
    }

    @Test
    void applyUpdatesEveryIndexAndReportsTheChangedServices() {
        ServiceKey web = ServiceKey.of("default", "web");
        ServiceKey api = ServiceKey.of("default", "api");
        ClusterSnapshot s1 = new ClusterSnapshot(1, T0, List.of(service("default", "web", "10.96.0.5"), service("default", "api", "10.96.0.6")),
                List.of(slice(web, "web-a", "10.244.0.1", "10.244.0.2")), List.of(pod("default", "p1", "10.244.0.1")),
                List.of(new NamespaceInfo("default", Map.of())));
        assertThat(s1.changes().full()).isTrue();

        ClusterSnapshot s2 = s1.apply(new SnapshotDelta()
                .putService(service("default", "web", "10.96.0.7"))
                .putSlice(slice(web, "web-a", "10.244.0.2", "10.244.0.3"))
                .removePod("default", "p1"), T0.plusSeconds(1));

        assertThat(s2.version()).isEqualTo(2);
        assertThat(s2.changes()).isEqualTo(new SnapshotChanges(false, Set.of(web), false, true));
        assertThat(s2.service(web).clusterIPs()).containsExactly(ip("10.96.0.7"));
        assertThat(s2.service(api)).isSameAs(s1.service(api));
        assertThat(s2.slices(web).get(0).endpoints()).extracting(EndpointInfo::address).containsExactly(ip("10.244.0.2"), ip("10.244.0.3"));
        assertThat(s2.podsByIP(ip("10.244.0.1"))).isEmpty();
        assertThat(s2.pods()).isEmpty();
        // the base is untouched
        assertThat(s1.service(web).clusterIPs()).containsExactly(ip("10.96.0.5"));
        assertThat(s1.slices(web).get(0).endpoints()).extracting(EndpointInfo::address).containsExactly(ip("10.244.0.1"), ip("10.244.0.2"));
        assertThat(s1.pods()).hasSize(1);

        ClusterSnapshot s3 = s2.apply(new SnapshotDelta().removeService(api).removeSlice(web, "web-a")
                .putNamespace(new NamespaceInfo("prod", Map.of())), T0.plusSeconds(2));
        assertThat(s3.changes()).isEqualTo(new SnapshotChanges(false, Set.of(web, api), true, false));
        assertThat(s3.services()).containsOnlyKeys(web);
        assertThat(s3.slices(web)).isEmpty();
        assertThat(s3.slicesByService()).isEmpty();
        assertThat(s3.namespaces()).containsOnlyKeys("default", "prod");
    }

    /** The clusterset view: ServiceImports and the slices imported for them, apart from the cluster's own. */
    @Test
    void serviceImportsAndImportedSlicesAreKeptApartAndReportedAsClustersetChanges() {
        ServiceKey headless = ServiceKey.of("test", "headless");
        ServiceKey myservice = ServiceKey.of("test", "myservice");
        ServiceImportInfo hl = new ServiceImportInfo(headless, ServiceImportType.HEADLESS, List.of(), List.of());
        ServiceImportInfo vip = new ServiceImportInfo(myservice, ServiceImportType.CLUSTER_SET_IP, List.of(ip("10.42.42.42")), List.of());
        ImportedSliceInfo a = new ImportedSliceInfo("clusterA", slice(headless, "headless-a", "10.3.0.101"));
        ImportedSliceInfo b = new ImportedSliceInfo("clusterB", slice(headless, "headless-b", "10.4.0.101"));
        ClusterSnapshot s1 = new ClusterSnapshot(1, T0, List.of(), List.of(), List.of(), List.of(new NamespaceInfo("test", Map.of())),
                List.of(hl), List.of(a, b));
        assertThat(s1.importedSlices(headless)).containsExactly(a, b);
        assertThat(s1.slices(headless)).as("not a Service's slices").isEmpty();
        assertThat(s1.importedSliceCount()).isEqualTo(2);

        ClusterSnapshot s2 = s1.apply(new SnapshotDelta().putServiceImport(vip).removeImportedSlice(headless, "headless-b"), T0.plusSeconds(1));
        assertThat(s2.changes()).isEqualTo(new SnapshotChanges(false, Set.of(), false, false, Set.of(myservice, headless)));
        assertThat(s2.serviceImports()).containsOnlyKeys(headless, myservice);
        assertThat(s2.importedSlices(headless)).containsExactly(a);
        assertThat(s1.importedSlices(headless)).as("the base is untouched").containsExactly(a, b);

        ClusterSnapshot s3 = s2.apply(new SnapshotDelta().removeServiceImport(headless).removeImportedSlice(headless, "headless-a"),
                T0.plusSeconds(2));
        assertThat(s3.serviceImports()).containsOnlyKeys(myservice);
        assertThat(s3.importedSliceCount()).isZero();
        assertThat(s3.toString()).isEqualTo("ClusterSnapshot{version=3, services=0, slices=0, pods=0, namespaces=1, serviceImports=1, importedSlices=0}");
        // a delta of the cluster view alone names no ServiceImport
        assertThat(s3.apply(new SnapshotDelta().putService(service("test", "web", "10.96.0.5")), T0).changes().serviceImports()).isEmpty();
    }

    @Test
    void nodesAreKeptByNameAndSharedWhenUntouched() {
        NodeInfo a = new NodeInfo("node-1", Map.of(NodeInfo.ZONE_LABEL, "zone-a"));
        ClusterSnapshot first = ClusterSnapshot.EMPTY.apply(new SnapshotDelta().putNode(a), Instant.EPOCH);
        assertThat(first.node("node-1").zone()).isEqualTo("zone-a");
        assertThat(first.changes().services()).isEmpty();
        ClusterSnapshot second = first.apply(new SnapshotDelta().putNamespace(new NamespaceInfo("ns", Map.of())), Instant.EPOCH);
        assertThat(second.nodes()).isSameAs(first.nodes());
        ClusterSnapshot relabelled = second.apply(new SnapshotDelta().putNode(new NodeInfo("node-1", Map.of())), Instant.EPOCH);
        assertThat(relabelled.node("node-1").zone()).as("no zone label").isNull();
        assertThat(relabelled.apply(new SnapshotDelta().removeNode("node-1"), Instant.EPOCH).nodes()).isEmpty();
        assertThat(new ClusterSnapshot(1, Instant.EPOCH, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(a))
                .nodes()).containsOnlyKeys("node-1");
    }

    @Test
    void randomDeltasGiveTheSameSnapshotAsBuildingFromScratch() {
        Random random = new Random(42);
        Map<ServiceKey, ServiceInfo> services = new LinkedHashMap<>();
        Map<SnapshotDelta.SliceKey, EndpointSliceInfo> slices = new LinkedHashMap<>();
        Map<String, PodInfo> pods = new LinkedHashMap<>();
        Map<String, NamespaceInfo> namespaces = new LinkedHashMap<>();
        ClusterSnapshot incremental = ClusterSnapshot.EMPTY;
        for (int round = 0; round < 200; round++) {
            SnapshotDelta delta = new SnapshotDelta();
            for (int op = 0; op < 1 + random.nextInt(8); op++) {
                String ns = "ns" + random.nextInt(3);
                int n = random.nextInt(30);
                ServiceKey key = ServiceKey.of(ns, "svc" + n);
                switch (random.nextInt(7)) {
                    case 0, 1 -> {
                        ServiceInfo s = service(ns, "svc" + n, "10.96." + random.nextInt(2) + "." + random.nextInt(40));
                        services.put(key, s);
                        delta.putService(s);
                    }
                    case 2 -> {
                        services.remove(key);
                        delta.removeService(key);
                    }
                    case 3, 4 -> {
                        String name = "svc" + n + "-" + random.nextInt(3);
                        List<String> ips = new ArrayList<>();
                        for (int i = 0; i < random.nextInt(4); i++) {
                            ips.add("10.244." + random.nextInt(4) + "." + random.nextInt(20));
                        }
                        EndpointSliceInfo sl = slice(key, name, ips.toArray(String[]::new));
                        slices.put(new SnapshotDelta.SliceKey(key, name), sl);
                        delta.putSlice(sl);
                    }
                    case 5 -> {
                        String name = "svc" + n + "-" + random.nextInt(3);
                        slices.remove(new SnapshotDelta.SliceKey(key, name));
                        delta.removeSlice(key, name);
                    }
                    default -> {
                        String name = "pod" + random.nextInt(20);
                        if (random.nextBoolean()) {
                            PodInfo p = pod(ns, name, "10.244." + random.nextInt(4) + "." + random.nextInt(20));
                            pods.put(ns + "/" + name, p);
                            delta.putPod(p);
                        } else {
                            pods.remove(ns + "/" + name);
                            delta.removePod(ns, name);
                        }
                        if (random.nextInt(5) == 0) {
                            namespaces.put(ns, new NamespaceInfo(ns, Map.of()));
                            delta.putNamespace(new NamespaceInfo(ns, Map.of()));
                        }
                    }
                }
            }
            incremental = incremental.apply(delta, T0);
            ClusterSnapshot scratch = new ClusterSnapshot(incremental.version(), T0, services.values(), slices.values(),
                    pods.values(), namespaces.values());
            assertSame(incremental, scratch);
        }
    }

    private static void assertSame(ClusterSnapshot a, ClusterSnapshot b) {
        assertThat(a.services()).isEqualTo(b.services());
        assertThat(new HashMap<>(a.namespaces())).isEqualTo(new HashMap<>(b.namespaces()));
        assertThat(new HashSet<>(a.pods())).isEqualTo(new HashSet<>(b.pods()));
        assertThat(a.slicesByService().keySet()).isEqualTo(b.slicesByService().keySet());
        for (ServiceKey k : a.slicesByService().keySet()) {
            assertThat(new HashSet<>(a.slices(k))).isEqualTo(new HashSet<>(b.slices(k)));
        }
        Set<InetAddress> ips = new HashSet<>();
        for (int x = 0; x < 4; x++) {
            for (int y = 0; y < 40; y++) {
                ips.add(ip("10.96." + x + "." + y));
                ips.add(ip("10.244." + x + "." + y));
            }
        }
        for (InetAddress ip : ips) {
            assertThat(new HashSet<>(a.podsByIP(ip))).as("pod index %s", ip).isEqualTo(new HashSet<>(b.podsByIP(ip)));
        }
    }
}
