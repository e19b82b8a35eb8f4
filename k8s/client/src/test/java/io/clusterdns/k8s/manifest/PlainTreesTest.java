package io.clusterdns.k8s.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link PlainTrees} against binding to fabric8's model: over the repository's manifests, the
 * benchmark's synthetic cluster and generated documents with random mutations (wrong types,
 * missing, unknown and null fields, bad names, addresses and ports), reading with plain trees
 * gives the same converted objects, skips, warnings and errors (message, file, document, field
 * path) as binding every document to fabric8.
 */
class PlainTreesTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Test
    void sameAsBindingOverTheRepositorysManifests() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(ROOT)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/")
                            && !p.toString().contains("/node_modules/"))
                    .sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(20);
        int plain = 0;
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(outcome(text, file.toString(), true)).as(file.toString()).isEqualTo(outcome(text, file.toString(), false));
            plain += plainObjects(text);
        }
        // most of their slices are read plain, so the comparison above covers the plain reader
        assertThat(plain).isGreaterThan(80);
    }

    @Test
    void sameAsBindingOverTheBenchmarkCluster() {
        String cluster = BlockYamlTest.syntheticCluster(400);
        String plain = outcome(cluster, "cluster.yaml", true);
        assertThat(plain).isEqualTo(outcome(cluster, "cluster.yaml", false));
        assertThat(plain.contains("svc398-abcde")).isTrue();
        assertThat(plainObjects(cluster)).isEqualTo(400 + 400 - 40);
    }

    /** Documents that use every field the plain reader knows, and some it does not. */
    private static final List<String> BASES = List.of("""
            {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
             "metadata": {"name": "web-abc", "namespace": "prod", "uid": "u-1", "resourceVersion": "7",
               "creationTimestamp": "2025-01-15T10:00:00Z",
               "labels": {"kubernetes.io/service-name": "web", "app": "web"},
               "annotations": {"endpoints.kubernetes.io/last-change-trigger-time": "2025-01-15T10:00:00Z", "note": "x"}},
             "addressType": "IPv4",
             "endpoints": [
               {"addresses": ["10.1.0.1"], "conditions": {"ready": true, "serving": true, "terminating": false},
                "hostname": "web-0", "nodeName": "node-1", "zone": "zone-a",
                "targetRef": {"kind": "Pod", "name": "web-0", "namespace": "prod", "uid": "p-1"},
                "hints": {"forZones": [{"name": "zone-a"}], "forNodes": [{"name": "node-1"}]}},
               {"addresses": ["10.1.0.2", "10.1.0.3"], "conditions": {"ready": false}},
               {"addresses": ["10.1.0.4"]}],
             "ports": [{"name": "http", "port": 8080, "protocol": "TCP", "appProtocol": "http"},
                       {"name": "dns", "port": 53, "protocol": "UDP"}]}
            """, """
            {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
             "metadata": {"name": "db-v6", "labels": {"kubernetes.io/service-name": "db"}},
             "addressType": "IPv6",
             "endpoints": [{"addresses": ["fd00::1"], "hostname": "db-0", "conditions": {"serving": false, "terminating": true}}],
             "ports": [{"port": 5432}]}
            """, """
            {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
             "metadata": {"name": "imported-1", "namespace": "prod",
               "labels": {"multicluster.kubernetes.io/service-name": "api", "multicluster.kubernetes.io/source-cluster": "east"}},
             "addressType": "IPv4",
             "endpoints": [{"addresses": ["10.2.0.1"], "hostname": "api-0"}],
             "ports": [{"name": "grpc", "port": 9090, "protocol": "TCP"}]}
            """, """
            {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
             "metadata": {"name": "ext", "namespace": "prod", "labels": {"kubernetes.io/service-name": "ext"}},
             "addressType": "FQDN",
             "endpoints": [{"addresses": ["db.example.org"]}],
             "ports": []}
            """, """
            {"apiVersion": "v1", "kind": "Service",
             "metadata": {"name": "web", "namespace": "prod", "uid": "s-1",
               "labels": {"app": "web"}, "annotations": {"clusterdns.io/ttl": "30", "other": "y"}},
             "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.20", "clusterIPs": ["10.96.0.20", "fd00::20"],
               "ipFamilies": ["IPv4", "IPv6"], "ipFamilyPolicy": "PreferDualStack", "selector": {"app": "web"},
               "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP", "appProtocol": "http"},
                         {"name": "https", "port": 443, "targetPort": "https"}],
               "sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 600}},
               "externalIPs": ["192.0.2.10"], "externalTrafficPolicy": "Cluster", "internalTrafficPolicy": "Local",
               "publishNotReadyAddresses": true, "trafficDistribution": "PreferClose"},
             "status": {"loadBalancer": {}}}
            """, """
            {"apiVersion": "v1", "kind": "Service",
             "metadata": {"name": "lb", "namespace": "prod"},
             "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.30", "loadBalancerIP": "192.0.2.1",
               "ports": [{"port": 443, "nodePort": 30443}], "loadBalancerSourceRanges": ["10.0.0.0/8"],
               "externalTrafficPolicy": "Local", "healthCheckNodePort": 31000, "allocateLoadBalancerNodePorts": false},
             "status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.1", "ipMode": "VIP"}, {"hostname": "lb.example.org"}]}}}
            """, """
            {"apiVersion": "v1", "kind": "Service",
             "metadata": {"name": "db", "namespace": "prod"},
             "spec": {"clusterIP": "None", "ports": [{"name": "pg", "port": 5432}], "selector": {"app": "db"}}}
            """, """
            {"apiVersion": "v1", "kind": "Service",
             "metadata": {"name": "ext"},
             "spec": {"type": "ExternalName", "externalName": "db.example.org", "ports": [{"port": 5432, "nodePort": 30000}]}}
            """, """
            {"apiVersion": "v1", "kind": "Service",
             "metadata": {"name": "np"},
             "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080, "targetPort": 0}, {"name": "b", "port": 81, "targetPort": ""}]}}
            """, """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
               "metadata": {"name": "a-1", "labels": {"kubernetes.io/service-name": "a"}},
               "addressType": "IPv4", "endpoints": [{"addresses": ["10.3.0.1"]}]}]}
            """);

    /** Values a mutation writes in place of another: wrong types, bad names, addresses and ports, and good ones. */
    private static final List<JsonNode> VALUES = List.of(
            TextNode.valueOf("web"), TextNode.valueOf("Web"), TextNode.valueOf(""), TextNode.valueOf("-bad"), TextNode.valueOf("a.b"),
            TextNode.valueOf("80"), TextNode.valueOf("true"), TextNode.valueOf("10.1.0.9"), TextNode.valueOf("fd00::9"),
            TextNode.valueOf("127.0.0.1"), TextNode.valueOf("169.254.1.1"), TextNode.valueOf("0.0.0.0"), TextNode.valueOf("TCP"),
            TextNode.valueOf("SCTP"), TextNode.valueOf("udp"), TextNode.valueOf("IPv4"), TextNode.valueOf("IPv6"), TextNode.valueOf("FQDN"),
            TextNode.valueOf("Pod"), TextNode.valueOf("kubernetes.io/h2c"), TextNode.valueOf("x".repeat(64)),
            TextNode.valueOf("not a time"), TextNode.valueOf("zone-a"), TextNode.valueOf("None"), TextNode.valueOf("LoadBalancer"),
            TextNode.valueOf("NodePort"), TextNode.valueOf("ExternalName"), TextNode.valueOf("SingleStack"), TextNode.valueOf("Local"),
            TextNode.valueOf("ClientIP"), TextNode.valueOf("10.0.0.0/8"), TextNode.valueOf("10.96.0.99"), TextNode.valueOf("Proxy"),
            IntNode.valueOf(80), IntNode.valueOf(0), IntNode.valueOf(-1), IntNode.valueOf(70000), IntNode.valueOf(1), IntNode.valueOf(30001),
            LongNode.valueOf(99_999_999_999L), DoubleNode.valueOf(1.5), BooleanNode.TRUE, BooleanNode.FALSE, NullNode.getInstance(),
            NODES.arrayNode(), NODES.arrayNode().add("10.1.0.8"), NODES.arrayNode().add(NODES.objectNode().put("name", "zone-b")),
            NODES.arrayNode().addNull(), NODES.objectNode(), NODES.objectNode().put("name", "x"), NODES.objectNode().put("ready", true));

    private static final List<String> EXTRA_KEYS = List.of("extra", "uid", "deprecatedTopology", "generation", "ready", "name",
            "hostname", "forZones", "kind", "selfLink", "managedFields", "appProtocol", "loadBalancerClass", "targetPort", "nodePort",
            "clusterIPs", "ipFamilies", "sessionAffinityConfig", "status", "conditions", "loadBalancer", "ingress", "ports", "spec");

    @Test
    void sameAsBindingOverMutatedDocuments() throws IOException {
        Random random = new Random(11);
        int plain = 0;
        int refused = 0;
        int accepted = 0;
        for (int i = 0; i < 8000; i++) {
            JsonNode doc = JSON.readTree(BASES.get(random.nextInt(BASES.size())));
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                mutate(random, doc);
            }
            String withPlain = outcome(doc, true);
            assertThat(withPlain).as(doc.toString()).isEqualTo(outcome(doc, false));
            JsonNode object = doc.path("kind").asText().equals("List") ? doc.path("items").path(0) : doc;
            if (object.isObject() && (object.path("kind").asText().equals("Service") ? PlainTrees.service(object) != null
                    : PlainTrees.endpointSlice(object) != null)) {
                plain++;
            }
            if (withPlain.startsWith("error")) {
                refused++;
            } else {
                accepted++;
            }
        }
        // the mutations reach both readers and both outcomes
        assertThat(plain).isGreaterThan(1500);
        assertThat(refused).isGreaterThan(1500);
        assertThat(accepted).isGreaterThan(1500);
    }

    private static void mutate(Random random, JsonNode doc) {
        List<Map.Entry<JsonNode, Object>> places = new ArrayList<>();
        places(doc, places);
        if (places.isEmpty()) {
            return;
        }
        Map.Entry<JsonNode, Object> place = places.get(random.nextInt(places.size()));
        int op = random.nextInt(10);
        if (place.getKey() instanceof ObjectNode obj && place.getValue() instanceof String key) {
            if (op < 6) {
                obj.set(key, VALUES.get(random.nextInt(VALUES.size())).deepCopy());
            } else if (op < 8) {
                obj.remove(key);
            } else {
                obj.set(EXTRA_KEYS.get(random.nextInt(EXTRA_KEYS.size())), VALUES.get(random.nextInt(VALUES.size())).deepCopy());
            }
        } else if (place.getKey() instanceof ArrayNode array && place.getValue() instanceof Integer index) {
            if (op < 7) {
                array.set(index, VALUES.get(random.nextInt(VALUES.size())).deepCopy());
            } else {
                array.remove((int) index);
            }
        }
    }

    /** Every (container, key or index) of the tree but the document's kind and apiVersion. */
    private static void places(JsonNode node, List<Map.Entry<JsonNode, Object>> out) {
        if (node instanceof ObjectNode obj) {
            obj.fieldNames().forEachRemaining(k -> {
                // an object's kind and apiVersion are read before any reader: mutating them tells nothing
                if (!(obj.has("apiVersion") && (k.equals("kind") || k.equals("apiVersion")))) {
                    out.add(Map.entry(obj, k));
                }
                places(obj.get(k), out);
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                out.add(Map.entry(array, i));
                places(array.get(i), out);
            }
        }
    }

    /** Services and EndpointSlices of the text that {@link PlainTrees} reads. */
    private static int plainObjects(String yaml) {
        int[] count = {0};
        YamlDocuments.parse(yaml, "t.yaml", false, doc -> {
            String kind = doc.node() == null ? "" : doc.node().path("kind").asText();
            if (kind.equals("EndpointSlice") && PlainTrees.endpointSlice(doc.node()) != null
                    || kind.equals("Service") && PlainTrees.service(doc.node()) != null) {
                count[0]++;
            }
        });
        return count[0];
    }

    private static String outcome(String yaml, String file, boolean plainTrees) {
        return outcome(() -> ManifestLoader.parse(yaml, file, plainTrees));
    }

    private static String outcome(JsonNode doc, boolean plainTrees) {
        return outcome(() -> {
            ManifestObjects objects = new ManifestObjects();
            new ManifestParser(false, plainTrees).parse(new ManifestDocument("m.yaml", 1, doc.deepCopy(), new LineMap(Map.of(), 1)), objects);
            return objects;
        });
    }

    private static String outcome(java.util.function.Supplier<ManifestObjects> load) {
        ManifestObjects objects;
        try {
            objects = load.get();
        } catch (RuntimeException e) {
            return "error " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + (e instanceof ManifestException m ? " @" + m.getCause() : "");
        }
        Function<List<? extends Located<?>>, String> located = l -> l.stream()
                .map(x -> x.value() + " @" + x.origin().describe()).toList().toString();
        // an Origin prints its LineMap's identity
        return String.join("\n", "services " + objects.services().stream().map(x -> x.info() + " " + x.policy() + " "
                        + x.allocateLoadBalancerNodePorts() + " @" + x.origin().describe()).toList(), "slices " + located.apply(objects.slices()),
                "imported " + located.apply(objects.importedSlices()), "endpoints " + located.apply(objects.endpoints()),
                "pods " + located.apply(objects.pods()), "namespaces " + located.apply(objects.namespaces()),
                "nodes " + located.apply(objects.nodes()), "imports " + located.apply(objects.serviceImports()),
                "cidrs " + located.apply(objects.serviceCidrs()), "workloads " + objects.workloads(),
                "skipped " + objects.skipped(), "warnings " + objects.warnings().stream().map(RuntimeException::getMessage).toList(),
                "files " + objects.files()).replaceAll("LineMap@[0-9a-f]+", "LineMap");
    }
}
