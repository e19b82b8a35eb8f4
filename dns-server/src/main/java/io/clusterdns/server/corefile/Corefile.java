package io.clusterdns.server.corefile;

import java.nio.file.Path;
import java.util.List;

/**
 * A parsed Corefile: its server blocks with imports and snippets expanded and environment
 * variables substituted, plus what the {@code reload} plugin compares (a digest of every word
 * with its file and line, so comment edits that move no line do not count, as CoreDNS).
 *
 * @param file     the Corefile given with {@code -conf}
 * @param blocks   server blocks in the order written
 * @param digest   SHA-512 (hex) of the expanded words with their places
 * @param warnings things worth a log line that do not stop the start (an import glob matching
 *                 no file)
 */
public record Corefile(Path file, List<ServerBlock> blocks, String digest, List<String> warnings) {
    public Corefile {
        blocks = List.copyOf(blocks);
        warnings = List.copyOf(warnings);
    }
}
