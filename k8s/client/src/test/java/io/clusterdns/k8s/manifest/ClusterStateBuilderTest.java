package io.clusterdns.k8s.manifest;

import static io.clusterdns.k8s.manifest.Yaml.pod;
import static io.clusterdns.k8s.manifest.Yaml.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.testing.ApiValidManifests;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterStateBuilderTest {
    // Conventions: services in "default", pods 10.244.1.0/24, external database 192.168.1.100.
    private static final ServiceKey DB = ServiceKey.of("default", "db");

    private static final String DB_SERVICE = service("default", "db", "{selector: {app: db}, ports: [{name: pg, port: 5432}]}");
    private static final String DB_POD = pod("db-0", "db", "10.244.1.9", true);
    private static final String DB_SLICE = """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: db-manual, labels: {kubernetes.io/service-name: db}}
            addressType: IPv4
            endpoints: [{addresses: [192.168.1.100]}]
            ports: [{name: pg, port: 5432}]
            ---
            """;
    private static final String DB_ENDPOINTS = """
            apiVersion: v1
            kind: Endpoints
            metadata: {name: db}
            subsets: [{addresses: [{ip: 192.168.1.101}], ports: [{name: pg, port: 5432}]}]
            ---
            """;

    private static List<String> addresses(ClusterSnapshot s, ServiceKey key) {
        return s.slices(key).stream().flatMap(sl -> sl.endpoints().stream()).map(EndpointInfo::address).map(IpAddresses::format).toList();
    }

    /** The objects: accepted, and used as a cluster would use them. */
    @Test
    void apiValidObjectsAreAcceptedAndUsedAsAClusterWould() {
        ClusterSnapshot s = ManifestSnapshots.parse(ApiValidManifests.YAML);
        ServiceKey db = ServiceKey.of("shop", "db");
        ServiceKey dbReady = ServiceKey.of("shop", "db-ready");
        // publishNotReadyAddresses: the endpoint controller marks db-1 ready; the FQDN slice naming db changes nothing
        assertThat(s.slices(db)).flatExtracting(EndpointSliceInfo::endpoints)
                .extracting(e -> IpAddresses.format(e.address()) + " ready=" + e.ready() + " serving=" + e.serving())
                .containsExactly(ApiValidManifests.DB_READY_IP + " ready=true serving=true", ApiValidManifests.DB_NOT_READY_IP + " ready=true serving=false");
        assertThat(s.slices(dbReady)).flatExtracting(EndpointSliceInfo::endpoints).extracting(EndpointInfo::ready).containsExactly(true, false);
        assertThat(s.slicesByService().values()).flatExtracting(l -> l).flatExtracting(EndpointSliceInfo::endpoints)
                .extracting(e -> IpAddresses.format(e.address())).doesNotContain(ApiValidManifests.UNOWNED_IP);
        assertThat(s.services().keySet()).extracting(ServiceKey::toString).containsExactlyInAnyOrder("shop/db", "shop/db-ready", "shop/web");
    }

    @Test
    void derivesFromPodsWhenNothingIsWritten() {
        assertThat(addresses(ManifestSnapshots.parse(DB_SERVICE + DB_POD), DB)).containsExactly("10.244.1.9");
    }

    /** As the EndpointSlice controller: zones from the pods' Nodes, hints for trafficDistribution on ready endpoints only. */
    @Test
    void derivedEndpointsGetZonesAndTrafficDistributionHints() {
        String node = "apiVersion: v1\nkind: Node\nmetadata: {name: node-1, labels: {topology.kubernetes.io/zone: zone-a}}\n---\n";
        String pods = DB_POD + pod("db-1", "db", "10.244.1.10", false);
        String sameNode = service("default", "db", "{selector: {app: db}, trafficDistribution: PreferSameNode, ports: [{name: pg, port: 5432}]}");
        assertThat(endpoints(ManifestSnapshots.parse(node + sameNode + pods), DB))
                .containsExactly("10.244.1.9 zone-a [zone-a] [node-1]", "10.244.1.10 zone-a [] []");
        String close = service("default", "db", "{selector: {app: db}, trafficDistribution: PreferClose, ports: [{name: pg, port: 5432}]}");
        assertThat(endpoints(ManifestSnapshots.parse(node + close + pods), DB)).containsExactly("10.244.1.9 zone-a [zone-a] []", "10.244.1.10 zone-a [] []");
        assertThat(endpoints(ManifestSnapshots.parse(close + pods), DB)).as("no Node: no zone, so no zone hint")
                .containsExactly("10.244.1.9 null [] []", "10.244.1.10 null [] []");
        assertThat(endpoints(ManifestSnapshots.parse(node + DB_SERVICE + pods), DB)).as("no trafficDistribution: no hints")
                .containsExactly("10.244.1.9 zone-a [] []", "10.244.1.10 zone-a [] []");
    }

    private static List<String> endpoints(ClusterSnapshot s, ServiceKey key) {
        return s.slices(key).stream().flatMap(sl -> sl.endpoints().stream())
                .map(e -> IpAddresses.format(e.address()) + " " + e.zone() + " " + e.zoneHints() + " " + e.nodeHints()).toList();
    }

    @Test
    void writtenSliceReplacesDerivation() {
        ClusterSnapshot s = ManifestSnapshots.parse(DB_SERVICE + DB_POD + DB_SLICE);
        assertThat(s.slices(DB)).extracting(EndpointSliceInfo::name).containsExactly("db-manual");
        assertThat(addresses(s, DB)).containsExactly("192.168.1.100");
    }

    @Test
    void legacyEndpointsReplaceDerivation() {
        ClusterSnapshot s = ManifestSnapshots.parse(DB_SERVICE + DB_POD + DB_ENDPOINTS);
        assertThat(s.slices(DB)).extracting(EndpointSliceInfo::name).containsExactly("db-0-ipv4");
        assertThat(addresses(s, DB)).containsExactly("192.168.1.101");
    }

    @Test
    void slicesWinOverLegacyEndpoints() {
        assertThat(addresses(ManifestSnapshots.parse(DB_SERVICE + DB_ENDPOINTS + DB_SLICE), DB)).containsExactly("192.168.1.100");
    }

    @Test
    void emptyLegacyEndpointsStillStopDerivation() {
        ClusterSnapshot s = ManifestSnapshots.parse(DB_SERVICE + DB_POD + "apiVersion: v1\nkind: Endpoints\nmetadata: {name: db}\n");
        assertThat(s.slices(DB)).isEmpty();
    }

    @Test
    void selectorlessServiceWithoutEndpointsHasNone() {
        ClusterSnapshot s = ManifestSnapshots.parse(service("default", "db", "{ports: [{port: 5432}]}") + DB_POD);
        assertThat(s.slices(DB)).isEmpty();
        assertThat(s.service(DB).hasClusterIP()).isTrue();
    }

    @Test
    void sliceOfAnUnknownServiceIsKept() {
        ClusterSnapshot s = ManifestSnapshots.parse(DB_SLICE);
        assertThat(s.services()).isEmpty();
        assertThat(addresses(s, DB)).containsExactly("192.168.1.100");
        assertThat(s.slices(DB)).flatExtracting(EndpointSliceInfo::endpoints).extracting(EndpointInfo::address)
                .containsExactly(IpAddresses.parse("192.168.1.100"));
    }

    @Test
    void namespacesAreWrittenImpliedAndBuiltIn() {
        ClusterSnapshot s = ManifestSnapshots.parse("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: monitoring, labels: {team: observability}}
                ---
                """ + service("shop", "cart", "{ports: [{port: 80}]}")
                + "apiVersion: v1\nkind: Pod\nmetadata: {name: job-x, namespace: batch}\n");
        assertThat(s.namespaces().keySet()).containsExactlyInAnyOrder(
                "default", "kube-system", "kube-public", "kube-node-lease", "monitoring", "shop", "batch");
        assertThat(s.namespaces().get("monitoring").labels())
                .containsEntry("team", "observability").containsEntry("kubernetes.io/metadata.name", "monitoring");
        assertThat(s.namespaces().get("shop").labels()).containsEntry("kubernetes.io/metadata.name", "shop");
        assertThat(s.version()).isEqualTo(1);
    }

    @Test
    void emptyManifestsStillHaveTheBuiltInNamespaces() {
        ClusterSnapshot s = ManifestSnapshots.parse("# nothing yet\n");
        assertThat(s.services()).isEmpty();
        assertThat(s.namespaces()).containsOnlyKeys("default", "kube-system", "kube-public", "kube-node-lease");
    }
}
