package io.clusterdns.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A base image as {@code docker save} writes it (manifest.json, the config, one uncompressed tar
 * per layer): the format Jib reads from a {@code tar://} base image, so that no registry is asked.
 */
final class DockerArchive {
    private DockerArchive() {
    }

    /** Writes {@code layers} (bottom first) with a config holding {@code env}, tagged {@code tag}. */
    static void write(Path archive, String tag, List<Path> layers, List<String> env) throws IOException {
        List<String> diffIds = new ArrayList<>();
        for (Path layer : layers) {
            diffIds.add("sha256:" + sha256(layer));
        }
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\","
                + "\"config\":{\"Env\":" + jsonArray(env) + "},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":" + jsonArray(diffIds) + "}}";
        byte[] configBytes = config.getBytes(StandardCharsets.UTF_8);
        String configName = sha256(configBytes) + ".json";
        List<String> layerNames = diffIds.stream().map(d -> d.substring("sha256:".length()) + "/layer.tar").toList();
        String manifest = "[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"" + tag + "\"],\"Layers\":"
                + jsonArray(layerNames) + "}]";
        Files.createDirectories(archive.getParent());
        try (OutputStream out = Files.newOutputStream(archive);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            put(tar, "manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
            put(tar, configName, configBytes);
            for (int i = 0; i < layers.size(); i++) {
                TarArchiveEntry entry = new TarArchiveEntry(layerNames.get(i));
                entry.setSize(Files.size(layers.get(i)));
                entry.setModTime(LayerTar.MTIME_MILLIS);
                tar.putArchiveEntry(entry);
                Files.copy(layers.get(i), tar);
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        entry.setModTime(LayerTar.MTIME_MILLIS);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static String jsonArray(List<String> values) {
        // the values are paths, digests and environment entries of this build: no quotes or backslashes
        for (String v : values) {
            if (v.contains("\"") || v.contains("\\")) {
                throw new IllegalArgumentException("not written into JSON unescaped: " + v);
            }
        }
        return values.stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(byte[] content) {
        return HexFormat.of().formatHex(sha256().digest(content));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
