package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.manifest.ManifestException;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.k8s.testing.ApiValidManifests;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.PublishingClusterSource;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assembled webhook: readiness before the cache syncs, and the manifest source with live reload. */
class EnvInjectorTest {
    static final String REDIS = """
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {clusterdns.io/env-injection: enabled}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: redis-primary, namespace: shop}
            spec:
              clusterIP: 10.96.0.11
              ports: [{port: 6379}]
            """;
    static final String CACHE = """
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: cache, namespace: shop}
            spec:
              clusterIP: 10.96.0.12
              ports: [{port: 11211}]
            """;

    @TempDir
    Path dir;
    EnvInjector server;
    TestPki pki = new TestPki();

    private InjectorConfig config(ClusterSourceSpec source) {
        TestPki.SecretVolume tls = new TestPki.SecretVolume(dir.resolve("tls")).install(pki.issue());
        return InjectorConfig.of(source, tls.cert(), tls.key()).withListen(ListenAddress.of("127.0.0.1:0"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private JsonNode mutate(HttpClient client, byte[] review) throws Exception {
        HttpResponse<byte[]> r = TestPki.post(client, server.port(), "/mutate", review);
        assertThat(r.statusCode()).isEqualTo(200);
        return TestPod.parse(r.body());
    }

    @Test
    void notReadyAndInjectingNothingUntilTheCacheSynced() throws Exception {
        PublishingClusterSource source = new PublishingClusterSource(null);
        server = EnvInjector.start(config(new ClusterSourceSpec.Manifests(List.of(dir))), source);
        HttpClient client = pki.client();

        HttpResponse<String> ready = TestPki.get(client, server.port(), "/readyz");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).contains("waiting for the service cache");
        assertThat(TestPki.get(client, server.port(), "/healthz").statusCode()).isEqualTo(200);
        JsonNode early = mutate(client, TestPod.in("shop").container("app").review("early"));
        assertThat(early.path("response").path("allowed").asBoolean()).isTrue();
        assertThat(early.path("response").has("patch")).isFalse();

        source.publish(TestCluster.snapshot());

        assertThat(server.ready()).isTrue();
        assertThat(TestPki.get(client, server.port(), "/readyz").statusCode()).isEqualTo(200);
        assertThat(mutate(client, TestPod.in("shop").container("app").review("late")).path("response").has("patch")).isTrue();
    }

    @Test
    void manifestsAreServedAndEditsPickedUp() throws Exception {
        Path manifests = Files.createDirectories(dir.resolve("cluster"));
        Files.writeString(manifests.resolve("shop.yaml"), REDIS);
        server = EnvInjector.start(config(new ClusterSourceSpec.Manifests(List.of(manifests))));
        HttpClient client = pki.client();
        TestPod pod = TestPod.in("shop").container("app");
        assertThat(TestPod.env(pod.patchedWith(mutate(client, pod.review("1"))), "containers", 0))
                .containsExactly("REDIS_PRIMARY_SERVICE_HOST=10.96.0.11", "REDIS_PRIMARY_SERVICE_PORT=6379",
                        "REDIS_PRIMARY_PORT=tcp://10.96.0.11:6379", "REDIS_PRIMARY_PORT_6379_TCP=tcp://10.96.0.11:6379",
                        "REDIS_PRIMARY_PORT_6379_TCP_PROTO=tcp", "REDIS_PRIMARY_PORT_6379_TCP_PORT=6379",
                        "REDIS_PRIMARY_PORT_6379_TCP_ADDR=10.96.0.11");

        Files.writeString(manifests.resolve("shop.yaml"), REDIS + CACHE);

        Await.until("the new service to be injected", () -> {
            try {
                return TestPod.env(pod.patchedWith(mutate(client, pod.review("2"))), "containers", 0)
                        .contains("CACHE_SERVICE_HOST=10.96.0.12");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // sorted by service name: cache before redis-primary
        assertThat(TestPod.env(pod.patchedWith(mutate(client, pod.review("3"))), "containers", 0).get(0))
                .isEqualTo("CACHE_SERVICE_HOST=10.96.0.12");
    }

    /** Objects every API server accepts (see ApiValidManifests): the webhook starts and injects the one ClusterIP service. */
    @Test
    void servesManifestsWithSlicesNoServiceOwnsFqdnSlicesAndPublishNotReadyAddresses() throws Exception {
        server = EnvInjector.start(config(new ClusterSourceSpec.Manifests(List.of(ApiValidManifests.write(dir.resolve("cluster"))))));
        HttpClient client = pki.client();
        assertThat(TestPki.get(client, server.port(), "/readyz").statusCode()).isEqualTo(200);
        TestPod pod = TestPod.in(ApiValidManifests.NAMESPACE).container("app");
        // headless services (db, db-ready) get no variables, as with the kubelet
        assertThat(TestPod.env(pod.patchedWith(mutate(client, pod.review("1"))), "containers", 0))
                .contains("WEB_SERVICE_HOST=" + ApiValidManifests.WEB_IP, "WEB_SERVICE_PORT=80")
                .noneMatch(v -> v.startsWith("DB_"));
    }

    @Test
    void aBadManifestStopsTheStartWithItsLocation() throws Exception {
        Path manifests = Files.createDirectories(dir.resolve("cluster"));
        Files.writeString(manifests.resolve("bad.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  ports: [{port: 70000}]\n");
        InjectorConfig config = config(new ClusterSourceSpec.Manifests(List.of(manifests)));

        assertThatThrownBy(() -> EnvInjector.start(config)).isInstanceOf(ManifestException.class)
                .hasMessageContaining("bad.yaml").hasMessageContaining("spec.ports[0].port");
    }

    @Test
    void closeIsIdempotentAndClosesTheSource() {
        PublishingClusterSource source = new PublishingClusterSource(TestCluster.snapshot());
        server = EnvInjector.start(config(new ClusterSourceSpec.Manifests(List.of(dir))), source);
        server.close();
        server.close();
        assertThat(source.closed()).isTrue();
    }
}
