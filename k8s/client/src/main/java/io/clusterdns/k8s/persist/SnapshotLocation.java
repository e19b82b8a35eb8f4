package io.clusterdns.k8s.persist;

import io.clusterdns.k8s.config.ConfigException;
import io.clusterdns.k8s.informer.InformerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a live source keeps its last-known-good snapshot ({@code --snapshot-file PATH|off}).
 *
 * <ul>
 *   <li>{@link Off}: nowhere (manifests, the env injector, {@code --snapshot-file off});</li>
 *   <li>{@link At}: this file;</li>
 *   <li>{@link Default}: {@code /var/lib/clusterdns/PROGRAM-HASH.snapshot}, or the same name in
 *       {@code java.io.tmpdir/clusterdns} when {@code /var/lib/clusterdns} cannot be written, where
 *       HASH is taken over what decides the snapshot's content (the API server connection and what
 *       is watched), so two clusters, or two filters of one, never share a file and a plain restart
 *       with the same command line finds its own.</li>
 * </ul>
 */
public sealed interface SnapshotLocation {
    Off OFF = new Off();
    String OFF_TEXT = "off";
    Path DEFAULT_DIR = Path.of("/var/lib/clusterdns");

    /** No persistence. */
    record Off() implements SnapshotLocation {
    }

    /** A file given on the command line. */
    record At(Path file) implements SnapshotLocation {
        public At {
            Objects.requireNonNull(file, "file");
        }
    }

    /** The default file of {@code program}. */
    record Default(String program) implements SnapshotLocation {
        public Default {
            Objects.requireNonNull(program, "program");
        }
    }

    /**
     * {@code --snapshot-file}'s value: {@code off}, a path, or null (not given) for the default.
     *
     * @throws ConfigException naming {@code option} for a path the platform cannot represent
     */
    static SnapshotLocation parse(String option, String text, String program) {
        if (text == null) {
            return new Default(program);
        }
        if (text.equals(OFF_TEXT)) {
            return OFF;
        }
        if (text.isBlank()) {
            throw new ConfigException(option, "a file path or off is required");
        }
        try {
            return new At(Path.of(text));
        } catch (InvalidPathException e) {
            throw new ConfigException(option, "invalid path \"" + text + "\"");
        }
    }

    /** The file for a source watching as {@code informers} says; empty when off. */
    default Optional<Path> resolve(InformerConfig informers) {
        if (this instanceof At at) {
            return Optional.of(at.file());
        }
        if (this instanceof Default d) {
            return Optional.of(defaultDir(DEFAULT_DIR).resolve(d.program() + "-" + hash(identity(informers)) + ".snapshot"));
        }
        return Optional.empty();
    }

    /** What decides a snapshot's content: the connection and the filters (not the coalescing or the request observer). */
    static String identity(InformerConfig c) {
        return c.connection().describe() + "|labels=" + c.labels() + "|namespaceLabels=" + c.namespaceLabels()
                + "|noEndpoints=" + c.noEndpoints() + "|pods=" + c.watchPods() + "|serviceImports=" + c.watchServiceImports()
                + "|importedSlices=" + c.watchImportedSlices()
                // only when set: the files of the configurations that came before it keep their names
                + (c.endpointPodNames() ? "|endpointPodNames" : "");
    }

    /**
     * {@code preferred} when it is a writable folder, or does not exist yet in a writable one (the
     * first write makes it), else {@code java.io.tmpdir/clusterdns}. Nothing is created here.
     */
    static Path defaultDir(Path preferred) {
        Path parent = preferred.toAbsolutePath().getParent();
        boolean usable = Files.isDirectory(preferred) ? Files.isWritable(preferred)
                : !Files.exists(preferred) && parent != null && Files.isDirectory(parent) && Files.isWritable(parent);
        return usable ? preferred : Path.of(System.getProperty("java.io.tmpdir"), "clusterdns");
    }

    static String hash(String identity) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
