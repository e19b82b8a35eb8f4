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
import java.util.Map;
import java.util.function.Consumer;

/**
 * Splits a manifest file into documents ({@code ---} in YAML, concatenated values in JSON), each
 * with its field line numbers. Syntax errors become {@link ManifestException}s naming the document
 * and line. Empty documents (a stray {@code ---}, a comment-only block) are kept as null nodes so
 * that document numbers match what the user counts.
 */
final class YamlDocuments {
    /** Loaded (with SnakeYAML's classes) only when a document is not {@link BlockYaml}'s, or its lines are asked for. */
    private static final class Factories {
        static final YAMLFactory YAML = new ManifestYamlFactory();
        static final JsonFactory JSON = new JsonFactory();
    }

    private YamlDocuments() {
    }

    /** Reads {@code file}; {@code display} is how messages name it. */
    static List<ManifestDocument> read(Path file, String display) {
        List<ManifestDocument> docs = new ArrayList<>();
        read(file, display, docs::add);
        return docs;
    }

    /**
     * Reads {@code file}, handing each document to {@code each} as soon as it is read, so that a
     * large file's trees need not all be in memory at once; a syntax error is thrown when reached.
     */
    static void read(Path file, String display, Consumer<ManifestDocument> each) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            // deleted between listing and reading: the deletion's own event brings another reload
            return;
        } catch (MalformedInputException e) {
            throw ManifestException.ofFile(display, "not valid UTF-8 text", e);
        } catch (IOException e) {
            throw ManifestException.ofFile(display, "cannot read: " + e, e);
        }
        boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
        parse(text, display, json, each);
    }

    /** Parses manifest text; {@code json} selects the JSON parser (stricter, better messages for JSON files). */
    static List<ManifestDocument> parse(String text, String display, boolean json) {
        List<ManifestDocument> docs = new ArrayList<>();
        parse(text, display, json, docs::add);
        return docs;
    }

    /** {@link #parse(String, String, boolean)}, each document handed to {@code each} as soon as it is read. */
    static void parse(String text, String display, boolean json, Consumer<ManifestDocument> each) {
        FileLines fileLines = new FileLines(text, display, json);
        int read = 0;
        if (!json) {
            // the common subset of YAML without SnakeYAML; from a document outside it on, SnakeYAML reads the rest
            BlockYaml fast = new BlockYaml(text);
            for (BlockYaml.Document doc = fast.next(); doc != null; doc = fast.next()) {
                int document = ++read;
                each.accept(new ManifestDocument(display, document, doc.node(), new LineMap(() -> fileLines.of(document), doc.startLine())));
            }
            if (!fast.declined()) {
                return;
            }
        }
        withSnakeYaml(text, display, json, read, fileLines, each);
    }

    /** Every document with SnakeYAML (or Jackson's JSON parser), as before {@link BlockYaml}: what the tests compare it with. */
    static void parseWithSnakeYaml(String text, String display, Consumer<ManifestDocument> each) {
        withSnakeYaml(text, display, false, 0, new FileLines(text, display, false), each);
    }

    /** Reads the documents after the first {@code skip} (which were read already) with SnakeYAML. */
    private static void withSnakeYaml(String text, String display, boolean json, int skip, FileLines fileLines,
                                      Consumer<ManifestDocument> each) {
        int read = 0;
        try (JsonParser parser = (json ? Factories.JSON : Factories.YAML).createParser(text)) {
            while (parser.nextToken() != null) {
                int document = read + 1;
                if (document <= skip) {
                    // read by BlockYaml already, to the same tree
                    parser.skipChildren();
                    read = document;
                    continue;
                }
                int start = parser.currentTokenLocation().getLineNr();
                JsonNode node = new LocatedTreeReader(parser, display, document, false).read();
                read = document;
                each.accept(new ManifestDocument(display, document, node, new LineMap(() -> fileLines.of(document), start)));
            }
        } catch (JsonProcessingException e) {
            throw syntaxError(display, read + 1, json, e);
        } catch (IOException e) {
            throw ManifestException.ofFile(display, "cannot read: " + e, e);
        }
    }

    /**
     * The field lines of a file's documents, read (all at once) by parsing the text again when an
     * error or a warning first needs one; the first parse notes none, which keeps the paths of
     * every field of every document out of the load's time and heap.
     */
    private static final class FileLines {
        private final String text;
        private final String display;
        private final boolean json;
        private List<Map<String, Integer>> documents;

        FileLines(String text, String display, boolean json) {
            this.text = text;
            this.display = display;
            this.json = json;
        }

        synchronized Map<String, Integer> of(int document) {
            if (documents == null) {
                documents = new ArrayList<>();
                try (JsonParser parser = (json ? Factories.JSON : Factories.YAML).createParser(text)) {
                    while (parser.nextToken() != null) {
                        LocatedTreeReader reader = new LocatedTreeReader(parser, display, documents.size() + 1, true);
                        reader.read();
                        documents.add(reader.lines());
                    }
                } catch (IOException | RuntimeException e) {
                    // a later document's syntax error: the documents before it, which were read the same way, are all there
                }
            }
            return document <= documents.size() ? documents.get(document - 1) : Map.of();
        }
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
