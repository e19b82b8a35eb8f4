package io.clusterdns.k8s.manifest;

/**
 * A manifest that cannot become cluster state, located as precisely as possible:
 * {@code k8s/examples/web.yaml document 2 (line 45): spec.ports[0].port: must be 1..65535, got 70000}.
 * Thrown by {@link ManifestClusterSource#start()} for a bad first load, and kept as
 * {@link ManifestClusterSource#lastError()} when a later edit is broken.
 */
public final class ManifestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int document;
    private final int line;
    private final String fieldPath;
    private final String reason;

    /**
     * @param file      the file as the user named it (root given on the command line + relative path)
     * @param document  1-based index of the YAML document in the file, 0 when the whole file is at fault
     * @param line      1-based line, 0 when unknown
     * @param fieldPath path of the bad field ({@code spec.ports[0].port}), empty when none
     * @param reason    what is wrong
     */
    public ManifestException(String file, int document, int line, String fieldPath, String reason, Throwable cause) {
        super(format(file, document, line, fieldPath, reason), cause);
        this.file = file;
        this.document = document;
        this.line = line;
        this.fieldPath = fieldPath == null ? "" : fieldPath;
        this.reason = reason;
    }

    /** An error about a whole file or folder (unreadable, missing). */
    public static ManifestException ofFile(String file, String reason, Throwable cause) {
        return new ManifestException(file, 0, 0, "", reason, cause);
    }

    private static String format(String file, int document, int line, String fieldPath, String reason) {
        StringBuilder sb = new StringBuilder(file);
        if (document > 0) {
            sb.append(" document ").append(document);
        }
        if (line > 0) {
            sb.append(" (line ").append(line).append(')');
        }
        sb.append(": ");
        if (fieldPath != null && !fieldPath.isEmpty()) {
            sb.append(fieldPath).append(": ");
        }
        return sb.append(reason).toString();
    }

    public String file() {
        return file;
    }

    /** 1-based document index, 0 for file-level errors. */
    public int document() {
        return document;
    }

    /** 1-based line number, 0 when unknown. */
    public int line() {
        return line;
    }

    /** Field path within the document, empty when the error is not about one field. */
    public String fieldPath() {
        return fieldPath;
    }

    public String reason() {
        return reason;
    }
}
