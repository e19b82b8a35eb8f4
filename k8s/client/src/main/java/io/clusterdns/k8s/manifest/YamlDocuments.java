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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

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
        read(file, display, doc -> doc, each);
    }

    /** As {@link #read(Path, String, Consumer)}, with {@code work} done on all CPUs (see {@link #parse(String, String, boolean, Function, Consumer)}). */
    static <R> void read(Path file, String display, Function<ManifestDocument, R> work, Consumer<R> each) {
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
        parse(text, display, json, work, each);
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

    /**
     * {@link #parse(String, String, boolean, Consumer)} with {@code work} done on every document on
     * all CPUs, {@code each} given the results on this thread in document order. A large YAML file
     * is cut at its {@code ---} lines and the parts read by {@link BlockYaml} on worker threads;
     * from the first part outside BlockYaml's subset on, SnakeYAML reads the rest of the file on
     * this thread, as when the file is read front to back, so documents, their numbers and lines,
     * and every syntax error are the same. {@code work} must be thread-safe.
     */
    static <R> void parse(String text, String display, boolean json, Function<ManifestDocument, R> work, Consumer<R> each) {
        parse(text, display, json, work, each, PARALLEL_MIN_CHARS, Runtime.getRuntime().availableProcessors(), PARTS_PER_BATCH);
    }

    /** A smaller file is read on the calling thread: starting threads costs more than it saves. */
    static final int PARALLEL_MIN_CHARS = 256 * 1024;
    /**
     * Parts a thread takes at a time: few enough hand-overs, and small, because the loading thread
     * waits for the next batch in order when another thread holds it (on a busy machine, while
     * that thread is not scheduled).
     */
    private static final int PARTS_PER_BATCH = 16;

    /** As {@link #parse(String, String, boolean, Function, Consumer)}; tests choose the threshold, the threads and the batches. */
    static <R> void parse(String text, String display, boolean json, Function<ManifestDocument, R> work, Consumer<R> each,
                          int minChars, int threads, int partsPerBatch) {
        if (json || threads < 2 || text.length() < minChars) {
            parse(text, display, json, doc -> each.accept(work.apply(doc)));
            return;
        }
        new ParallelRead<>(text, display, work, each, threads, partsPerBatch).run();
    }

    /** One file read on several threads (see {@link #parse(String, String, boolean, Function, Consumer)}). */
    private static final class ParallelRead<R> {
        private final String text;
        private final String display;
        private final Function<ManifestDocument, R> work;
        private final Consumer<R> each;
        private final int threads;
        private final FileLines fileLines;
        /** Start offset and first line of every part: part 0 is the text before the first {@code ---} line, part k the k-th such line and what follows it. */
        private final int[] starts;
        private final int[] lines;
        private final int parts;
        private final Batch[] batches;
        private final AtomicInteger nextBatch = new AtomicInteger();
        /** Batches after this one are not read (a part declined in it, or the read failed). */
        private volatile int lastBatch;
        /** Documents before part 1: 1 when part 0 holds one. */
        private int offset;

        private final class Batch {
            final int first;
            final int end;
            final Object[] results;
            /** The part BlockYaml declined, or -1. */
            int declined = -1;
            Throwable failure;
            final CountDownLatch done = new CountDownLatch(1);

            Batch(int first, int end) {
                this.first = first;
                this.end = end;
                this.results = new Object[end - first];
            }

            void read() {
                try {
                    for (int k = first; k < end; k++) {
                        BlockYaml reader = new BlockYaml(text, starts[k], k + 1 < parts ? starts[k + 1] : text.length(), lines[k]);
                        BlockYaml.Document doc = reader.next();
                        if (doc == null) {
                            // declined; or, impossibly for a part that starts with "---", empty: SnakeYAML decides
                            declined = k;
                            return;
                        }
                        results[k - first] = work.apply(document(k + offset, doc));
                    }
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    done.countDown();
                }
            }
        }

        ParallelRead(String text, String display, Function<ManifestDocument, R> work, Consumer<R> each, int threads, int partsPerBatch) {
            this.text = text;
            this.display = display;
            this.work = work;
            this.each = each;
            this.threads = threads;
            this.fileLines = new FileLines(text, display, false);
            List<int[]> found = new ArrayList<>();
            found.add(new int[] {0, 1});
            int line = 1;
            for (int p = 0; p < text.length(); ) {
                int end = text.indexOf('\n', p);
                if (end < 0) {
                    end = text.length();
                }
                if (p > 0 && end - p >= 3 && text.startsWith("---", p) && blank(p + 3, end)) {
                    found.add(new int[] {p, line});
                }
                p = end + 1;
                line++;
            }
            parts = found.size();
            starts = new int[parts];
            lines = new int[parts];
            for (int k = 0; k < parts; k++) {
                starts[k] = found.get(k)[0];
                lines[k] = found.get(k)[1];
            }
            int count = (parts - 1 + partsPerBatch - 1) / partsPerBatch;
            batches = new ParallelRead.Batch[count];
            for (int b = 0; b < count; b++) {
                int first = 1 + b * partsPerBatch;
                batches[b] = new Batch(first, Math.min(parts, first + partsPerBatch));
            }
            lastBatch = count - 1;
        }

        private boolean blank(int from, int to) {
            for (int i = from; i < to; i++) {
                if (text.charAt(i) != ' ') {
                    return false;
                }
            }
            return true;
        }

        private ManifestDocument document(int number, BlockYaml.Document doc) {
            return new ManifestDocument(display, number, doc.node(), new LineMap(() -> fileLines.of(number), doc.startLine()));
        }

        void run() {
            // part 0 first, on this thread: whether it holds a document numbers all the others
            BlockYaml head = new BlockYaml(text, 0, parts > 1 ? starts[1] : text.length(), 1);
            BlockYaml.Document first = head.next();
            if (head.declined()) {
                withSnakeYaml(text, display, false, 0, fileLines, doc -> each.accept(work.apply(doc)));
                return;
            }
            offset = first == null ? 0 : 1;
            try {
                // this thread reads batches too, while it waits for the next one in order
                for (int t = 1; t < Math.min(threads, batches.length); t++) {
                    Thread worker = new Thread(this::readBatches, "clusterdns-manifest-reader-" + t);
                    worker.setDaemon(true);
                    worker.start();
                }
                if (first != null) {
                    each.accept(work.apply(document(1, first)));
                }
                deliver();
            } finally {
                lastBatch = -1;
            }
        }

        private void readBatches() {
            for (int b = nextBatch.getAndIncrement(); b <= lastBatch; b = nextBatch.getAndIncrement()) {
                batches[b].read();
            }
        }

        /** Hands the results over in order, reading batches too while the next one is not done. */
        @SuppressWarnings("unchecked")
        private void deliver() {
            int read = offset;
            for (Batch batch : batches) {
                while (batch.done.getCount() > 0) {
                    int b = nextBatch.getAndIncrement();
                    if (b <= lastBatch) {
                        batches[b].read();
                    } else {
                        try {
                            batch.done.await();
                        } catch (InterruptedException e) {
                            // the watcher closing during a reload: as an interrupted file read fails
                            Thread.currentThread().interrupt();
                            throw ManifestException.ofFile(display, "cannot read: " + e, e);
                        }
                    }
                }
                if (batch.failure instanceof RuntimeException e) {
                    throw e;
                }
                if (batch.failure instanceof Error e) {
                    throw e;
                }
                int end = batch.declined >= 0 ? batch.declined : batch.end;
                for (int k = batch.first; k < end; k++) {
                    each.accept((R) batch.results[k - batch.first]);
                    batch.results[k - batch.first] = null;
                    read++;
                }
                if (batch.declined >= 0) {
                    lastBatch = -1;
                    withSnakeYaml(text, display, false, read, fileLines, doc -> each.accept(work.apply(doc)));
                    return;
                }
            }
        }
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
