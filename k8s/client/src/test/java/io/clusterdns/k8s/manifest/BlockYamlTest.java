package io.clusterdns.k8s.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link BlockYaml} against SnakeYAML: over the repository's manifests, the benchmark's synthetic
 * cluster, generated documents and their mutations, reading a text with {@link YamlDocuments}
 * (BlockYaml, then SnakeYAML from a declined document on) gives the same documents, trees (types
 * and field order), start lines, and the same error, as reading it with SnakeYAML alone.
 */
class BlockYamlTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

    @Test
    void sameAsSnakeYamlOverTheRepositorysManifests() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(ROOT)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/")
                            && !p.toString().contains("/node_modules/"))
                    .sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(20);
        int fast = 0;
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            assertSame(text, file.toString());
            fast += fastDocuments(text);
        }
        // the comparison means something only when the fast reader reads most of them
        assertThat(fast).isGreaterThan(50);
    }

    @Test
    void readsTheExamplesAndTheBenchmarkClusterWithoutSnakeYaml() throws IOException {
        int examples = 0;
        try (Stream<Path> files = Files.list(ROOT.resolve("k8s/examples"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                examples += fastDocuments(Files.readString(file));
            }
        }
        // all but the documents from control-plane.yaml's ConfigMap (a block scalar, |) on
        assertThat(examples).isGreaterThanOrEqualTo(25);
        String cluster = syntheticCluster(200);
        assertSame(cluster, "cluster.yaml");
        BlockYaml reader = new BlockYaml(cluster);
        int docs = 0;
        while (reader.next() != null) {
            docs++;
        }
        assertThat(reader.declined()).isFalse();
        assertThat(docs).isEqualTo(200 + 180);
    }

    @Test
    void scalarsAreTypedAsSnakeYamlTypesThem() {
        List<String> values = List.of("svc-1", "web", "10.96.0.1", "1.2", "1.2.3", ".inf", ".nan", "1e3", "0x1F", "0o17", "017",
                "0b101", "1_000", "1:30", "2001-12-14", "yes", "No", "on", "OFF", "y", "n", "true", "True", "false", "FALSE",
                "null", "Null", "NULL", "~", "<<", "=", "nginx:1.27", "None", "TCP", "8080", "0", "00", "-1", "+1", "-", "+",
                "123456789", "1234567890", "2147483648", "99999999999999999999", ".5", "5.", "fd00::1", "a,b", "a[0]", "{a}",
                "-foo", "a #b", "a#b", "a: b", "a:", "a:b", "'", "x'y", "\"", "@x", "`x", "%x", "&a x", "*a", "!!str x", "!x y",
                "|", ">", "[]", "{}", "[ ]", "[a]", "{a: 1}", "? x", ": x", ", x", "# x", "a  ", "ümlaut", "a\tb", "\"a\\\"b\"",
                "\"a\\nb\"", "'a''b'", "ns0", "no1", "t-1", "true1", "nullx", "Nope", "ON", "On", "oN", "y1", "Yes", "''", "\"\"", "'a' #c", "'a'#c", "'a' b", "\"a\" b");
        for (String v : values) {
            for (String key : List.of("key", "80", "true", "null", "yes", "a.b/c-d_e", "-k", ".k", "a b")) {
                assertSame(key + ": " + v + "\n", "value " + v);
                assertSame("list:\n- " + v + "\n- " + key + ": " + v + "\n", "item " + v);
            }
        }
    }

    @Test
    void documentMarkersAndComments() {
        for (String text : List.of("", "\n", "# c\n", "---\n", "---", "--- \n", "---\n---\n", "a: 1\n---\n", "a: 1\n---", "a: 1\n...\n",
                "--- # c\na: 1\n", "--- a: 1\n", "---\n# c\n---\na: 1\n", "%YAML 1.1\n---\na: 1\n", "a: 1\n---\nb: 2\n", "  a: 1\n  b: 2\n",
                "  a: 1\nb: 2\n", "a: 1\n  b: 2\n", "a:\n  b: 1\n c: 2\n", "a:\n- 1\n- 2\nb:\n  - x\n  -  y\n", "a:\n-\n  b: 1\n",
                "a:\n- - 1\n", "- a\n", "a\n", "a: |\n  x\n", "a: x\n  y\n", "a: x\n  # c\n", "a: x\n# c\n  b\n", "a: 1\na: 2\n",
                "a: &x 1\nb: *x\n", "a:\n  b:\n    c:\n", "a:\n  - b: 1\n    c: 2\n  - d: 3\n", "a:\n  - b: 1\n     c: 2\n",
                "a:\n  - b: 1\n   c: 2\n", "\uFEFFa: 1\n", "a: 1\r\n", "a:\tb\n", "a: 1 # c\nb: 'x' # c\n", "a: 1\n---\n---\n",
                "---\n---\n# c\n", "a:    \n  b: 1\n", "a: []\nb: {}\n", "a: [] # c\n", "a: []x\n", "---\n  - x\n")) {
            assertSame(text, "markers");
        }
    }

    /** Random documents in and around the subset, and each with random edits (indentation, characters, lines). */
    @Test
    void sameAsSnakeYamlOverGeneratedAndMutatedDocuments() {
        Random random = new Random(11);
        int fast = 0;
        for (int i = 0; i < 3000; i++) {
            // half of them within the subset (read by BlockYaml unless a key repeats or is "~")
            scalars = i % 2 == 0 ? IN_SUBSET : SCALARS.length;
            StringBuilder text = new StringBuilder();
            int docs = 1 + random.nextInt(3);
            for (int d = 0; d < docs; d++) {
                if (d > 0 || random.nextBoolean()) {
                    text.append(random.nextInt(8) == 0 ? "---\n\n" : "---\n");
                }
                mapping(random, text, 0, 3);
            }
            String doc = text.toString();
            assertSame(doc, "generated " + i);
            fast += fastDocuments(doc);
            for (int m = 0; m < 5; m++) {
                assertSame(mutate(random, doc), "mutated " + i + "." + m);
            }
        }
        assertThat(fast).isGreaterThan(1000);
    }

    private static final String[] KEYS = {"apiVersion", "kind", "name", "namespace", "ports", "port", "spec", "labels",
            "kubernetes.io/service-name", "app.kubernetes.io/name", "a-b", "x_y", "n", "y", "on", "80", "null", "true", "~"};
    /** The first {@link #IN_SUBSET} are all within BlockYaml's subset. */
    private static final String[] SCALARS = {"v1", "Service", "web", "10.96.0.1", "80", "8080", "0", "true", "false", "null", "~",
            "None", "TCP", "'quoted'", "'it''s'", "\"double\"", "a b c", "a #comment", "nginx:1.27", "\"\"", "''", "[]", "{}",
            "[a, b]", "{a: b}", "{name: dns, port: 53, tags: [x, 'y']}", "ext.example.org", "fd00::1", "a:b", "-x",
            "yes", "no", "1.5", "0x10", "-1", "\"esc\\\"aped\"", "&anchor x", "*anchor", "!!str 1", "|\n  block", "plain\n  continued",
            "2001-12-14", "1_000", "ümlaut", "1234567890", "[a, ]", "{a: b:c}", "[a,\n b]"};
    private static final int IN_SUBSET = 30;
    private static int scalars = SCALARS.length;

    private static void mapping(Random random, StringBuilder out, int indent, int depth) {
        int keys = 1 + random.nextInt(4);
        List<String> used = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            String key = KEYS[random.nextInt(KEYS.length)];
            if (used.contains(key) && random.nextInt(10) != 0) {
                continue;
            }
            used.add(key);
            if (random.nextInt(12) == 0) {
                out.append(" ".repeat(random.nextInt(indent + 3))).append("# a comment\n");
            }
            if (random.nextInt(15) == 0) {
                out.append('\n');
            }
            out.append(" ".repeat(indent)).append(key).append(':');
            value(random, out, indent, depth);
        }
    }

    /** The value after "key:" (or "-"), ending with a newline. */
    private static void value(Random random, StringBuilder out, int indent, int depth) {
        int kind = depth <= 0 ? 0 : random.nextInt(4);
        switch (kind) {
            case 1 -> {
                out.append(random.nextInt(10) == 0 ? " # c\n" : "\n");
                mapping(random, out, indent + 2, depth - 1);
            }
            case 2 -> {
                out.append('\n');
                int dash = random.nextBoolean() ? indent : indent + 2;
                int items = 1 + random.nextInt(3);
                for (int i = 0; i < items; i++) {
                    out.append(" ".repeat(dash)).append('-');
                    if (random.nextBoolean()) {
                        out.append(' ').append(scalar(random)).append('\n');
                    } else {
                        // a compact mapping: first key on the dash's line
                        StringBuilder item = new StringBuilder();
                        mapping(random, item, dash + 2, depth - 1);
                        out.append(' ').append(item.substring(dash + 2));
                    }
                }
            }
            case 3 -> out.append('\n');
            default -> out.append(' ').append(scalar(random)).append(random.nextInt(10) == 0 ? "  # c\n" : "\n");
        }
    }

    private static String scalar(Random random) {
        return SCALARS[random.nextInt(scalars)];
    }

    private static String mutate(Random random, String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int at = random.nextInt(lines.size());
        String line = lines.get(at);
        switch (random.nextInt(7)) {
            case 0 -> lines.set(at, " " + line);
            case 1 -> lines.set(at, line.startsWith(" ") ? line.substring(1) : line);
            case 2 -> lines.add(at, line);
            case 3 -> lines.remove(at);
            case 4 -> {
                if (!line.isEmpty()) {
                    int c = random.nextInt(line.length());
                    lines.set(at, line.substring(0, c) + line.substring(c + 1));
                }
            }
            case 5 -> {
                String inserts = ":- #'\"[]{}&*!|>\t~";
                int c = random.nextInt(line.length() + 1);
                lines.set(at, line.substring(0, c) + inserts.charAt(random.nextInt(inserts.length())) + line.substring(c));
            }
            default -> lines.add(at, random.nextBoolean() ? "---" : "  ");
        }
        return String.join("\n", lines);
    }

    private static int fastDocuments(String text) {
        BlockYaml reader = new BlockYaml(text);
        int n = 0;
        while (reader.next() != null) {
            n++;
        }
        return n;
    }

    /** YamlDocuments (with BlockYaml) and SnakeYAML alone agree on {@code text}. */
    private static void assertSame(String text, String what) {
        List<String> snakeYaml = outcome(text, false);
        assertThat(outcome(text, true)).as(what + ":\n" + text).isEqualTo(snakeYaml);
        // cut at its "---" lines and read on 3 threads, 1 and 2 documents at a time
        assertThat(parallel(text, 1)).as(what + " (parallel):\n" + text).isEqualTo(snakeYaml);
        assertThat(parallel(text, 2)).as(what + " (parallel):\n" + text).isEqualTo(snakeYaml);
    }

    private static List<String> parallel(String text, int partsPerBatch) {
        List<String> out = new ArrayList<>();
        try {
            YamlDocuments.parse(text, "f.yaml", false, BlockYamlTest::describe, out::add, 0, 3, partsPerBatch);
        } catch (ManifestException e) {
            out.add("error: " + e.getMessage());
        }
        return out;
    }

    private static List<String> outcome(String text, boolean withBlockYaml) {
        List<String> out = new ArrayList<>();
        try {
            if (withBlockYaml) {
                YamlDocuments.parse(text, "f.yaml", false, d -> out.add(describe(d)));
            } else {
                YamlDocuments.parseWithSnakeYaml(text, "f.yaml", d -> out.add(describe(d)));
            }
        } catch (ManifestException e) {
            out.add("error: " + e.getMessage());
        }
        return out;
    }

    private static String describe(ManifestDocument d) {
        boolean empty = d.node() == null || d.node().isNull();
        // an empty document's line is never used (nothing is read from it); a document's line is
        return d.index() + (empty ? " empty" : " line " + d.lines().startLine() + " " + typed(d.node()));
    }

    /** The tree with each value's node type, in field order (JsonNode.equals ignores both the order and int/long). */
    private static String typed(com.fasterxml.jackson.databind.JsonNode node) {
        StringBuilder out = new StringBuilder();
        typed(node, out);
        return out.toString();
    }

    private static void typed(com.fasterxml.jackson.databind.JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            out.append('{');
            node.properties().forEach(e -> {
                out.append(e.getKey()).append('=');
                typed(e.getValue(), out);
                out.append(',');
            });
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            node.forEach(n -> {
                typed(n, out);
                out.append(',');
            });
            out.append(']');
        } else {
            out.append(node.getNodeType()).append(':').append(node.getClass().getSimpleName()).append(':').append(node.toString());
        }
    }

    /** The synthetic cluster of dns-server/bench/first-answer.sh (the same awk program's output), {@code n} services. */
    static String syntheticCluster(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String ns = "ns" + (i % 50);
            String name = "svc" + i;
            int kind = i % 10;
            out.append("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ").append(name).append("\n  namespace: ").append(ns).append('\n');
            if (kind == 9) {
                out.append("spec:\n  type: ExternalName\n  externalName: ext").append(i).append(".example.org\n");
                continue;
            }
            out.append("spec:\n");
            if (kind == 8) {
                out.append("  clusterIP: None\n");
            } else {
                out.append("  clusterIP: 10.").append(96 + i / 62500).append('.').append(i / 250 % 256).append('.').append(i % 250 + 1).append('\n');
            }
            out.append("  ports:\n  - name: http\n    port: 80\n    protocol: TCP\n");
            out.append("---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: ").append(name).append("-abcde\n  namespace: ")
                    .append(ns).append('\n');
            out.append("  labels:\n    kubernetes.io/service-name: ").append(name).append("\naddressType: IPv4\nendpoints:\n");
            for (int e = 0; e < 3; e++) {
                out.append("- addresses:\n  - 10.").append(128 + i / 16384 % 64).append('.').append(i / 64 % 256).append('.')
                        .append(i % 64 * 3 + e + 1).append("\n  conditions:\n    ready: true\n");
                if (kind == 8) {
                    out.append("  hostname: ").append(name).append('-').append(e).append('\n');
                }
            }
            out.append("ports:\n- name: http\n  port: 8080\n  protocol: TCP\n");
        }
        return out.toString();
    }
}
