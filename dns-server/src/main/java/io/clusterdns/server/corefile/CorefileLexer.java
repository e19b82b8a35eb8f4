package io.clusterdns.server.corefile;

import io.clusterdns.k8s.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits Corefile text into words, with the rules of CoreDNS's Caddyfile lexer: words are
 * separated by white space; an unquoted {@code #} starts a comment to the end of the line (even
 * inside a word); a {@code "} opens a quoted word only as a word's first character, and inside it
 * {@code \"} is a quote, any other backslash stays, and white space and newlines are kept; a
 * leading byte order mark is dropped. Braces are ordinary words here; the parser decides.
 */
final class CorefileLexer {
    private CorefileLexer() {
    }

    static List<Token> tokens(String text, Path file) {
        List<Token> out = new ArrayList<>();
        String s = text.startsWith("\uFEFF") ? text.substring(1) : text;
        int line = 1;
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '#') {
                while (i < n && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '"') {
                int start = line;
                StringBuilder word = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char q = s.charAt(i);
                    if (q == '\\' && i + 1 < n && s.charAt(i + 1) == '"') {
                        word.append('"');
                        i += 2;
                    } else if (q == '"') {
                        i++;
                        closed = true;
                        break;
                    } else {
                        if (q == '\n') {
                            line++;
                        }
                        word.append(q);
                        i++;
                    }
                }
                if (!closed) {
                    throw new ConfigException(file + ":" + start, "unterminated quoted string");
                }
                out.add(new Token(word.toString(), file, start, true));
            } else {
                int start = i;
                while (i < n && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != '#') {
                    i++;
                }
                out.add(new Token(s.substring(start, i), file, line, false));
            }
        }
        return out;
    }
}
