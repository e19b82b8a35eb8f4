package io.clusterdns.k8s.manifest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Which files a manifest path stands for: the file itself, or every {@code *.yaml}, {@code *.yml}
 * and {@code *.json} below a folder, in sorted order so that the result never depends on the
 * file system's listing order. Hidden entries are skipped: editor swap files, and the
 * {@code ..data} / {@code ..2024_...} twins of a Kubernetes ConfigMap volume.
 */
final class ManifestFiles {
    /** One file to read, and how messages name it (the user's root + the relative path). */
    record ManifestFile(Path path, String display) {
    }

    private ManifestFiles() {
    }

    static boolean isManifestName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !name.startsWith(".") && (lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json"));
    }

    static List<ManifestFile> list(Path root) {
        if (Files.isRegularFile(root)) {
            return List.of(new ManifestFile(root, root.toString()));
        }
        if (!Files.isDirectory(root)) {
            throw ManifestException.ofFile(root.toString(), "no such file or directory", null);
        }
        List<ManifestFile> out = new ArrayList<>();
        // walk the real folder (a symlinked root would otherwise be one link entry), name files under the user's root
        try (Stream<Path> walk = Files.walk(root.toRealPath())) {
            Path real = root.toRealPath();
            walk.filter(p -> !p.equals(real))
                    .map(real::relativize)
                    .filter(rel -> !hidden(rel))
                    .filter(rel -> isManifestName(rel.getFileName().toString()) && Files.isRegularFile(real.resolve(rel)))
                    .sorted(Comparator.comparing(ManifestFiles::slashes))
                    .forEach(rel -> out.add(new ManifestFile(real.resolve(rel), root.resolve(rel).toString())));
        } catch (IOException | UncheckedIOException e) {
            throw ManifestException.ofFile(root.toString(), "cannot list: " + e.getMessage(), e);
        }
        return out;
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String slashes(Path relative) {
        return relative.toString().replace('\\', '/');
    }
}
