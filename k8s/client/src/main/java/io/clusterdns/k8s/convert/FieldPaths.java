package io.clusterdns.k8s.convert;

/**
 * Builds and takes apart the field paths used in error messages, in the spelling kubectl uses:
 * {@code spec.ports[1].port}, {@code metadata.labels["kubernetes.io/service-name"]}. The manifest
 * reader records line numbers under the same spelling, so both sides must make paths here.
 */
public final class FieldPaths {

    private FieldPaths() {
    }

    /** The path of field {@code name} of the object at {@code parent}. */
    public static String child(String parent, String name) {
        if (plain(name)) {
            return parent.isEmpty() ? name : parent + "." + name;
        }
        return parent + "[\"" + name.replace("\"", "\\\"") + "\"]";
    }

    /**
     * {@code [A-Za-z0-9_-]+}, by hand: the manifest reader makes a path for every field it reads,
     * and a regex matcher per field was a tenth of the CPU of loading a large folder.
     */
    private static boolean plain(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** The path of element {@code index} of the list at {@code parent}. */
    public static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** {@code prefix} followed by the relative {@code path}; either may be empty. */
    public static String join(String prefix, String path) {
        if (prefix == null || prefix.isEmpty()) {
            return path == null ? "" : path;
        }
        if (path == null || path.isEmpty()) {
            return prefix;
        }
        return path.startsWith("[") ? prefix + path : prefix + "." + path;
    }

    /** The enclosing path ({@code spec.ports[1]} for {@code spec.ports[1].port}); empty at the top. */
    public static String parent(String path) {
        if (path.isEmpty()) {
            return "";
        }
        int cut;
        if (path.endsWith("\"]")) {
            cut = path.lastIndexOf("[\"");
        } else if (path.endsWith("]")) {
            cut = path.lastIndexOf('[');
        } else {
            cut = path.lastIndexOf('.');
        }
        return cut <= 0 ? "" : path.substring(0, cut);
    }
}
