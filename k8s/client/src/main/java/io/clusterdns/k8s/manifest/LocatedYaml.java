package io.clusterdns.k8s.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * A configuration file of one YAML or JSON object (such as kube-proxy's
 * {@code KubeProxyConfiguration}) read with the manifest reader, so that it gets the same syntax
 * checks (duplicate keys, anchors, merge keys) and the line of every field for messages.
 */
public final class LocatedYaml {
    private final JsonNode node;
    private final LineMap lines;

    private LocatedYaml(JsonNode node, LineMap lines) {
        this.node = node;
        this.lines = lines;
    }

    /**
     * Reads {@code file}, which must hold exactly one document (empty documents aside).
     *
     * @param display how messages name the file
     * @throws ManifestException for a syntax error, an unreadable file, no document or several
     */
    public static LocatedYaml single(Path file, String display) {
        List<ManifestDocument> docs = YamlDocuments.read(file, display).stream()
                .filter(d -> d.node() != null && !d.node().isNull()).toList();
        if (docs.isEmpty()) {
            throw ManifestException.ofFile(display, "empty: expected one object", null);
        }
        if (docs.size() > 1) {
            throw new ManifestException(display, 0, docs.get(1).lines().startLine(), "",
                    "expected one object, found " + docs.size() + " documents", null);
        }
        return new LocatedYaml(docs.get(0).node(), docs.get(0).lines());
    }

    public JsonNode node() {
        return node;
    }

    /** The line of the field at {@code path} (kubectl's spelling), or of its nearest written parent. */
    public int lineOf(String path) {
        return lines.lineOf(path);
    }
}
