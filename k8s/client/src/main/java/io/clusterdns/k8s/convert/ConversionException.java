package io.clusterdns.k8s.convert;

/**
 * A Kubernetes object that the API server would reject (or that cannot be projected into the
 * records), with the JSON field path of the offending value: {@code spec.ports[1].port: must be
 * 1..65535, got 70000}. The one error type of the converters, so callers (the manifest loader,
 * later the informers) can add where the object came from.
 */
public final class ConversionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String fieldPath;
    private final String reason;

    /**
     * @param fieldPath path of the bad field as written in the object ({@code spec.ports[1].port}),
     *                  empty when the whole object is at fault
     * @param reason    what is wrong, phrased to follow the path and a colon
     */
    public ConversionException(String fieldPath, String reason) {
        super(format(fieldPath, reason));
        this.fieldPath = fieldPath == null ? "" : fieldPath;
        this.reason = reason;
    }

    private static String format(String fieldPath, String reason) {
        return fieldPath == null || fieldPath.isEmpty() ? reason : fieldPath + ": " + reason;
    }

    /** The JSON path of the bad field, e.g. {@code spec.clusterIP}; empty for the whole object. */
    public String fieldPath() {
        return fieldPath;
    }

    /** The problem without the path. */
    public String reason() {
        return reason;
    }

    /** The same error seen from an enclosing object, e.g. {@code items[2]} of a List. */
    public ConversionException under(String prefix) {
        return new ConversionException(FieldPaths.join(prefix, fieldPath), reason);
    }
}
