package io.clusterdns.k8s.informer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Validation of {@link InformerConfig} and {@link ClusterConnection}: a table of good and bad inputs. */
class InformerConfigTest {
    private static final ClusterConnection LOCAL = ClusterConnection.master("http://127.0.0.1:8001");

    @Test
    void defaults() {
        InformerConfig c = InformerConfig.of(ClusterConnection.inCluster());

        assertThat(c.connection().isInCluster()).isTrue();
        assertThat(c.labels()).isNull();
        assertThat(c.namespaceLabels()).isNull();
        assertThat(c.filtersNamespaces()).isFalse();
        assertThat(c.noEndpoints()).isEqualTo(InformerConfig.DEFAULT_NO_ENDPOINTS).isFalse();
        assertThat(c.watchPods()).isEqualTo(InformerConfig.DEFAULT_WATCH_PODS).isFalse();
        assertThat(c.coalesce()).isEqualTo(InformerConfig.DEFAULT_COALESCE).isEqualTo(Duration.ofMillis(10));
        assertThat(c.listPageSize()).isEqualTo(InformerConfig.DEFAULT_LIST_PAGE_SIZE).isEqualTo(500);
    }

    @ParameterizedTest(name = "labels \"{0}\" is accepted")
    @CsvSource(delimiter = '|', value = {
        "app=web                                  | app=web",
        "'  app==web , tier!=db '                 | 'app==web , tier!=db'",
        "environment in (production, qa)          | environment in (production, qa)",
        "tier notin (frontend,backend),!canary    | tier notin (frontend,backend),!canary",
        "example.com/team=a_b.c-d                 | example.com/team=a_b.c-d",
        "kubernetes.io/service-name               | kubernetes.io/service-name",
        "app=                                     | app=",
    })
    void goodSelectors(String selector, String kept) {
        InformerConfig c = InformerConfig.of(LOCAL).withLabels(selector).withNamespaceLabels(selector);

        assertThat(c.labels()).isEqualTo(kept);
        assertThat(c.namespaceLabels()).isEqualTo(kept);
        assertThat(c.filtersNamespaces()).isTrue();
    }

    @Test
    void blankSelectorsMeanEverything() {
        InformerConfig c = InformerConfig.of(LOCAL).withLabels("  ").withNamespaceLabels("");

        assertThat(c.labels()).isNull();
        assertThat(c.filtersNamespaces()).isFalse();
    }

    @ParameterizedTest(name = "labels \"{0}\" is rejected")
    @CsvSource(delimiter = '|', value = {
        "app=web,                 | labels \"app=web,\": \"\" is empty (stray comma?)",
        "=web                     | labels \"=web\": \"=web\" has no label key",
        "app=we b                 | labels \"app=we b\": \"app=we b\" has an invalid label value \"we b\"",
        "-app=web                 | labels \"-app=web\": \"-app=web\" has an invalid label key \"-app\"",
        "Example.com/team=a       | labels \"Example.com/team=a\": \"Example.com/team=a\" has an invalid key prefix \"Example.com\"",
        "env in production        | labels \"env in production\": \"env in production\" needs a parenthesized value list",
        "env in (a,-b)            | labels \"env in (a,-b)\": \"env in (a,-b)\" has an invalid label value \"-b\"",
    })
    void badSelectors(String selector, String message) {
        assertThatThrownBy(() -> InformerConfig.of(LOCAL).withLabels(selector))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
        assertThatThrownBy(() -> InformerConfig.of(LOCAL).withNamespaceLabels(selector))
                .hasMessageStartingWith(message.replaceFirst("^labels", "namespace_labels"));
    }

    @Test
    void coalesceBounds() {
        assertThat(InformerConfig.of(LOCAL).withCoalesce(Duration.ZERO).coalesce()).isZero();
        assertThat(InformerConfig.of(LOCAL).withCoalesce(null).coalesce()).isEqualTo(InformerConfig.DEFAULT_COALESCE);
        assertThat(InformerConfig.of(LOCAL).withCoalesce(Duration.ofSeconds(5)).coalesce()).isEqualTo(InformerConfig.MAX_COALESCE);
        assertThatThrownBy(() -> InformerConfig.of(LOCAL).withCoalesce(Duration.ofMillis(-1)))
                .hasMessage("coalesce must be 0..5000 ms, got -1 ms");
        assertThatThrownBy(() -> InformerConfig.of(LOCAL).withCoalesce(Duration.ofSeconds(6)))
                .hasMessage("coalesce must be 0..5000 ms, got 6000 ms");
        assertThatThrownBy(() -> InformerConfig.of(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void listPageSizes() {
        assertThat(InformerConfig.of(LOCAL).withListPageSize(0).listPageSize()).as("one unpaged list").isZero();
        assertThat(InformerConfig.of(LOCAL).withListPageSize(2).withLabels("app=web").listPageSize()).as("kept by the other withers").isEqualTo(2);
        assertThatThrownBy(() -> InformerConfig.of(LOCAL).withListPageSize(-1))
                .hasMessage("list page size must be 0 (no pages) or more, got -1");
    }

    @Test
    void connections() {
        assertThat(ClusterConnection.inCluster().describe()).isEqualTo("in-cluster service account");
        assertThat(ClusterConnection.master(" https://10.0.0.1:6443 ").master()).isEqualTo("https://10.0.0.1:6443");
        assertThat(ClusterConnection.kubeconfig(Path.of("/k/config"), null).describe()).isEqualTo("kubeconfig /k/config (current context)");
        assertThat(new ClusterConnection("https://h:6443", Path.of("/k/config"), "prod").describe())
                .isEqualTo("kubeconfig /k/config (context prod), master https://h:6443");
        assertThat(ClusterConnection.kubeconfig(Path.of("/k/config"), " ").context()).isNull();
        assertThat(new ClusterConnection("", null, null).isInCluster()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "master 10.0.0.1:6443   | master \"10.0.0.1:6443\" must be an http:// or https:// URL",
        "master ftp://h         | master \"ftp://h\" must be an http:// or https:// URL",
        "master https://        | master \"https://\" is not a URL: Expected authority",
        "master http:///api     | master \"http:///api\" has no host",
        "context only           | context \"prod\" needs a kubeconfig file",
    })
    void badConnections(String name, String message) {
        Supplier<ClusterConnection> make = switch (name) {
            case "context only" -> () -> new ClusterConnection(null, null, "prod");
            default -> () -> ClusterConnection.master(name.substring("master ".length()));
        };
        assertThatThrownBy(make::get).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
