package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.model.ClusterSnapshot;
import io.clusterdns.k8s.model.ServiceInfo;
import io.clusterdns.k8s.model.SnapshotDelta;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ServiceCatalogTest {

    @Test
    void indexesByNamespaceSortedByName() {
        ServiceCatalog c = TestCluster.catalog();
        assertThat(c.synced()).isTrue();
        assertThat(c.inNamespace("shop")).extracting(ServiceInfo::name).containsExactly("db", "mongo", "redis-primary", "web");
        assertThat(c.inNamespace("nope")).isEmpty();
        assertThat(c.namespaceLabels("shop")).containsEntry(InjectionPolicy.NAMESPACE_LABEL, "enabled");
        assertThat(c.namespaceLabels("nope")).isEmpty();
        assertThat(c.serviceCount()).isEqualTo(8);
        assertThat(ServiceCatalog.EMPTY.synced()).isFalse();
    }

    @Test
    void followsIncrementalSnapshotsTouchingOnlyChangedNamespaces() {
        ClusterSnapshot v1 = TestCluster.snapshot();
        ServiceCatalog c1 = ServiceCatalog.of(v1);
        ServiceInfo web = v1.service(io.clusterdns.k8s.model.ServiceKey.of("shop", "web"));
        ServiceInfo api = v1.service(io.clusterdns.k8s.model.ServiceKey.of("payments", "api"));
        ServiceInfo aaa = new ServiceInfo(io.clusterdns.k8s.model.ServiceKey.of("shop", "aaa"), web.type(), web.clusterIPs(),
                false, web.ipFamilies(), web.ports(), null, null, null, null, null, null, null, 0, false, null, null);
        SnapshotDelta delta = new SnapshotDelta();
        delta.putService(aaa);
        delta.removeService(api.key());
        ClusterSnapshot v2 = v1.apply(delta, Instant.now());

        ServiceCatalog c2 = c1.next(v2);

        assertThat(c2.version()).isEqualTo(v2.version());
        assertThat(c2.inNamespace("shop")).extracting(ServiceInfo::name).containsExactly("aaa", "db", "mongo", "redis-primary", "web");
        assertThat(c2.inNamespace("payments")).extracting(ServiceInfo::name).containsExactly("ledger");
        assertThat(c2.inNamespace("plain")).isSameAs(c1.inNamespace("plain"));
        assertThat(c2.service("payments", "api")).isNull();
    }

    @Test
    void aSnapshotThatIsNotTheNextVersionIsIndexedFromScratch() {
        ServiceCatalog c1 = TestCluster.catalog();
        ClusterSnapshot unrelated = new ClusterSnapshot(7, Instant.now(), java.util.List.of(), java.util.List.of(),
                java.util.List.of(), java.util.List.of());
        assertThat(c1.next(unrelated).inNamespace("shop")).isEmpty();
    }
}
