package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.convert.FieldPaths;
import java.util.Map;

/**
 * Line numbers of the fields of one YAML document, keyed by field path. A path that is not in
 * the document (a missing required field, a defaulted one) reports its nearest written parent.
 */
final class LineMap {
    private final Map<String, Integer> lines;
    private final int startLine;

    LineMap(Map<String, Integer> lines, int startLine) {
        this.lines = Map.copyOf(lines);
        this.startLine = startLine;
    }

    int startLine() {
        return startLine;
    }

    /** True when the document itself wrote the field at {@code path}. */
    boolean has(String path) {
        return lines.containsKey(path);
    }

    int lineOf(String path) {
        String p = path == null ? "" : path;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            p = FieldPaths.parent(p);
        }
        return startLine;
    }
}
