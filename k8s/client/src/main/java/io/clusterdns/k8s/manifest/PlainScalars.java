package io.clusterdns.k8s.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Set;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * What a YAML scalar's text means, as SnakeYAML's resolver (through Jackson's YAML parser) would
 * type it: shared by {@link BlockYaml}, which must type plain scalars exactly as SnakeYAML would or
 * decline, and {@link ManifestYamlFactory}, which skips the resolver's patterns for values that
 * can only be strings. Answers only what is certain; anything else is left to the resolver.
 */
final class PlainScalars {
    /** SnakeYAML's (1.1) boolean words, its {@code Resolver}'s BOOL pattern. */
    private static final Set<String> BOOLEAN_WORDS = Set.of("yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE",
            "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF");

    /** The resolver Jackson's YAML parser consults, loaded (with its patterns) only for a value that starts with neither a letter nor a quote. */
    private static final class Resolved {
        static final Resolver RESOLVER = new Resolver();
    }

    private PlainScalars() {
    }

    /** First characters for which SnakeYAML's {@code Resolver} registers a type (and '=' to be safe). */
    private static final String RESOLVED_FIRST = "yYnNtTfFoO-+0123456789.<~!&*=\0";

    /** True when SnakeYAML's resolver would certainly call the scalar a string ({@link ManifestYamlFactory} has the rules). */
    static boolean certainlyString(String value, boolean plain) {
        if (value.isEmpty()) {
            return false;
        }
        if (!plain) {
            return true;
        }
        char first = value.charAt(0);
        if (RESOLVED_FIRST.indexOf(first) < 0) {
            return true;
        }
        int dot = value.indexOf('.');
        return dot >= 0 && value.indexOf('.', dot + 1) >= 0;
    }

    /** A plain scalar typed as Jackson's YAML parser types it; null when that is not certain. */
    static JsonNode typed(String value) {
        if (certainlyString(value, true)) {
            return TextNode.valueOf(value);
        }
        char first = value.charAt(0);
        if ((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z')) {
            // of the resolver's types only booleans (yes, No, TRUE...) and null (null, Null, NULL) start with a letter
            if (value.equals("true") || value.equals("false")) {
                return BooleanNode.valueOf(value.equals("true"));
            }
            if (value.equals("null") || value.equals("Null") || value.equals("NULL")) {
                return NullNode.getInstance();
            }
            if (BOOLEAN_WORDS.contains(value)) {
                // yes, on, False...: how Jackson reads those is its business
                return null;
            }
            return TextNode.valueOf(value);
        }
        if (smallDecimal(value)) {
            // the resolver tries int before float and timestamp
            return IntNode.valueOf(Integer.parseInt(value));
        }
        Tag tag = Resolved.RESOLVER.resolve(NodeId.scalar, value, true);
        if (Tag.STR.equals(tag)) {
            return TextNode.valueOf(value);
        }
        if (Tag.NULL.equals(tag) && value.equals("~")) {
            return NullNode.getInstance();
        }
        return null;
    }

    /** "0" or up to 9 digits without a leading zero: an int whichever way it is read. */
    private static boolean smallDecimal(String value) {
        int n = value.length();
        if (n == 0 || n > 9 || (value.charAt(0) == '0' && n > 1)) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
