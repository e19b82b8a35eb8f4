package io.clusterdns.k8s.manifest;

import java.nio.file.Path;
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
                for (ManifestDocument doc : YamlDocuments.read(file.path(), file.display())) {
                    parser.parse(doc, objects);
                }
            }
        }
        return objects;
    }

    /** Reads manifest text that does not come from a file (tests, other modules' fixtures). */
    static ManifestObjects parse(String yaml, String display) {
        ManifestObjects objects = new ManifestObjects();
        ManifestParser parser = new ManifestParser(false);
        for (ManifestDocument doc : YamlDocuments.parse(yaml, display, false)) {
            parser.parse(doc, objects);
        }
        return objects;
    }
}
