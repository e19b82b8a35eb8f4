package io.clusterdns.k8s.informer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdns.k8s.testing.MockApiServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ClientFactory}: kubeconfig contexts, the master override, and the errors a user sees.
 * Cluster "a" is https://192.0.2.1:6443, cluster "b" https://192.0.2.2:6443 (documentation
 * addresses, never contacted); cluster "mock" is the in-process mock API server.
 */
class ClientFactoryTest {
    @TempDir
    Path dir;

    private Path kubeconfig(String mockUrl) throws IOException {
        Path file = dir.resolve("config");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: a
                  cluster: {server: "https://192.0.2.1:6443", insecure-skip-tls-verify: true}
                - name: b
                  cluster: {server: "https://192.0.2.2:6443", insecure-skip-tls-verify: true}
                - name: mock
                  cluster: {server: "%s"}
                users:
                - name: u
                  user: {token: not-a-real-token}
                contexts:
                - name: ctx-a
                  context: {cluster: a, user: u}
                - name: ctx-b
                  context: {cluster: b, user: u, namespace: kube-system}
                - name: mock
                  context: {cluster: mock, user: u}
                current-context: ctx-a
                """.formatted(mockUrl));
        return file;
    }

    @Test
    void kubeconfigCurrentOrNamedContextWithClusterdnsTimeouts() throws IOException {
        Path file = kubeconfig("http://127.0.0.1:1");

        Config current = ClientFactory.config(ClusterConnection.kubeconfig(file, null));
        Config named = ClientFactory.config(ClusterConnection.kubeconfig(file, "ctx-b"));

        assertThat(current.getMasterUrl()).startsWith("https://192.0.2.1:6443");
        assertThat(named.getMasterUrl()).startsWith("https://192.0.2.2:6443");
        assertThat(named.getAutoOAuthToken()).isEqualTo("not-a-real-token");
        assertThat(named.getNamespace()).isEqualTo("kube-system");
        assertThat(named.getWatchReconnectInterval()).isEqualTo((int) ClientFactory.WATCH_RECONNECT_INTERVAL.toMillis());
        assertThat(named.getRequestTimeout()).isEqualTo((int) ClientFactory.REQUEST_TIMEOUT.toMillis());
    }

    @Test
    void masterReplacesTheContextsServerAndKeepsItsCredentials() throws IOException {
        Config config = ClientFactory.config(new ClusterConnection("https://192.0.2.9:443", kubeconfig("http://127.0.0.1:1"), "ctx-b"));

        assertThat(config.getMasterUrl()).startsWith("https://192.0.2.9:443");
        assertThat(config.getAutoOAuthToken()).isEqualTo("not-a-real-token");
    }

    @Test
    void aClientFromAKubeconfigTalksToTheApiServer() throws IOException {
        try (MockApiServer server = new MockApiServer().start();
             KubernetesClient client = ClientFactory.create(ClusterConnection.kubeconfig(kubeconfig(server.url()), "mock"))) {
            client.resource(Fixtures.namespace("team-a", Map.of())).create();

            assertThat(client.namespaces().withName("team-a").get()).isNotNull();
        }
    }

    @Test
    void errorsNameTheProblem() throws IOException {
        Path file = kubeconfig("http://127.0.0.1:1");
        Path missing = dir.resolve("nope");

        assertThatThrownBy(() -> ClientFactory.config(ClusterConnection.kubeconfig(missing, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("kubeconfig " + missing + ": no such file");
        assertThatThrownBy(() -> ClientFactory.config(ClusterConnection.kubeconfig(file, "ctx-c")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("kubeconfig " + file + ": no context named \"ctx-c\"");
        Path broken = dir.resolve("broken");
        java.nio.file.Files.writeString(broken, "apiVersion: v1\nclusters: [ {\n");
        assertThatThrownBy(() -> ClientFactory.config(ClusterConnection.kubeconfig(broken, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("kubeconfig " + broken + ": ")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> ClientFactory.inCluster(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not running in a Kubernetes pod (no KUBERNETES_SERVICE_HOST");
    }

    /**
     * kubeadm's kube-proxy kubeconfig names the service account token with {@code tokenFile}
     * (relative paths are from the kubeconfig's folder); the token is read at every request, so a
     * rotated token is sent from the next request on.
     */
    @Test
    void tokenFileIsSentAndReReadWhenItRotates() throws IOException {
        java.util.List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (MockApiServer api = new MockApiServer(r -> {
            authorizations.add(String.valueOf(r.getHeader("Authorization")));
            return null;
        }).start()) {
            Files.writeString(dir.resolve("token"), "token-1\n");
            Path file = dir.resolve("kubeconfig.conf");
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: default
                      cluster: {server: "%s"}
                    contexts:
                    - name: default
                      context: {cluster: default, namespace: default, user: default}
                    current-context: default
                    users:
                    - name: default
                      user: {tokenFile: token}
                    """.formatted(api.url()));
            try (KubernetesClient client = ClientFactory.create(ClusterConnection.kubeconfig(file, null))) {
                client.namespaces().list();
                assertThat(authorizations).last().isEqualTo("Bearer token-1");
                Files.writeString(dir.resolve("token"), "token-2");
                client.namespaces().list();
                assertThat(authorizations).last().isEqualTo("Bearer token-2");
            }
        }
    }

    @Test
    void anUnreadableTokenFileIsNamed() throws IOException {
        Path file = dir.resolve("kubeconfig.conf");
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://192.0.2.1:6443"}}]
                contexts: [{name: c, context: {cluster: c, user: u}}]
                current-context: c
                users: [{name: u, user: {tokenFile: /nonexistent/token}}]
                """);
        assertThatThrownBy(() -> ClientFactory.config(ClusterConnection.kubeconfig(file, null)))
                .hasMessage("kubeconfig " + file + ": tokenFile /nonexistent/token is not readable");
    }
}
