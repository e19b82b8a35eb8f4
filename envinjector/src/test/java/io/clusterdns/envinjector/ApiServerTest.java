package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterdns.k8s.ClusterSource;
import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.k8s.informer.ClusterConnection;
import io.clusterdns.k8s.source.ClusterSourceSpec;
import io.clusterdns.k8s.source.ClusterSources;
import io.clusterdns.k8s.testing.Await;
import io.clusterdns.k8s.testing.MockApiServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the k8s module's mock API server (fabric8 CRUD mode, run as a child process because it
 * needs Vert.x 4): the informer source ({@code --master}), and {@code certs --master} writing the
 * caBundle. Objects are created with plain HTTP, as kubectl would.
 *
 * <p>The mock API server runs in a child JVM ({@link MockApiServerProcess} from the k8s
 * test-jar); it needs the k8s module built, which a reactor build does first.
 */
class ApiServerTest {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static MockApiServerProcess mock;
    static String url;

    @TempDir
    Path dir;

    @BeforeAll
    static void startMock() {
        mock = MockApiServerProcess.launch();
        url = mock.url();
    }

    @AfterAll
    static void stopMock() {
        if (mock != null) {
            mock.close();
        }
    }

    static JsonNode send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json");
        b = json == null ? b.method(method, HttpRequest.BodyPublishers.noBody()) : b.method(method, HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(method + " " + path + ": " + new String(r.body(), StandardCharsets.UTF_8)).isBetween(200, 299);
        return TestPod.parse(r.body());
    }

    static void service(String namespace, String name, String clusterIP, int port) throws Exception {
        send("POST", "/api/v1/namespaces/" + namespace + "/services", """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s","namespace":"%s"},
                 "spec":{"type":"ClusterIP","clusterIP":"%s","clusterIPs":["%s"],"ports":[{"name":"tcp","port":%d,"protocol":"TCP","targetPort":%d}]}}
                """.formatted(name, namespace, clusterIP, clusterIP, port, port));
    }

    @Test
    void followsTheApiServerThroughInformers() throws Exception {
        send("POST", "/api/v1/namespaces", """
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a","labels":{"clusterdns.io/env-injection":"enabled"}}}
                """);
        service("team-a", "redis", "10.96.7.1", 6379);
        TestPki pki = new TestPki();
        TestPki.SecretVolume tls = new TestPki.SecretVolume(dir).install(pki.issue());
        InjectorConfig config = InjectorConfig.of(new ClusterSourceSpec.Api(ClusterConnection.master(url)), tls.cert(), tls.key())
                .withListen(ListenAddress.of("127.0.0.1:0"));
        ClusterSource source = ClusterSources.create(config.source(), true);
        try (EnvInjector server = EnvInjector.start(config, source)) {
            Await.until("the informers to sync", server::ready);
            Await.until("the watches to open", () -> source.stats().watching().values().stream().allMatch(Boolean::booleanValue));
            HttpClient client = pki.client();
            TestPod pod = TestPod.in("team-a").container("app");
            JsonNode first = TestPod.parse(TestPki.post(client, server.port(), "/mutate", pod.review("1")).body());
            assertThat(TestPod.env(pod.patchedWith(first), "containers", 0)).startsWith(
                    "REDIS_SERVICE_HOST=10.96.7.1", "REDIS_SERVICE_PORT=6379", "REDIS_SERVICE_PORT_TCP=6379");

            service("team-a", "cache", "10.96.7.2", 11211);

            Await.until("the new service to be injected", () -> {
                try {
                    JsonNode r = TestPod.parse(TestPki.post(client, server.port(), "/mutate", pod.review("2")).body());
                    return TestPod.env(pod.patchedWith(r), "containers", 0).contains("CACHE_SERVICE_HOST=10.96.7.2");
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    @Test
    void certsWritesTheCaBundleIntoTheWebhookConfiguration() throws Exception {
        send("POST", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", """
                {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration",
                 "metadata":{"name":"clusterdns-envinjector"},
                 "webhooks":[{"name":"envinjector.clusterdns.io","admissionReviewVersions":["v1"],"sideEffects":"None",
                   "clientConfig":{"service":{"name":"clusterdns-envinjector","namespace":"clusterdns-system","path":"/mutate"}}}]}
                """);

        EnvInjectorMainTest.Run r = EnvInjectorMainTest.run("certs", "--out", dir.toString(), "--master", url);

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("Set the caBundle of 1 webhook(s) in MutatingWebhookConfiguration clusterdns-envinjector");
        JsonNode stored = send("GET", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/clusterdns-envinjector", null);
        assertThat(stored.path("webhooks").get(0).path("clientConfig").path("caBundle").asText()).isEqualTo(r.out().strip());
        assertThat(stored.path("webhooks").get(0).path("clientConfig").path("service").path("path").asText()).isEqualTo("/mutate");
    }

    @Test
    void certsNamesAMissingWebhookConfiguration() {
        EnvInjectorMainTest.Run r = EnvInjectorMainTest.run("certs", "--out", dir.toString(), "--master", url, "--webhook-config", "nope");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).endsWith("\nenvinjector certs: MutatingWebhookConfiguration nope not found: apply k8s/deploy/overlays/envinjector first");
        assertThat(r.out()).isEmpty();
        assertThat(List.of(dir.resolve("ca.crt"), dir.resolve("tls.crt"))).allMatch(Files::exists);
    }

    @Test
    void certsWritesTheTlsSecretTheDeploymentMounts() throws Exception {
        send("POST", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", """
                {"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration",
                 "metadata":{"name":"secret-test"},
                 "webhooks":[{"name":"envinjector.clusterdns.io","admissionReviewVersions":["v1"],"sideEffects":"None",
                   "clientConfig":{"service":{"name":"clusterdns-envinjector","namespace":"clusterdns-system","path":"/mutate"}}}]}
                """);

        for (int run = 1; run <= 2; run++) {   // the second run replaces the first's Secret, as a rerun of the Job does
            Path out = dir.resolve("run" + run);
            EnvInjectorMainTest.Run r = EnvInjectorMainTest.run("certs", "--out", out.toString(), "--master", url,
                    "--webhook-config", "secret-test", "--secret", "clusterdns-envinjector-tls");

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).contains("Wrote Secret clusterdns-system/clusterdns-envinjector-tls");
            JsonNode stored = send("GET", "/api/v1/namespaces/clusterdns-system/secrets/clusterdns-envinjector-tls", null);
            assertThat(stored.path("type").asText()).isEqualTo("kubernetes.io/tls");
            for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
                assertThat(java.util.Base64.getDecoder().decode(stored.path("data").path(key).asText()))
                        .as(key).isEqualTo(Files.readAllBytes(out.resolve(key)));
            }
        }
    }

    @Test
    void certsSecretNeedsACluster() {
        EnvInjectorMainTest.Run r = EnvInjectorMainTest.run("certs", "--out", dir.toString(), "--secret", "x");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--secret: needs a cluster to write to: --kubeconfig, --master or --in-cluster");
        EnvInjectorMainTest.Run both = EnvInjectorMainTest.run("certs", "--out", dir.toString(), "--in-cluster", "--master", url);
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("--in-cluster: uses the pod's service account");
    }
}
