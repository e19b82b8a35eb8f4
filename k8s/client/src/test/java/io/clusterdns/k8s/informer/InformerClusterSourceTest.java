package io.clusterdns.k8s.informer;

import static io.clusterdns.k8s.informer.Fixtures.endpoint;
import static io.clusterdns.k8s.informer.Fixtures.externalName;
import static io.clusterdns.k8s.informer.Fixtures.namespace;
import static io.clusterdns.k8s.informer.Fixtures.pod;
import static io.clusterdns.k8s.informer.Fixtures.service;
import static io.clusterdns.k8s.informer.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.PublishReport;
import io.clusterdns.k8s.SourceStats;
import io.clusterdns.k8s.WatchedKind;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.testing.Await;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The informer source against fabric8's mock API server (CRUD mode, in process): objects created,
 * changed and deleted through the API show up in published snapshots, with the filters of the
 * CoreDNS options.
 *
 * <pre>
 * Conventions
 *   namespaces      default; team-a (label dns=on); team-b (no labels)
 *   service CIDR    10.96.0.0/12: web 10.96.0.20, api 10.96.0.21, db 10.96.0.22, other 10.96.0.23
 *   pod CIDR        10.244.0.0/16: node-1 pods 10.244.1.0/24
 *   ports           every Service port is http 80/TCP, every slice port http 8080/TCP
 *   slices          named SERVICE-SUFFIX, linked by the kubernetes.io/service-name label
 * </pre>
 */
class InformerClusterSourceTest {
    private static final ServiceKey WEB = ServiceKey.of("default", "web");
    private static final ServiceKey API = ServiceKey.of("default", "api");
    private static final ServiceKey DB = ServiceKey.of("default", "db");

    private final LiveCluster cluster = new LiveCluster();

    @AfterEach
    void close() {
        cluster.close();
    }

    @Test
    void firstSnapshotHoldsEverythingAndIsComplete() {
        cluster.create(namespace("default", Map.of()),
                service("default", "web", "10.96.0.20", 80),
                slice("default", "web-a1b2c", "web", endpoint("10.244.1.5", true)));

        ClusterSnapshot first = cluster.startSynced();

        assertThat(first.version()).isEqualTo(1);
        assertThat(first.changes().full()).isTrue();
        assertThat(first.service(WEB).clusterIPs()).containsExactly(ip("10.96.0.20"));
        assertThat(addresses(first, WEB)).containsExactly("10.244.1.5");
        assertThat(first.namespaces()).containsOnlyKeys("default");
        assertThat(cluster.source.hasSynced()).isTrue();
        assertThat(cluster.source.current()).isSameAs(first);
        assertThat(cluster.source.syncStatus().describe()).isEqualTo("services synced, endpointslices synced, namespaces synced");
        assertThat(cluster.source.health().isHealthy()).isTrue();
    }

    @Test
    void serviceCreateUpdateDeleteArePublished() {
        cluster.startSynced();

        cluster.create(service("default", "web", "10.96.0.20", 80));
        ClusterSnapshot created = cluster.snapshots.next();
        assertThat(created.service(WEB).ports()).extracting(ServicePort::port).containsExactly(80);
        assertThat(created.changes().services()).containsExactly(WEB);

        Service newIpAndPort = service("default", "web", "10.96.0.30", 8081);
        cluster.update(newIpAndPort);
        ClusterSnapshot updated = cluster.snapshots.next();
        assertThat(updated.service(WEB).clusterIPs()).containsExactly(ip("10.96.0.30"));
        assertThat(updated.service(WEB).ports()).extracting(ServicePort::port).containsExactly(8081);
        assertThat(updated.service(WEB).clusterIPs()).containsExactly(ip("10.96.0.30"));

        cluster.delete(newIpAndPort);
        ClusterSnapshot deleted = cluster.snapshots.next();
        assertThat(deleted.services()).doesNotContainKey(WEB);
        assertThat(deleted.changes().services()).containsExactly(WEB);
        assertThat(deleted.version()).isEqualTo(created.version() + 2);
    }

    @Test
    void externalNameTargetUpdateIsPublished() {
        cluster.create(externalName("default", "db", "db.example.com"));
        assertThat(cluster.startSynced().service(DB).externalName()).isEqualTo("db.example.com");

        cluster.update(externalName("default", "db", "db2.example.org"));

        assertThat(cluster.snapshots.next().service(DB).externalName()).isEqualTo("db2.example.org");
    }

    @Test
    void sliceEndpointGoesFromReadyToNotReady() {
        cluster.create(service("default", "web", "10.96.0.20", 80),
                slice("default", "web-a1b2c", "web", endpoint("10.244.1.5", true), endpoint("10.244.1.6", true)));
        assertThat(cluster.startSynced().slices(WEB).get(0).endpoints()).allMatch(EndpointInfo::ready);

        cluster.update(slice("default", "web-a1b2c", "web", endpoint("10.244.1.5", true), endpoint("10.244.1.6", false)));

        ClusterSnapshot next = cluster.snapshots.next();
        assertThat(next.slices(WEB).get(0).endpoints())
                .extracting(e -> IpAddresses.format(e.address()) + (e.ready() ? " ready" : " not ready"))
                .containsExactly("10.244.1.5 ready", "10.244.1.6 not ready");
        assertThat(next.changes().services()).containsExactly(WEB);
        assertThat(endpointOwners(next, "10.244.1.6")).containsExactly(WEB);
    }

    /** An endpoint as the EndpointSlice controller writes it: its Pod in {@code targetRef}. */
    private static Endpoint podEndpoint(String ip, String pod) {
        return new EndpointBuilder(endpoint(ip, true))
                .withNewTargetRef().withKind("Pod").withNamespace("default").withName(pod).endTargetRef().build();
    }

    @Test
    void endpointsKeepNoPodNamesUnlessAskedFor() {
        cluster.create(service("default", "web", "10.96.0.20", 80), slice("default", "web-a1b2c", "web", podEndpoint("10.244.1.5", "web-7d4b9-x2k9p")));
        assertThat(cluster.startSynced().slices(WEB).get(0).endpoints()).extracting(EndpointInfo::targetPodName).containsExactly((String) null);

        cluster.update(slice("default", "web-a1b2c", "web", podEndpoint("10.244.1.5", "web-7d4b9-x2k9p"), podEndpoint("10.244.1.6", "web-7d4b9-q8z2m")));
        assertThat(cluster.snapshots.next().slices(WEB).get(0).endpoints()).extracting(EndpointInfo::targetPodName)
                .as("updates too").containsExactly(null, null);
    }

    @Test
    void endpointsKeepTheirPodsNamesForEndpointPodNames() {
        cluster.create(service("default", "web", "10.96.0.20", 80), slice("default", "web-a1b2c", "web", podEndpoint("10.244.1.5", "web-7d4b9-x2k9p")));
        assertThat(cluster.startSynced(c -> c.withEndpointPodNames(true)).slices(WEB).get(0).endpoints())
                .extracting(EndpointInfo::targetPodName).containsExactly("web-7d4b9-x2k9p");
    }

    @Test
    void severalSlicesOfOneServiceAreKeptSeparately() {
        cluster.create(service("default", "web", "10.96.0.20", 80),
                slice("default", "web-aaaaa", "web", endpoint("10.244.1.5", true)),
                slice("default", "web-bbbbb", "web", endpoint("10.244.1.6", true), endpoint("10.244.1.7", true)));
        ClusterSnapshot first = cluster.startSynced();
        assertThat(first.slices(WEB)).extracting(EndpointSliceInfo::name).containsExactlyInAnyOrder("web-aaaaa", "web-bbbbb");
        assertThat(addresses(first, WEB)).containsExactlyInAnyOrder("10.244.1.5", "10.244.1.6", "10.244.1.7");

        cluster.delete(slice("default", "web-aaaaa", "web"));

        ClusterSnapshot next = cluster.snapshots.next();
        assertThat(next.slices(WEB)).extracting(EndpointSliceInfo::name).containsExactly("web-bbbbb");
        assertThat(endpointOwners(next, "10.244.1.5")).isEmpty();
    }

    @Test
    void sliceWhoseServiceLabelChangesMovesToTheOtherService() {
        cluster.create(service("default", "web", "10.96.0.20", 80), service("default", "api", "10.96.0.21", 80),
                slice("default", "shared-x1y2z", "web", endpoint("10.244.1.5", true)));
        assertThat(addresses(cluster.startSynced(), WEB)).containsExactly("10.244.1.5");

        cluster.update(slice("default", "shared-x1y2z", "api", endpoint("10.244.1.5", true)));

        ClusterSnapshot moved = cluster.snapshots.next();
        assertThat(moved.slices(WEB)).isEmpty();
        assertThat(addresses(moved, API)).containsExactly("10.244.1.5");
        assertThat(endpointOwners(moved, "10.244.1.5")).containsExactly(API);
        assertThat(moved.changes().services()).containsExactlyInAnyOrder(WEB, API);
    }

    @Test
    void changesReportExactlyTheTouchedServicesAndNoOpUpdatesPublishNothing() {
        cluster.create(service("default", "web", "10.96.0.20", 80), service("default", "api", "10.96.0.21", 80),
                service("default", "db", "10.96.0.22", 80), slice("default", "api-q1w2e", "api", endpoint("10.244.1.8", true)));
        ClusterSnapshot first = cluster.startSynced();

        // an annotation is not in the records: a new resourceVersion, but no change to publish
        cluster.update(new ServiceBuilder(service("default", "web", "10.96.0.20", 80))
                .editMetadata().addToAnnotations("owner", "team-a").endMetadata().build());
        cluster.update(slice("default", "api-q1w2e", "api", endpoint("10.244.1.9", true)));

        ClusterSnapshot next = cluster.snapshots.next();
        assertThat(next.version()).isEqualTo(first.version() + 1);
        assertThat(next.changes().full()).isFalse();
        assertThat(next.changes().services()).containsExactly(API);
        assertThat(next.changes().namespaces()).isFalse();
        assertThat(next.service(WEB)).isSameAs(first.service(WEB));
    }

    @Test
    void labelsSelectServicesAndSlices() {
        cluster.create(service("default", "web", "10.96.0.20", 80, Map.of("dns", "public")),
                service("default", "api", "10.96.0.21", 80),
                slice("default", "web-a1b2c", "web", Map.of("dns", "public"), endpoint("10.244.1.5", true)),
                slice("default", "api-q1w2e", "api", endpoint("10.244.1.8", true)));

        ClusterSnapshot first = cluster.startSynced(c -> c.withLabels("dns=public"));

        assertThat(first.services()).containsOnlyKeys(WEB);
        assertThat(first.slicesByService()).containsOnlyKeys(WEB);

        // losing the label is a deletion for a label-selected watch
        cluster.update(service("default", "web", "10.96.0.20", 80));
        assertThat(cluster.snapshots.next().services()).isEmpty();
        cluster.update(service("default", "api", "10.96.0.21", 80, Map.of("dns", "public")));
        assertThat(cluster.snapshots.next().services()).containsOnlyKeys(API);
    }

    @Test
    void namespaceLabelsHideOtherNamespacesUntilTheyMatch() {
        ServiceKey inA = ServiceKey.of("team-a", "web");
        ServiceKey inB = ServiceKey.of("team-b", "web");
        cluster.create(namespace("team-a", Map.of("dns", "on")), namespace("team-b", Map.of()),
                service("team-a", "web", "10.96.0.20", 80), service("team-b", "web", "10.96.0.21", 80),
                slice("team-b", "web-b1b2b", "web", endpoint("10.244.1.9", true)));

        ClusterSnapshot first = cluster.startSynced(c -> c.withNamespaceLabels("dns=on"));
        assertThat(first.namespaces()).containsOnlyKeys("team-a");
        assertThat(first.services()).containsOnlyKeys(inA);
        assertThat(first.slicesByService()).isEmpty();
        assertThat(cluster.source.stats().objects(WatchedKind.SERVICES)).isEqualTo(2);

        cluster.update(namespace("team-b", Map.of("dns", "on")));
        ClusterSnapshot bMatches = cluster.snapshots.until("team-b visible", s -> s.namespaces().containsKey("team-b"));
        assertThat(bMatches.services()).containsOnlyKeys(inA, inB);
        assertThat(addresses(bMatches, inB)).containsExactly("10.244.1.9");

        cluster.update(namespace("team-a", Map.of()));
        ClusterSnapshot aHidden = cluster.snapshots.until("team-a hidden", s -> !s.namespaces().containsKey("team-a"));
        assertThat(aHidden.services()).containsOnlyKeys(inB);
        assertThat(aHidden.changes().services()).containsExactly(inA);
    }

    @Test
    void noEndpointsWatchesNoSlices() {
        cluster.create(service("default", "web", "10.96.0.20", 80),
                slice("default", "web-a1b2c", "web", endpoint("10.244.1.5", true)));

        ClusterSnapshot first = cluster.startSynced(c -> c.withNoEndpoints(true));

        assertThat(first.services()).containsOnlyKeys(WEB);
        assertThat(first.slicesByService()).isEmpty();
        assertThat(cluster.source.syncStatus().kinds()).doesNotContainKey(WatchedKind.ENDPOINT_SLICES);
        assertThat(cluster.source.stats().objects()).doesNotContainKey(WatchedKind.ENDPOINT_SLICES);
    }

    @Test
    void podsAreNotWatchedUnlessAsked() {
        cluster.create(pod("default", "web-1", "10.244.1.5"));

        assertThat(cluster.startSynced().pods()).isEmpty();
        assertThat(cluster.source.syncStatus().kinds()).doesNotContainKey(WatchedKind.PODS);
    }

    @Test
    void podsAreWatchedWhenAsked() {
        cluster.create(pod("default", "web-1", "10.244.1.5"));

        ClusterSnapshot first = cluster.startSynced(c -> c.withWatchPods(true));
        assertThat(first.podsByIP(ip("10.244.1.5"))).extracting(p -> p.name()).containsExactly("web-1");

        cluster.create(pod("default", "web-2", "10.244.1.6"));
        ClusterSnapshot next = cluster.snapshots.next();
        assertThat(next.pods()).hasSize(2);
        assertThat(next.changes().pods()).isTrue();
        assertThat(next.changes().services()).isEmpty();
    }

    @Test
    void nodesAreNotWatchedUnlessAsked() {
        cluster.create(node("node-1", "zone-a"));

        assertThat(cluster.startSynced().nodes()).isEmpty();
        assertThat(cluster.source.syncStatus().kinds()).doesNotContainKey(WatchedKind.NODES);
    }

    /** The discovery agent's own Node (by field selector): its zone label, and label changes, are published. */
    @Test
    void oneNodeIsWatchedByNameWhenAsked() {
        cluster.create(node("node-1", "zone-a"), node("node-2", "zone-b"));

        ClusterSnapshot first = cluster.startSynced(c -> c.withNode("node-1"));
        assertThat(first.nodes().keySet()).containsExactly("node-1");
        assertThat(first.node("node-1").zone()).isEqualTo("zone-a");
        assertThat(cluster.source.syncStatus().kinds()).containsEntry(WatchedKind.NODES, io.clusterdns.k8s.SyncStatus.State.SYNCED);

        cluster.update(node("node-1", "zone-c"));
        assertThat(cluster.snapshots.next().node("node-1").zone()).isEqualTo("zone-c");
        cluster.delete(node("node-1", "zone-c"));
        assertThat(cluster.snapshots.next().nodes()).isEmpty();
    }

    private static io.fabric8.kubernetes.api.model.Node node(String name, String zone) {
        return new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName(name)
                .addToLabels(io.clusterdns.k8s.model.NodeInfo.ZONE_LABEL, zone).endMetadata().build();
    }

    @Test
    void anObjectThatCannotBeConvertedIsSkippedAndItsPreviousVersionKept() {
        cluster.create(service("default", "web", "10.96.0.20", 80));
        cluster.startSynced();

        // the mock does not validate; the converter does, as the real API server would have
        cluster.update(service("default", "web", "10.96.0.20", 70000));
        cluster.create(service("default", "api", "10.96.0.21", 80));

        ClusterSnapshot next = cluster.snapshots.next();
        assertThat(next.changes().services()).containsExactly(API);
        assertThat(next.service(WEB).ports()).extracting(ServicePort::port).containsExactly(80);
        assertThat(cluster.source.stats().conversionErrors()).isEqualTo(1);
    }

    @Test
    void statsCountPublishesAndObjects() {
        cluster.create(namespace("default", Map.of()), service("default", "web", "10.96.0.20", 80),
                slice("default", "web-aaaaa", "web", endpoint("10.244.1.5", true)),
                slice("default", "web-bbbbb", "web", endpoint("10.244.1.6", true)));
        Instant before = Instant.now();
        cluster.startSynced();
        cluster.create(service("default", "api", "10.96.0.21", 80));
        ClusterSnapshot second = cluster.snapshots.next();

        SourceStats stats = cluster.source.stats();
        assertThat(stats.snapshotsPublished()).isEqualTo(2);
        assertThat(stats.version()).isEqualTo(second.version());
        assertThat(stats.lastPublished()).isEqualTo(second.createdAt()).isAfterOrEqualTo(before);
        assertThat(stats.objects()).containsExactly(Map.entry(WatchedKind.SERVICES, 2),
                Map.entry(WatchedKind.ENDPOINT_SLICES, 2), Map.entry(WatchedKind.NAMESPACES, 1));
    }

    @Test
    void publishReportsCarryTheProgrammingLatencyOfSlicesWithATriggerTime() {
        BlockingQueue<PublishReport> reports = new LinkedBlockingQueue<>();
        cluster.create(service("default", "web", "10.96.0.20", 80));
        cluster.startSource(c -> c);
        cluster.source.onPublish(reports::add);
        cluster.snapshots.next();
        cluster.awaitWatching();

        Instant trigger = Instant.now().minusSeconds(2);
        EndpointSlice annotated = new EndpointSliceBuilder(slice("default", "web-a1b2c", "web", endpoint("10.244.1.5", true)))
                .editMetadata().addToAnnotations("endpoints.kubernetes.io/last-change-trigger-time", trigger.toString()).endMetadata()
                .build();
        cluster.create(annotated);

        ClusterSnapshot published = cluster.snapshots.next();
        // the listener may have been added before the first publish
        PublishReport report = Await.nextMatching("the report of the slice's publish", reports, r -> !r.first());
        assertThat(report.version()).isEqualTo(published.version());
        assertThat(report.first()).isFalse();
        assertThat(report.changedObjects()).isEqualTo(1);
        assertThat(report.programmingLatencies()).singleElement()
                .satisfies(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(2)));
    }

    @Test
    void subscribingAfterSyncDeliversTheCurrentSnapshotAtOnce() {
        ClusterSnapshot first = cluster.startSynced();
        List<ClusterSnapshot> seen = new java.util.ArrayList<>();

        cluster.source.subscribe(seen::add);

        assertThat(seen).containsExactly(first);
    }

    static java.net.InetAddress ip(String literal) {
        return IpAddresses.parse(literal);
    }

    static List<String> addresses(ClusterSnapshot snapshot, ServiceKey key) {
        return snapshot.slices(key).stream().flatMap(s -> s.endpoints().stream()).map(e -> IpAddresses.format(e.address())).toList();
    }

    /** The services having {@code address} as an endpoint (what the DNS zone index keeps for PTR). */
    static List<ServiceKey> endpointOwners(ClusterSnapshot s, String address) {
        return s.slicesByService().entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(sl -> sl.endpoints().stream().anyMatch(ep -> ep.address().equals(ip(address)))))
                .map(java.util.Map.Entry::getKey).toList();
    }
}
