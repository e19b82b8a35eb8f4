package io.clusterdns.server.plugin.autopath;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The search list of a resolv.conf file as glibc reads it: the last {@code search} or
 * {@code domain} line wins, {@code #} and {@code ;} lines are comments. Names come back absolute
 * and lower-case; the root ({@code search .}) is left out, the bare name being the last search
 * element anyway.
 */
final class SearchDomains {
    private SearchDomains() {
    }

    /**
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException {@code LINE: reason} for a search domain that is not a domain name
     */
    static List<Name> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<Name> search = List.of();
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f[0].equals("search") || f[0].equals("domain")) {
                List<Name> names = new ArrayList<>();
                for (int j = 1; j < f.length && (j == 1 || f[0].equals("search")); j++) {
                    Name n = name(f[j], i + 1);
                    if (!n.equals(Name.root)) {
                        names.add(n);
                    }
                }
                search = names;
            }
        }
        return List.copyOf(search);
    }

    private static Name name(String text, int line) {
        try {
            if (text.contains("..")) {
                throw new TextParseException("empty label");
            }
            return Name.fromString(text.toLowerCase(Locale.ROOT), Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(line + ": search domain \"" + text + "\" is not a valid domain name");
        }
    }
}
