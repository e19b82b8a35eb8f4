package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.convert.ConversionException;
import io.clusterdns.k8s.convert.FieldPaths;

/**
 * Where an object was read: file, document, and the path prefix inside the document
 * ({@code items[2]} for an item of a List). Turns field errors found later (during allocation,
 * for example) into located {@link ManifestException}s.
 */
record Origin(String file, int document, String prefix, LineMap lines) {

    static Origin of(ManifestDocument doc, String prefix) {
        return new Origin(doc.file(), doc.index(), prefix, doc.lines());
    }

    /** {@code web.yaml document 2}, or {@code list.yaml document 1 items[3]}. */
    String describe() {
        return file + " document " + document + (prefix.isEmpty() ? "" : " " + prefix);
    }

    /** True when the document wrote the field at {@code fieldPath} (relative to this object). */
    boolean wrote(String fieldPath) {
        return lines.has(FieldPaths.join(prefix, fieldPath));
    }

    ManifestException error(String fieldPath, String reason) {
        String full = FieldPaths.join(prefix, fieldPath);
        return new ManifestException(file, document, lines.lineOf(full), full, reason, null);
    }

    ManifestException error(ConversionException e) {
        String full = FieldPaths.join(prefix, e.fieldPath());
        return new ManifestException(file, document, lines.lineOf(full), full, e.reason(), e);
    }
}
