package io.clusterdns.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The application layer of each image, as folders Jib adds on top of a base ({@code
 * extraDirectories}): the shaded jar under {@code /opt/clusterdns}, and for the dns-server its
 * netty epoll library (unpacked, as a read-only {@code /tmp} cannot take it at run time) and its
 * start-up class archive, trained with the image's own runtime at the image's own paths.
 */
final class AppFolders {
    static final String APP = "/opt/clusterdns";
    static final String DNS_SERVER_JAR = APP + "/clusterdns-dns-server.jar";
    static final String DNS_SERVER_ARCHIVE = APP + "/clusterdns-dns-server.jsa";

    private final Path work;

    AppFolders(Path work) {
        this.work = work;
    }

    Path folder(String component) {
        return work.resolve("app/" + component);
    }

    void dnsServer(Path jar, RuntimeBase base) throws IOException {
        Path root = folder("dns-server");
        Images.deleteTree(root);
        copyJar(jar, root, DNS_SERVER_JAR);
        Path natives = Files.createDirectories(root.resolve(APP.substring(1) + "/native"));
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : zip.stream().filter(e -> e.getName().matches("META-INF/native/[^/]+\\.so")).toList()) {
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, natives.resolve(e.getName().substring("META-INF/native/".length())));
                }
            }
        }
        train(root, base);
    }

    void jarOnly(String component, Path jar, String imagePath) throws IOException {
        Path root = folder(component);
        Images.deleteTree(root);
        copyJar(jar, root, imagePath);
    }

    /**
     * An AppCDS archive holds the jar's path, size and modification time and the runtime's build:
     * so the training runs with the image's runtime on a jar at the image's path with the image's
     * modification time, in a chroot of the base with the app folder copied in.
     */
    private void train(Path app, RuntimeBase base) throws IOException {
        Path chroot = work.resolve("train/dns-server");
        Images.deleteTree(chroot);
        Images.linkTree(base.rootfs(), chroot);
        Images.copyTree(app, chroot);
        List<String> command = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "--user", "--map-root-user")); // chroot without root: in a user namespace
        }
        command.addAll(List.of("chroot", chroot.toString(), RuntimeBase.JAVA_HOME + "/bin/java",
                "-XX:ArchiveClassesAtExit=" + DNS_SERVER_ARCHIVE, "-Xlog:cds=error", "-Xlog:cds+dynamic=error",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=error", "-cp", DNS_SERVER_JAR, "io.clusterdns.server.StartupTraining"));
        HostFiles.run(command);
        Path archive = chroot.resolve(DNS_SERVER_ARCHIVE.substring(1));
        Files.copy(archive, app.resolve(DNS_SERVER_ARCHIVE.substring(1)), StandardCopyOption.REPLACE_EXISTING);
        Images.deleteTree(chroot);
    }

    private static void copyJar(Path jar, Path root, String imagePath) throws IOException {
        Path target = root.resolve(imagePath.substring(1));
        Files.createDirectories(target.getParent());
        Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
        // the time Jib gives every file it adds: the class archive checks it
        Files.setLastModifiedTime(target, FileTime.fromMillis(LayerTar.MTIME_MILLIS));
    }
}
