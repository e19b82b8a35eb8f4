package io.clusterdns.images;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * Build step of the {@code images} profile, before Jib: the base image archives and the
 * application folders Jib turns into the three images (k8s/images/README.md).
 *
 * <p>{@code Images WORK_DIR MODULES DNS_SERVER_JAR DISCOVERY_AGENT_JAR ENVINJECTOR_JAR}
 */
public final class Images {
    private Images() {
    }

    public static void main(String[] args) {
        if (args.length != 5) {
            System.err.println("usage: Images WORK_DIR MODULES DNS_SERVER_JAR DISCOVERY_AGENT_JAR ENVINJECTOR_JAR");
            System.exit(2);
        }
        try {
            Path work = Path.of(args[0]);
            RuntimeBase base = new RuntimeBase(work);
            base.build(args[1]);
            AppFolders apps = new AppFolders(work);
            apps.dnsServer(existing(args[2]), base);
            apps.jarOnly("discovery-agent", existing(args[3]), AppFolders.APP + "/clusterdns-discovery-agent.jar");
            apps.jarOnly("envinjector", existing(args[4]), AppFolders.APP + "/envinjector.jar");
        } catch (IOException e) {
            System.err.println("images: " + e.getMessage());
            System.exit(1);
        }
    }

    private static Path existing(String jar) throws IOException {
        Path p = Path.of(jar);
        if (!Files.isRegularFile(p)) {
            throw new IOException(jar + " does not exist: the images profile packages the modules first");
        }
        return p;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Copies {@code from}'s tree into {@code to} (merging), keeping modes, times and links. */
    static void copyTree(Path from, Path to) throws IOException {
        tree(from, to, false);
    }

    /** {@link #copyTree}, hard-linking files instead of copying them. */
    static void linkTree(Path from, Path to) throws IOException {
        tree(from, to, true);
    }

    private static void tree(Path from, Path to, boolean link) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else if (link && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(target);
                    Files.createLink(target, p);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
                            LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
    }
}
