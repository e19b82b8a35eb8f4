package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.k8s.manifest.ManifestSnapshots;
import io.clusterdns.k8s.model.ServiceInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class VariablePlannerTest {
    final VariablePlanner planner = new VariablePlanner("cluster.local", 1000);

    private static List<String> names(VariablePlanner.Plan plan) {
        return plan.variables().stream().map(EnvVar::name).toList();
    }

    @Test
    void kubeletSetIsTheNamespacePlusTheMasterServiceSortedByName() {
        ServiceCatalog c = TestCluster.catalog();
        assertThat(VariablePlanner.kubeletSet("shop", c)).extracting(ServiceInfo::name)
                .containsExactly("db", "kubernetes", "mongo", "redis-primary", "web");
        assertThat(VariablePlanner.kubeletSet("default", c)).extracting(s -> s.key().toString()).containsExactly("default/kubernetes");
        assertThat(VariablePlanner.kubeletSet("empty", c)).extracting(s -> s.key().toString()).containsExactly("default/kubernetes");
    }

    @Test
    void aNamespacesOwnKubernetesServiceWinsOverTheMasterOne() {
        ServiceCatalog c = ServiceCatalog.of(ManifestSnapshots.parse(TestCluster.YAML + """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: kubernetes, namespace: plain}
                spec:
                  clusterIP: 10.96.2.99
                  ports: [{port: 8080}]
                """));
        assertThat(VariablePlanner.kubeletSet("plain", c)).extracting(s -> s.key().toString())
                .containsExactly("plain/echo", "plain/kubernetes");
    }

    @Test
    void twoServicesWithTheSamePrefixKeepTheFirst() {
        ServiceCatalog c = ServiceCatalog.of(ManifestSnapshots.parse(TestCluster.YAML + """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: payments-api, namespace: shop}
                spec:
                  clusterIP: 10.96.0.99
                  ports: [{port: 1234}]
                """));
        Findings f = new Findings();
        VariablePlanner.Plan plan = planner.plan("shop", new PodPolicy.Inject(
                InjectionPolicy.parseServices("payments-api, payments/api", "shop", f), EnvStyle.KUBELET), c, f);

        assertThat(plan.variables()).extracting(EnvVar::toString).contains("PAYMENTS_API_SERVICE_HOST=10.96.0.99")
                .doesNotContain("PAYMENTS_API_SERVICE_HOST=10.96.1.10");
        assertThat(f.warnings()).containsExactly(
                "clusterdns envinjector: services shop/payments-api and payments/api both make PAYMENTS_API_* variables; kept shop/payments-api");
        assertThat(f.skips()).containsEntry(SkipReason.NAME_COLLISION, 1);
    }

    @Test
    void generatedNamesThatCollideKeepTheFirstService() {
        // a port named "b-service-host" of service "a" makes A_SERVICE_PORT_B_SERVICE_HOST, as does service "a-service-port-b"
        ServiceCatalog c = ServiceCatalog.of(ManifestSnapshots.parse("""
                apiVersion: v1
                kind: Service
                metadata: {name: a, namespace: x}
                spec:
                  clusterIP: 10.96.3.1
                  ports: [{name: b-service-host, port: 1}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: a-service-port-b, namespace: x}
                spec:
                  clusterIP: 10.96.3.2
                  ports: [{port: 2}]
                """));
        Findings f = new Findings();
        VariablePlanner.Plan plan = planner.plan("x", new PodPolicy.Inject(null, EnvStyle.KUBELET), c, f);

        assertThat(plan.variables()).extracting(EnvVar::toString).contains("A_SERVICE_PORT_B_SERVICE_HOST=1")
                .doesNotContain("A_SERVICE_PORT_B_SERVICE_HOST=10.96.3.2");
        assertThat(names(plan)).doesNotHaveDuplicates();
        assertThat(f.skips()).containsEntry(SkipReason.DUPLICATE_NAME, 1);
    }

    @Test
    void aNamespaceStartingWithADigitGivesInvalidNamesWhichAreSkipped() {
        ServiceCatalog c = ServiceCatalog.of(ManifestSnapshots.parse(TestCluster.YAML + """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: api, namespace: 1team}
                spec:
                  clusterIP: 10.96.4.1
                  ports: [{port: 80}]
                """));
        Findings f = new Findings();
        VariablePlanner.Plan plan = planner.plan("shop", new PodPolicy.Inject(
                InjectionPolicy.parseServices("1team/api, redis-primary", "shop", f), EnvStyle.KUBELET), c, f);

        assertThat(names(plan)).hasSize(7).allMatch(n -> n.startsWith("REDIS_PRIMARY_"));
        assertThat(f.skips()).containsEntry(SkipReason.INVALID_NAME, 7);
        assertThat(f.warnings().get(0)).isEqualTo("clusterdns envinjector: \"1TEAM_API_SERVICE_HOST\" (service 1team/api) "
                + "is not a valid environment variable name; skipped");
    }

    @Test
    void headlessAndExternalNameServicesAreSkippedQuietlyInTheDefaultSet() {
        Findings f = new Findings();
        planner.plan("shop", new PodPolicy.Inject(null, EnvStyle.KUBELET), TestCluster.catalog(), f);
        assertThat(f.skips()).containsEntry(SkipReason.NO_CLUSTER_IP, 2);
        assertThat(f.warnings()).isEmpty();
    }

    @Test
    void theCapStopsEarly() {
        Findings f = new Findings();
        VariablePlanner.Plan plan = new VariablePlanner("cluster.local", 10)
                .plan("shop", new PodPolicy.Inject(null, EnvStyle.KUBELET), TestCluster.catalog(), f);
        assertThat(plan.skip()).isEqualTo(SkipReason.TOO_MANY_VARIABLES);
        assertThat(plan.variables()).isEmpty();
    }

    @Test
    void nothingSelectedIsNoVariables() {
        Findings f = new Findings();
        VariablePlanner.Plan plan = planner.plan("shop", new PodPolicy.Inject(List.of(), EnvStyle.KUBELET), TestCluster.catalog(), f);
        assertThat(plan.skip()).isEqualTo(SkipReason.NO_VARIABLES);
    }

    @Test
    void theZoneGoesIntoDnsNames() {
        Findings f = new Findings();
        VariablePlanner.Plan plan = new VariablePlanner("k8s.example", 1000).plan("plain",
                new PodPolicy.Inject(List.of(new ServiceRef("plain", "echo", false)), EnvStyle.DNS), TestCluster.catalog(), f);
        assertThat(plan.variables().get(0)).isEqualTo(new EnvVar("ECHO_SERVICE_DNS", "echo.plain.svc.k8s.example"));
    }
}
