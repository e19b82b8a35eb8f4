package io.clusterdns.k8s.manifest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Reads every manifest file under the configured paths into one {@link ManifestObjects}. */
final class ManifestLoader {
    private final List<Path> roots;

    ManifestLoader(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /** @param firstLoad log skipped kinds at info (else debug: reloads repeat them on every edit) */
    ManifestObjects load(boolean firstLoad) {
        return load(firstLoad, Map.of(), w -> {
        });
    }

    /**
     * @param previousFiles {@link ManifestObjects#files()} of the last good load, so that a conflict
     *                      blames the definition added since, not the one that was there first
     * @param onWarning     told of each warning (a misspelt kind) as it is found
     */
    ManifestObjects load(boolean firstLoad, Map<String, String> previousFiles, Consumer<ManifestException> onWarning) {
        ManifestObjects objects = new ManifestObjects(previousFiles, onWarning);
        ManifestParser parser = new ManifestParser(firstLoad);
        for (Path root : roots) {
            for (ManifestFiles.ManifestFile file : ManifestFiles.list(root)) {
                convert(each -> YamlDocuments.read(file.path(), file.display(), parser::parse, each), objects);
            }
        }
        return objects;
    }

    /** Reads manifest text that does not come from a file (tests, other modules' fixtures). */
    static ManifestObjects parse(String yaml, String display) {
        return parse(yaml, display, true);
    }

    /** @param plainTrees false binds every document to fabric8's model (see {@link PlainTrees}) */
    static ManifestObjects parse(String yaml, String display, boolean plainTrees) {
        ManifestObjects objects = new ManifestObjects();
        ManifestParser parser = new ManifestParser(false, plainTrees);
        convert(each -> YamlDocuments.parse(yaml, display, false, parser::parse, each), objects);
        return objects;
    }

    /**
     * Applies the parsed documents of one file in document order as they come (parsed on all CPUs,
     * see {@link YamlDocuments}); each document's tree is garbage as soon as it is parsed (a
     * 50k-service file's trees held until the end of the file were most of the heap, and of the
     * GC time, of a load). Errors come out as when the file was read whole first: a syntax error
     * anywhere wins over a conversion error; else the first conversion error, after what the
     * documents before it logged.
     */
    static void convert(Consumer<Consumer<ManifestParser.Steps>> file, ManifestObjects objects) {
        RuntimeException[] failed = {null};
        List<Consumer<ManifestObjects>> told = new ArrayList<>();
        file.accept(steps -> {
            if (failed[0] == null) {
                failed[0] = steps.apply(objects, told);
            }
        });
        // the whole file was read: tell what its documents (up to the first error) logged
        told.forEach(t -> t.accept(objects));
        if (failed[0] != null) {
            throw failed[0];
        }
    }
}
