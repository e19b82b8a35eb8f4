package io.clusterdns.k8s.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.clusterdns.k8s.BuildVersion;
import io.clusterdns.k8s.testing.Kustomize;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * k8s/deploy: every kustomization refers to files that exist and every manifest loads with fabric8
 * (checked from the files, so without kubectl too), every overlay renders with kustomize and each
 * rendered object loads with fabric8 into its typed model with no field fabric8 does not know (a
 * misspelt or misplaced field would land in additionalProperties), and the clusterdns images follow
 * one scheme whose tag is the project's version.
 */
class DeployOverlaysTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();
    /** Kinds fabric8 has no model for: cert-manager's; everything else must load typed. */
    static final Set<String> UNTYPED = Set.of("cert-manager.io/v1");
    static final String IMAGE_PREFIX = "ghcr.io/clusterdns/";
    static final List<String> IMAGES = List.of("dns-server", "discovery-agent", "envinjector");

    static List<Path> overlays() {
        return Kustomize.overlays();
    }

    /** The documents of a YAML stream that hold an object (comments-only documents are skipped). */
    static List<JsonNode> documents(String yaml, String source) {
        try {
            return YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll().stream()
                    .filter(JsonNode::isObject).toList();
        } catch (IOException e) {
            throw new AssertionError(source + ": not YAML: " + e.getMessage(), e);
        }
    }

    /** The document as fabric8's typed object, failing on any field the model does not have. */
    static HasMetadata load(JsonNode doc, String source) {
        String what = source + ": " + doc.path("kind").asText() + " " + doc.path("metadata").path("name").asText();
        Object o = FABRIC8.unmarshal(doc.toString());
        assertThat(o).as(what).isInstanceOf(HasMetadata.class);
        if (!UNTYPED.contains(doc.path("apiVersion").asText())) {
            assertThat(o).as(what + " loads as fabric8's model of its kind").isNotInstanceOf(GenericKubernetesResource.class);
            List<String> unknown = new ArrayList<>();
            unknownFields(o, doc.path("kind").asText(), unknown);
            assertThat(unknown).as(what + ": fields fabric8's model does not have").isEmpty();
        }
        return (HasMetadata) o;
    }

    @Test
    void everyKustomizationNamesFilesThatExistAndEveryManifestLoads() throws IOException {
        Path deploy = Kustomize.deployDir();
        List<Path> kustomizations;
        try (Stream<Path> s = Files.walk(deploy)) {
            kustomizations = s.filter(p -> p.getFileName().toString().equals("kustomization.yaml")).sorted().toList();
        }
        Set<Path> usedComponents = new HashSet<>();
        for (Path k : kustomizations) {
            JsonNode node = YAML.readTree(k.toFile());
            boolean overlay = k.getParent().getParent().getFileName().toString().equals("overlays");
            assertThat(node.path("kind").asText()).as(k + ": kind").isEqualTo(overlay ? "Kustomization" : "Component");
            for (JsonNode r : node.path("resources")) {
                Path file = k.resolveSibling(r.asText()).normalize();
                assertThat(file).as(k + ": resources").isRegularFile();
                documents(Files.readString(file), file.toString()).forEach(d -> load(d, file.toString()));
            }
            for (JsonNode c : node.path("components")) {
                Path dir = k.resolveSibling(c.asText()).normalize();
                assertThat(dir.resolve("kustomization.yaml")).as(k + ": components").isRegularFile();
                usedComponents.add(dir);
            }
            for (JsonNode p : node.path("patches")) {
                if (p.has("path")) {
                    assertThat(k.resolveSibling(p.path("path").asText())).as(k + ": patches").isRegularFile();
                }
            }
        }
        List<Path> components;
        try (Stream<Path> s = Files.list(deploy.resolve("components"))) {
            components = s.sorted().toList();
        }
        assertThat(usedComponents).as("every component is in some overlay, so that CI renders it")
                .containsAll(components).contains(deploy.resolve("base"));
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyOverlayRendersAndEachObjectLoadsWithFabric8(Path overlay) {
        String rendered = Kustomize.render(overlay);
        List<JsonNode> docs = documents(rendered, overlay.toString());
        assertThat(docs).as(overlay + " renders objects").isNotEmpty();
        Set<String> keys = new HashSet<>();
        for (JsonNode doc : docs) {
            HasMetadata o = load(doc, overlay.getFileName() + " rendered");
            String key = o.getApiVersion() + " " + o.getKind() + " " + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
            assertThat(keys.add(key)).as("one object per name: " + key).isTrue();
            for (Container c : containers(o)) {
                if (c.getImage().startsWith(IMAGE_PREFIX)) {
                    assertThat(c.getImage()).as(key + " container " + c.getName())
                            .isIn(IMAGES.stream().map(i -> IMAGE_PREFIX + i + ":" + BuildVersion.get()).toList());
                }
            }
        }
    }

    @Test
    void theBaseSetsEveryClusterdnsImageToTheProjectVersion() throws IOException {
        JsonNode images = YAML.readTree(Kustomize.deployDir().resolve("base").resolve("kustomization.yaml").toFile()).path("images");
        List<String> names = new ArrayList<>();
        for (JsonNode i : images) {
            names.add(i.path("name").asText());
            assertThat(i.path("newTag").asText()).as(i.path("name").asText()).isEqualTo(BuildVersion.get());
        }
        assertThat(names).containsExactlyInAnyOrderElementsOf(IMAGES.stream().map(i -> IMAGE_PREFIX + i).toList());
    }

    static List<Container> containers(HasMetadata o) {
        PodSpec pod = o instanceof Deployment d ? d.getSpec().getTemplate().getSpec()
                : o instanceof DaemonSet ds ? ds.getSpec().getTemplate().getSpec()
                : o instanceof Job j ? j.getSpec().getTemplate().getSpec() : null;
        if (pod == null) {
            return List.of();
        }
        List<Container> all = new ArrayList<>(pod.getContainers());
        all.addAll(pod.getInitContainers());
        return all;
    }

    /** Collects the paths of non-empty additionalProperties in fabric8's object tree. */
    static void unknownFields(Object o, String path, List<String> out) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Enum<?>) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", out);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, out));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method g : o.getClass().getMethods()) {
            if (g.getParameterCount() != 0 || Modifier.isStatic(g.getModifiers()) || g.getDeclaringClass() == Object.class
                    || !(g.getName().startsWith("get") || g.getName().startsWith("is"))) {
                continue;
            }
            try {
                Object value = g.invoke(o);
                if (g.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        out.add(path + ": " + extra.keySet());
                    }
                } else {
                    unknownFields(value, path + "." + g.getName().replaceFirst("^(get|is)", ""), out);
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(path + "." + g.getName() + ": " + e, e);
            }
        }
    }
}
