package io.clusterdns.server.corefile;

import java.nio.file.Path;
import java.util.Map;

/** Plugin lines for setup tables: {@code line} (and its block) as the only line of a {@code .:53} block, at line 2. */
public final class PluginLines {
    /** Where every line of these tables is written: errors start with {@code /etc/coredns/Corefile:2: }. */
    public static final Path FILE = Path.of("/etc/coredns/Corefile");

    private PluginLines() {
    }

    public static Directive of(String line) {
        return CorefileParser.parse(".:53 {\n" + line + "\n}\n", FILE, Map.of()).blocks().get(0).directives().get(0);
    }
}
