package io.clusterdns.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an image takes from the build machine: the shared libraries its ELF files load (glibc,
 * zlib, libstdc++, ... as {@code ldd} resolves them) and tools such as {@code nft}. So the image
 * holds the build machine's Debian files at the same paths, and nothing is pulled from a registry.
 */
final class HostFiles {
    // "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
    private static final Pattern RESOLVED = Pattern.compile("^\\s*(?:\\S+ => )?(/\\S+) \\(0x[0-9a-f]+\\)$");
    private static final Pattern NOT_FOUND = Pattern.compile("^\\s*(\\S+) => not found$");

    private HostFiles() {
    }

    /**
     * The host paths of the libraries {@code elfFiles} need; a library that is neither found
     * nor in {@code provided} (sonames the files bring themselves, such as libjvm.so) is an error.
     */
    static Set<Path> librariesOf(Collection<Path> elfFiles, Set<String> provided) throws IOException {
        Set<Path> libraries = new TreeSet<>();
        for (Path file : elfFiles) {
            for (String line : run(List.of("ldd", file.toString())).split("\n")) {
                Matcher resolved = RESOLVED.matcher(line);
                Matcher missing = NOT_FOUND.matcher(line);
                if (resolved.matches()) {
                    Path lib = Path.of(resolved.group(1));
                    if (!lib.startsWith(file.getParent().getParent())) { // the runtime's own libraries stay where they are
                        libraries.add(lib);
                    }
                } else if (missing.matches() && !provided.contains(missing.group(1))) {
                    throw new IOException(file + " needs " + missing.group(1) + ", which ldd does not find on this machine");
                }
            }
        }
        return libraries;
    }

    /** Copies the host file (its content, where it is a link) to the same absolute path under {@code root}. */
    static void copyInto(Path root, Path hostFile) throws IOException {
        Path target = root.resolve(hostFile.toString().substring(1));
        Files.createDirectories(target.getParent());
        Files.copy(hostFile, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }

    /** The ELF files (executables and shared libraries) under {@code dir}. */
    static List<Path> elfFiles(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).filter(HostFiles::isElf).sorted().toList();
        }
    }

    private static boolean isElf(Path file) {
        try (var in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
        } catch (IOException e) {
            return false;
        }
    }

    /** The host tool's path in the system folders; an error naming the Debian package when it is missing. */
    static Path tool(String name, String debianPackage) throws IOException {
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IOException(name + " is not installed on the build machine; the image copies it from there"
                + " (Debian: apt-get install " + debianPackage + ")");
    }

    /** Runs {@code command}, returning its standard output; a non-zero exit is an error with its output. */
    static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + ": interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }
}
