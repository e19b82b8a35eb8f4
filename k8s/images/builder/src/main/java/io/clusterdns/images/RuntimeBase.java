package io.clusterdns.images;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.spi.ToolProvider;

/**
 * The base images the three images are built on, made from this machine's JDK and Debian files:
 * a {@code jlink}ed Java runtime at {@code /opt/java} with the shared libraries it loads, a
 * {@code nonroot} user (65532) and a sticky {@code /tmp}. Two variants add one small layer each:
 * {@code netbind} ({@code java} again, with {@code cap_net_bind_service=+ep}, for the dns-server's
 * :53 as a non-root user) and {@code nftables} ({@code nft} and {@code conntrack} with their
 * libraries, for the discovery-agent).
 */
final class RuntimeBase {
    static final String JAVA_HOME = "/opt/java";
    static final List<String> ENV = List.of(
            "PATH=/opt/java/bin:/usr/sbin:/usr/bin:/sbin:/bin", "JAVA_HOME=" + JAVA_HOME, "LANG=C.UTF-8");
    static final int NONROOT = 65532;

    // java.desktop is needed for java.beans (SnakeYAML, Jackson); its native libraries are not
    // (nothing draws, plays sound or reads fonts) and would pull X11, ALSA and FreeType in
    private static final Set<String> DESKTOP_LIBRARIES = Set.of("libawt.so", "libawt_headless.so", "libawt_xawt.so",
            "libfontmanager.so", "libjavajpeg.so", "libjawt.so", "libjsound.so", "liblcms.so", "libmlib_image.so",
            "libsplashscreen.so");

    private final Path work;

    RuntimeBase(Path work) {
        this.work = work;
    }

    Path rootfs() {
        return work.resolve("rootfs/base");
    }

    Path archive(String variant) {
        return work.resolve("base/runtime-" + variant + ".tar");
    }

    /** Builds the runtime, the root file systems, their layers and the three base archives. */
    void build(String modules) throws IOException {
        Path runtime = work.resolve("jlink");
        Images.deleteTree(work.resolve("rootfs"));
        Images.deleteTree(runtime);
        jlink(modules, runtime);

        Path base = rootfs();
        Path javaHome = base.resolve(JAVA_HOME.substring(1));
        Files.createDirectories(javaHome.getParent());
        Images.copyTree(runtime, javaHome);
        for (String lib : DESKTOP_LIBRARIES) {
            Files.deleteIfExists(javaHome.resolve("lib").resolve(lib));
        }
        List<Path> elf = HostFiles.elfFiles(javaHome);
        for (Path lib : HostFiles.librariesOf(elf, Set.of("libjvm.so"))) {
            HostFiles.copyInto(base, lib);
        }
        // java with a file capability runs in secure mode, where the loader ignores its
        // $ORIGIN/../lib run path: it finds libjli.so in a system folder instead
        Path multiarch = base.resolve("lib/x86_64-linux-gnu");
        Files.createDirectories(multiarch);
        Files.createSymbolicLink(multiarch.resolve("libjli.so"), Path.of(JAVA_HOME + "/lib/libjli.so"));
        write(base, "etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n");
        write(base, "etc/group", "root:x:0:\nnonroot:x:65532:\n");
        write(base, "etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n");
        Files.createDirectories(base.resolve("home/nonroot"));
        Files.createDirectories(base.resolve("root"));
        Path tmp = Files.createDirectories(base.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));

        Path netbind = work.resolve("rootfs/netbind");
        Files.createDirectories(netbind.resolve("opt/java/bin"));
        Files.copy(javaHome.resolve("bin/java"), netbind.resolve("opt/java/bin/java"));

        Path nftables = work.resolve("rootfs/nftables");
        List<Path> tools = List.of(HostFiles.tool("nft", "nftables"), HostFiles.tool("conntrack", "conntrack"));
        for (Path tool : tools) {
            HostFiles.copyInto(nftables, tool);
        }
        for (Path lib : HostFiles.librariesOf(tools, Set.of())) {
            if (!Files.exists(base.resolve(lib.toString().substring(1)))) {
                HostFiles.copyInto(nftables, lib);
            }
        }

        Path baseLayer = layer("base", base, Map.of("home/nonroot", NONROOT), Map.of());
        Path netbindLayer = layer("netbind", netbind, Map.of(), Map.of("opt/java/bin/java", FileCapability.NET_BIND_SERVICE));
        Path nftablesLayer = layer("nftables", nftables, Map.of(), Map.of());
        DockerArchive.write(archive("plain"), "clusterdns-runtime:plain", List.of(baseLayer), ENV);
        DockerArchive.write(archive("netbind"), "clusterdns-runtime:netbind", List.of(baseLayer, netbindLayer), ENV);
        DockerArchive.write(archive("nftables"), "clusterdns-runtime:nftables", List.of(baseLayer, nftablesLayer), ENV);
    }

    private static void jlink(String modules, Path output) throws IOException {
        ToolProvider jlink = ToolProvider.findFirst("jlink")
                .orElseThrow(() -> new IOException("no jlink in this JDK (" + System.getProperty("java.home") + ")"));
        StringWriter log = new StringWriter();
        List<String> args = new ArrayList<>(List.of("--add-modules", modules, "--strip-debug", "--no-header-files",
                "--no-man-pages", "--compress=2", "--generate-cds-archive", "--output", output.toString()));
        int exit = jlink.run(new PrintWriter(log, true), new PrintWriter(log, true), args.toArray(String[]::new));
        if (exit != 0) {
            // jlink links from the JDK's jmods folder (Debian 12: in openjdk-17-jdk-headless)
            throw new IOException("jlink " + String.join(" ", args) + ": exit " + exit + ": " + log.toString().strip());
        }
    }

    private Path layer(String name, Path root, Map<String, Integer> owners, Map<String, FileCapability> capabilities)
            throws IOException {
        Path layer = work.resolve("layers/" + name + ".tar");
        Files.createDirectories(layer.getParent());
        try (OutputStream out = Files.newOutputStream(layer)) {
            LayerTar.write(root, out, owners, capabilities);
        }
        return layer;
    }

    private static void write(Path root, String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
