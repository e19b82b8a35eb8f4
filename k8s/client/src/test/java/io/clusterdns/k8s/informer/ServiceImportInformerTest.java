package io.clusterdns.k8s.informer;

import static io.clusterdns.k8s.informer.Fixtures.endpoint;
import static io.clusterdns.k8s.informer.Fixtures.namespace;
import static io.clusterdns.k8s.informer.Fixtures.service;
import static io.clusterdns.k8s.informer.Fixtures.slice;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.WatchedKind;
import io.clusterdns.k8s.convert.ServiceImportConverter;
import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.ServiceImportType;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.testing.Await;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The clusterset kinds of the informer source (multicluster plugin) against fabric8's mock API
 * server: ServiceImports ({@code multicluster.x-k8s.io/v1alpha1}, a generic resource) and the
 * EndpointSlices MCS controllers import for them, watched only when asked for, and a cluster
 * without the ServiceImport CRD (the API answers 404) syncing with none.
 *
 * <pre>
 * Conventions (the MCS DNS spec's examples)
 *   namespace       test
 *   imports         myservice ClusterSetIP 10.42.42.42, https 443; headless Headless, https 443
 *   clusters        clusterA 10.3.0.0/16, clusterB 10.4.0.0/16; slices named IMPORT-CLUSTER
 * </pre>
 */
class ServiceImportInformerTest {
    static final ResourceDefinitionContext SERVICE_IMPORTS = new ResourceDefinitionContext.Builder()
            .withGroup("multicluster.x-k8s.io").withVersion("v1alpha1").withKind("ServiceImport").withPlural("serviceimports")
            .withNamespaced(true).build();
    static final ServiceKey MYSERVICE = ServiceKey.of("test", "myservice");
    static final ServiceKey HEADLESS = ServiceKey.of("test", "headless");

    static GenericKubernetesResource serviceImport(String name, String type, List<String> ips) {
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(ServiceImportConverter.API_VERSION).withKind(ServiceImportConverter.KIND)
                .withNewMetadata().withNamespace("test").withName(name).endMetadata()
                .addToAdditionalProperties("spec", Map.of("type", type, "ips", ips,
                        "ports", List.of(Map.of("name", "https", "protocol", "TCP", "port", 443))))
                .build();
    }

    static EndpointSlice imported(String serviceImport, String cluster, String ip) {
        return new EndpointSliceBuilder()
                .withNewMetadata().withNamespace("test").withName(serviceImport + "-" + cluster.toLowerCase())
                .addToLabels("multicluster.kubernetes.io/service-name", serviceImport)
                .addToLabels("multicluster.kubernetes.io/source-cluster", cluster).endMetadata()
                .withAddressType("IPv4")
                .withEndpoints(endpoint(ip, true))
                .addNewPort().withName("https").withProtocol("TCP").withPort(443).endPort()
                .build();
    }

    static void create(LiveCluster cluster, GenericKubernetesResource serviceImport) {
        cluster.api.genericKubernetesResources(SERVICE_IMPORTS).inNamespace("test").resource(serviceImport).create();
    }

    @Test
    void followsServiceImportsAndTheirImportedSlicesWhenAskedTo() {
        try (LiveCluster cluster = new LiveCluster()) {
            cluster.create(namespace("test", Map.of()), imported("headless", "clusterA", "10.3.0.101"),
                    imported("headless", "clusterB", "10.4.0.101"),
                    // a Service's own slice: the cluster view's, not the clusterset's
                    service("test", "web", "10.96.0.20", 80), slice("test", "web-a1b2c", "web", endpoint("10.244.1.5", true)));
            create(cluster, serviceImport("myservice", "ClusterSetIP", List.of("10.42.42.42")));
            create(cluster, serviceImport("headless", "Headless", List.of()));

            ClusterSnapshot first = cluster.startSynced(c -> c.withServiceImports(true).withImportedSlices(true));

            assertThat(first.serviceImport(MYSERVICE).ips()).containsExactly(IpAddresses.parse("10.42.42.42"));
            assertThat(first.serviceImport(HEADLESS).type()).isEqualTo(ServiceImportType.HEADLESS);
            assertThat(first.importedSlices(HEADLESS)).extracting(ImportedSliceInfo::sourceCluster)
                    .containsExactlyInAnyOrder("clusterA", "clusterB");
            assertThat(first.importedSlices(ServiceKey.of("test", "web"))).isEmpty();
            assertThat(first.slices(ServiceKey.of("test", "web"))).hasSize(1);
            assertThat(first.sliceCount()).as("imported slices stay out of the cluster view").isEqualTo(1);
            assertThat(cluster.source.syncStatus().describe()).isEqualTo(
                    "services synced, endpointslices synced, namespaces synced, serviceimports synced, imported-endpointslices synced");
            assertThat(cluster.source.stats().objects(WatchedKind.SERVICE_IMPORTS)).isEqualTo(2);
            assertThat(cluster.source.stats().objects(WatchedKind.IMPORTED_ENDPOINT_SLICES)).isEqualTo(2);

            cluster.api.genericKubernetesResources(SERVICE_IMPORTS).inNamespace("test")
                    .resource(serviceImport("myservice", "ClusterSetIP", List.of("10.42.42.43"))).update();
            ClusterSnapshot updated = cluster.snapshots.next();
            assertThat(updated.serviceImport(MYSERVICE).ips()).containsExactly(IpAddresses.parse("10.42.42.43"));
            assertThat(updated.changes().serviceImports()).containsExactly(MYSERVICE);
            assertThat(updated.changes().services()).isEmpty();

            cluster.delete(imported("headless", "clusterB", "10.4.0.101"));
            assertThat(cluster.snapshots.next().importedSlices(HEADLESS)).extracting(ImportedSliceInfo::sourceCluster)
                    .containsExactly("clusterA");

            cluster.api.genericKubernetesResources(SERVICE_IMPORTS).inNamespace("test").withName("headless").delete();
            ClusterSnapshot deleted = cluster.snapshots.next();
            assertThat(deleted.serviceImports()).containsOnlyKeys(MYSERVICE);
            assertThat(deleted.changes().serviceImports()).containsExactly(HEADLESS);
        }
    }

    /** Every user of the source pays for what it watches: without the multicluster plugin nobody lists ServiceImports. */
    @Test
    void watchesNoClustersetKindUnlessAsked() {
        ApiFaults faults = new ApiFaults();
        try (LiveCluster cluster = new LiveCluster(faults)) {
            cluster.create(imported("headless", "clusterA", "10.3.0.101"));
            create(cluster, serviceImport("myservice", "ClusterSetIP", List.of("10.42.42.42")));

            ClusterSnapshot first = cluster.startSynced();

            assertThat(first.serviceImports()).isEmpty();
            assertThat(first.importedSliceCount()).isZero();
            assertThat(cluster.source.syncStatus().kinds()).doesNotContainKeys(WatchedKind.SERVICE_IMPORTS, WatchedKind.IMPORTED_ENDPOINT_SLICES);
            assertThat(faults.lists(ApiFaults.SERVICE_IMPORTS)).isZero();
            assertThat(faults.watches(ApiFaults.SERVICE_IMPORTS)).isZero();
        }
    }

    /**
     * A cluster without the MCS CRD answers 404 for ServiceImports: the source syncs with none and
     * stays healthy (DNS must not wait for a kind the cluster does not have), and picks them up
     * once the CRD is installed.
     */
    @Test
    void aClusterWithoutTheServiceImportCrdSyncsWithNoneAndPicksThemUpOnceInstalled() {
        ApiFaults faults = new ApiFaults().failLists(ApiFaults.SERVICE_IMPORTS, 404).failWatches(ApiFaults.SERVICE_IMPORTS, 404);
        try (LiveCluster cluster = new LiveCluster(faults)) {
            cluster.create(namespace("test", Map.of()), service("test", "web", "10.96.0.20", 80));
            create(cluster, serviceImport("myservice", "ClusterSetIP", List.of("10.42.42.42")));

            ClusterSnapshot first = cluster.startSynced(c -> c.withServiceImports(true).withImportedSlices(true));

            assertThat(first.serviceImports()).isEmpty();
            assertThat(first.service(ServiceKey.of("test", "web"))).isNotNull();
            assertThat(cluster.source.health().isHealthy()).isTrue();
            assertThat(cluster.source.syncStatus().kinds()).containsEntry(WatchedKind.SERVICE_IMPORTS, io.clusterdns.k8s.SyncStatus.State.SYNCED);
            assertThat(cluster.source.stats().watching(WatchedKind.SERVICE_IMPORTS)).as("nothing to follow is no outage").isTrue();
            Await.until("the ServiceImport list asked again", () -> faults.lists(ApiFaults.SERVICE_IMPORTS) >= 2);
            assertThat(cluster.source.health().isHealthy()).isTrue();

            faults.heal(ApiFaults.SERVICE_IMPORTS);
            ClusterSnapshot installed = cluster.snapshots.until("the ServiceImport", s -> s.serviceImport(MYSERVICE) != null);
            assertThat(installed.serviceImport(MYSERVICE).ips()).containsExactly(IpAddresses.parse("10.42.42.42"));
            assertThat(cluster.source.health().isHealthy()).isTrue();
        }
    }

    @Test
    void anImportedSliceWithoutSourceClusterIsLeftOutOfTheClustersetView() {
        try (LiveCluster cluster = new LiveCluster()) {
            EndpointSlice noCluster = imported("headless", "clusterA", "10.3.0.101");
            noCluster.getMetadata().getLabels().remove("multicluster.kubernetes.io/source-cluster");
            cluster.create(noCluster, imported("headless", "clusterB", "10.4.0.101"));

            ClusterSnapshot first = cluster.startSynced(c -> c.withServiceImports(true).withImportedSlices(true));

            assertThat(first.importedSlices(HEADLESS)).extracting(ImportedSliceInfo::sourceCluster).containsExactly("clusterB");
            assertThat(cluster.source.stats().conversionErrors()).as("valid, so not a conversion error").isZero();
        }
    }
}
