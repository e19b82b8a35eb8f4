package io.clusterdns.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerTarTest {
    @TempDir
    Path root;

    @Test
    void theCapabilityIsTheBytesSetcapWrites() {
        // python3 -c "import os; print(os.getxattr(F, 'security.capability').hex())" after
        // `setcap cap_net_bind_service=+ep F` on Debian 12 (libcap2-bin 2.66)
        assertThat(HexFormat.of().formatHex(FileCapability.NET_BIND_SERVICE.xattrValue().getBytes(StandardCharsets.ISO_8859_1)))
                .isEqualTo("0100000200040000000000000000000000000000");
    }

    @Test
    void writesSortedEntriesOwnedByRootWithModesLinksOwnersAndCapabilities() throws Exception {
        Files.createDirectories(root.resolve("opt/java/bin"));
        Files.writeString(root.resolve("opt/java/bin/java"), "elf");
        Files.setPosixFilePermissions(root.resolve("opt/java/bin/java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(root.resolve("home/nonroot"));
        Files.createDirectories(root.resolve("tmp"));
        Files.setPosixFilePermissions(root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.createDirectories(root.resolve("lib"));
        Files.createSymbolicLink(root.resolve("lib/libjli.so"), Path.of("/opt/java/lib/libjli.so"));
        String longName = "a".repeat(120);
        Files.writeString(root.resolve(longName), "x");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LayerTar.write(root, out, Map.of("home/nonroot", 65532), Map.of("opt/java/bin/java", FileCapability.NET_BIND_SERVICE));

        List<TarArchiveEntry> entries = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                entries.add(e);
            }
        }
        assertThat(entries).extracting(TarArchiveEntry::getName).containsExactly(longName, "home/", "home/nonroot/",
                "lib/", "lib/libjli.so", "opt/", "opt/java/", "opt/java/bin/", "opt/java/bin/java", "tmp/");
        assertThat(entries).allSatisfy(e -> assertThat(e.getModTime().getTime()).isEqualTo(LayerTar.MTIME_MILLIS));
        TarArchiveEntry java = entry(entries, "opt/java/bin/java");
        assertThat(java.getMode() & 07777).isEqualTo(0755);
        assertThat(java.getLongUserId()).isZero();
        assertThat(java.getExtraPaxHeader("SCHILY.xattr.security.capability"))
                .isEqualTo(FileCapability.NET_BIND_SERVICE.xattrValue());
        assertThat(entry(entries, "home/nonroot/").getLongUserId()).isEqualTo(65532);
        assertThat(entry(entries, "tmp/").getMode() & 07777).isEqualTo(01777);
        assertThat(entry(entries, "lib/libjli.so").isSymbolicLink()).isTrue();
        assertThat(entry(entries, "lib/libjli.so").getLinkName()).isEqualTo("/opt/java/lib/libjli.so");
    }

    private static TarArchiveEntry entry(List<TarArchiveEntry> entries, String name) {
        return entries.stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow();
    }
}
