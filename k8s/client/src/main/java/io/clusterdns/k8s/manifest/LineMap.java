package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.convert.FieldPaths;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Line numbers of the fields of one YAML document, keyed by field path. A path that is not in
 * the document (a missing required field, a defaulted one) reports its nearest written parent.
 * The lines are read when first asked for ({@link YamlDocuments} parses the file again): only
 * errors and warnings ask, and every object of a load keeps its document's map.
 */
final class LineMap {
    private final Supplier<Map<String, Integer>> reader;
    private final int startLine;
    private Map<String, Integer> lines;

    LineMap(Map<String, Integer> lines, int startLine) {
        this(() -> lines, startLine);
    }

    /** @param reader the lines of the document, called once when a line is first asked for */
    LineMap(Supplier<Map<String, Integer>> reader, int startLine) {
        this.reader = reader;
        this.startLine = startLine;
    }

    private synchronized Map<String, Integer> lines() {
        if (lines == null) {
            lines = Map.copyOf(reader.get());
        }
        return lines;
    }

    int startLine() {
        return startLine;
    }

    /** True when the document itself wrote the field at {@code path}. */
    boolean has(String path) {
        return lines().containsKey(path);
    }

    int lineOf(String path) {
        String p = path == null ? "" : path;
        while (!p.isEmpty()) {
            Integer line = lines().get(p);
            if (line != null) {
                return line;
            }
            p = FieldPaths.parent(p);
        }
        return startLine;
    }
}
