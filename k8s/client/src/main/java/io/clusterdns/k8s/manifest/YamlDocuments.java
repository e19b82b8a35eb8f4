package io.clusterdns.k8s.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a manifest file into documents ({@code ---} in YAML, concatenated values in JSON), each
 * with its field line numbers. Syntax errors become {@link ManifestException}s naming the document
 * and line. Empty documents (a stray {@code ---}, a comment-only block) are kept as null nodes so
 * that document numbers match what the user counts.
 */
final class YamlDocuments {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonFactory JSON = new JsonFactory();

    private YamlDocuments() {
    }

    /** Reads {@code file}; {@code display} is how messages name it. */
    static List<ManifestDocument> read(Path file, String display) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            // deleted between listing and reading: the deletion's own event brings another reload
            return List.of();
        } catch (MalformedInputException e) {
            throw ManifestException.ofFile(display, "not valid UTF-8 text", e);
        } catch (IOException e) {
            throw ManifestException.ofFile(display, "cannot read: " + e, e);
        }
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        return parse(text, display, json);
    }

    /** Parses manifest text; {@code json} selects the JSON parser (stricter, better messages for JSON files). */
    static List<ManifestDocument> parse(String text, String display, boolean json) {
        List<ManifestDocument> docs = new ArrayList<>();
        try (JsonParser parser = (json ? JSON : YAML).createParser(text)) {
            while (parser.nextToken() != null) {
                int index = docs.size() + 1;
                int start = parser.currentTokenLocation().getLineNr();
                LocatedTreeReader reader = new LocatedTreeReader(parser, display, index);
                JsonNode node = reader.read();
                docs.add(new ManifestDocument(display, index, node, new LineMap(reader.lines(), start)));
            }
        } catch (JsonProcessingException e) {
            throw syntaxError(display, docs.size() + 1, json, e);
        } catch (IOException e) {
            throw ManifestException.ofFile(display, "cannot read: " + e, e);
        }
        return docs;
    }

    private static ManifestException syntaxError(String file, int document, boolean json, JsonProcessingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        String reason = (json ? "JSON" : "YAML") + " syntax error: " + firstLine(e.getOriginalMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException m) {
                reason = "YAML syntax error: " + m.getProblem() + (m.getContext() == null ? "" : " (" + m.getContext() + ")");
                if (m.getProblemMark() != null) {
                    line = m.getProblemMark().getLine() + 1;
                }
                break;
            }
        }
        return new ManifestException(file, document, line, "", reason, e);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed input";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
