package io.clusterdns.k8s.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.clusterdns.k8s.convert.FieldPaths;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one document from a streaming parser into a Jackson tree, noting the line of every field
 * when asked to, because Jackson's own tree forgets locations and error messages must point at a
 * line. Loading does not ask ({@link YamlDocuments} reads a file again for its lines when an error
 * needs them): a path string per field of every document was a large part of loading 50k services,
 * and keeping them for every object of the load most of its heap.
 * Also does what Jackson's YAML streaming leaves out: anchors/aliases and {@code <<} merge keys
 * are resolved, and duplicate keys are rejected (kubectl rejects them too).
 */
final class LocatedTreeReader {
    private static final String MERGE_KEY = "<<";

    private final JsonParser parser;
    private final String file;
    private final int document;
    private final Map<String, Integer> lines;
    private final Map<String, JsonNode> anchors = new HashMap<>();

    /** @param recordLines note the line of every field ({@link #lines()}) */
    LocatedTreeReader(JsonParser parser, String file, int document, boolean recordLines) {
        this.parser = parser;
        this.file = file;
        this.document = document;
        this.lines = recordLines ? new HashMap<>() : null;
    }

    /** Reads the value whose first token is the parser's current token. */
    JsonNode read() throws IOException {
        return read(FieldPath.ROOT);
    }

    /** The line of every field by path; empty unless recording. */
    Map<String, Integer> lines() {
        return lines == null ? Map.of() : lines;
    }

    /** A field's path as a chain of steps, spelt out only when needed. */
    private record FieldPath(FieldPath parent, String name, int index) {
        static final FieldPath ROOT = new FieldPath(null, null, -1);

        FieldPath child(String field) {
            return new FieldPath(this, field, -1);
        }

        FieldPath item(int i) {
            return new FieldPath(this, null, i);
        }

        @Override
        public String toString() {
            if (parent == null) {
                return "";
            }
            return name != null ? FieldPaths.child(parent.toString(), name) : FieldPaths.index(parent.toString(), index);
        }
    }

    private JsonNode read(FieldPath path) throws IOException {
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            JsonNode target = anchors.get(parser.getText());
            if (target == null) {
                throw error(path.toString(), "unknown YAML alias *" + parser.getText());
            }
            return target.deepCopy();
        }
        String anchor = parser instanceof YAMLParser yaml ? yaml.getObjectId() : null;
        JsonNode node = switch (parser.currentToken()) {
            case START_OBJECT -> object(path);
            case START_ARRAY -> array(path);
            case VALUE_STRING, VALUE_EMBEDDED_OBJECT -> TextNode.valueOf(parser.getText());
            case VALUE_NUMBER_INT -> integer();
            case VALUE_NUMBER_FLOAT -> DoubleNode.valueOf(parser.getDoubleValue());
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.getInstance();
            default -> throw error(path.toString(), "unexpected " + parser.currentToken());
        };
        if (anchor != null) {
            anchors.put(anchor, node);
        }
        return node;
    }

    private JsonNode integer() throws IOException {
        return switch (parser.getNumberType()) {
            case INT -> IntNode.valueOf(parser.getIntValue());
            case LONG -> LongNode.valueOf(parser.getLongValue());
            default -> BigIntegerNode.valueOf(parser.getBigIntegerValue());
        };
    }

    private ObjectNode object(FieldPath path) throws IOException {
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        List<JsonNode> merges = new ArrayList<>(0);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            FieldPath child = path.child(name);
            int line = parser.currentTokenLocation().getLineNr();
            parser.nextToken();
            JsonNode value = read(child);
            if (MERGE_KEY.equals(name) && parser instanceof YAMLParser) {
                merges.add(value);
                continue;
            }
            if (object.has(name)) {
                throw new ManifestException(file, document, line, child.toString(), "duplicate key \"" + name + "\"", null);
            }
            if (lines != null) {
                lines.put(child.toString(), line);
            }
            object.set(name, value);
        }
        for (JsonNode merge : merges) {
            merge(path, object, merge);
        }
        return object;
    }

    /** YAML merge keys: keys written in the mapping itself win over merged ones. */
    private void merge(FieldPath path, ObjectNode into, JsonNode source) {
        if (source instanceof ArrayNode list) {
            list.forEach(item -> merge(path, into, item));
            return;
        }
        if (!(source instanceof ObjectNode from)) {
            throw error(path.toString(), "<< must merge a mapping or a list of mappings");
        }
        for (Map.Entry<String, JsonNode> e : from.properties()) {
            if (!into.has(e.getKey())) {
                into.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    private ArrayNode array(FieldPath path) throws IOException {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        int i = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            FieldPath child = path.item(i++);
            if (lines != null) {
                lines.put(child.toString(), parser.currentTokenLocation().getLineNr());
            }
            array.add(read(child));
        }
        return array;
    }

    private ManifestException error(String path, String reason) {
        return new ManifestException(file, document, parser.currentTokenLocation().getLineNr(), path, reason, null);
    }
}
