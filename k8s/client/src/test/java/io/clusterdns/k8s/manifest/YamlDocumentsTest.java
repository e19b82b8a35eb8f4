package io.clusterdns.k8s.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class YamlDocumentsTest {

    @Test
    void numbersDocumentsAsTheUserCountsThem() {
        List<ManifestDocument> docs = YamlDocuments.parse("""
                # leading comment, no document yet
                ---
                kind: Service
                ---
                ---
                # a comment-only document
                ---
                kind: Pod
                """, "f.yaml", false);
        assertThat(docs).extracting(ManifestDocument::index).containsExactly(1, 2, 3, 4);
        assertThat(docs.get(0).node().get("kind").asText()).isEqualTo("Service");
        assertThat(docs.get(1).node().isNull()).isTrue();
        assertThat(docs.get(2).node().isNull()).isTrue();
        assertThat(docs.get(3).node().get("kind").asText()).isEqualTo("Pod");
        assertThat(docs.get(3).lines().startLine()).isEqualTo(8);
    }

    @Test
    void recordsTheLineOfEveryField() {
        ManifestDocument doc = YamlDocuments.parse("""
                kind: Service
                metadata:
                  name: web
                  labels:
                    kubernetes.io/name: web
                spec:
                  ports:
                  - name: http
                    port: 80
                  - name: https
                    port: 443
                """, "f.yaml", false).get(0);
        LineMap lines = doc.lines();
        assertThat(lines.lineOf("metadata.name")).isEqualTo(3);
        assertThat(lines.lineOf("metadata.labels[\"kubernetes.io/name\"]")).isEqualTo(5);
        assertThat(lines.lineOf("spec.ports[1]")).isEqualTo(10);
        assertThat(lines.lineOf("spec.ports[1].port")).isEqualTo(11);
        // not written: the nearest written parent
        assertThat(lines.lineOf("spec.ports[1].targetPort")).isEqualTo(10);
        assertThat(lines.lineOf("spec.clusterIP")).isEqualTo(6);
        assertThat(lines.lineOf("")).isEqualTo(1);
    }

    @Test
    void syntaxErrorNamesDocumentAndLine() {
        assertThatThrownBy(() -> YamlDocuments.parse("""
                kind: Service
                ---
                kind: Pod
                metadata:
                  name: [web
                  labels: {}
                """, "f.yaml", false))
                .isInstanceOfSatisfying(ManifestException.class, e -> {
                    assertThat(e.document()).isEqualTo(2);
                    assertThat(e.line()).isEqualTo(6);
                    assertThat(e.getMessage()).startsWith("f.yaml document 2 (line 6): YAML syntax error: ");
                });
    }

    @Test
    void resolvesAnchorsAliasesAndMergeKeys() {
        ManifestDocument doc = YamlDocuments.parse("""
                kind: Service
                metadata:
                  labels: &common {app: web, tier: front}
                spec:
                  selector: *common
                  ports:
                  - &http {name: http, port: 80, protocol: TCP}
                  - <<: *http
                    name: alt
                    port: 8080
                """, "f.yaml", false).get(0);
        assertThat(doc.node().at("/spec/selector/tier").asText()).isEqualTo("front");
        assertThat(doc.node().at("/spec/ports/1/name").asText()).isEqualTo("alt");
        assertThat(doc.node().at("/spec/ports/1/port").asInt()).isEqualTo(8080);
        assertThat(doc.node().at("/spec/ports/1/protocol").asText()).isEqualTo("TCP");
    }

    @Test
    void rejectsDuplicateKeysAndUnknownAliases() {
        assertThatThrownBy(() -> YamlDocuments.parse("kind: Service\nspec:\n  clusterIP: None\n  clusterIP: 10.96.0.5\n", "f.yaml", false))
                .hasMessage("f.yaml document 1 (line 4): spec.clusterIP: duplicate key \"clusterIP\"");
        assertThatThrownBy(() -> YamlDocuments.parse("kind: Service\nspec: *nowhere\n", "f.yaml", false))
                .isInstanceOf(ManifestException.class)
                .hasMessageContaining("document 1");
    }

    @Test
    void readsJsonWithLines() {
        List<ManifestDocument> docs = YamlDocuments.parse("""
                {"kind": "Service",
                 "spec": {"ports": [{"port": 80}]}}
                """, "f.json", true);
        assertThat(docs).hasSize(1);
        assertThat(docs.get(0).lines().lineOf("spec.ports[0].port")).isEqualTo(2);
        assertThatThrownBy(() -> YamlDocuments.parse("{\"kind\": }", "f.json", true))
                .hasMessageStartingWith("f.json document 1 (line 1): JSON syntax error: ");
    }
}
