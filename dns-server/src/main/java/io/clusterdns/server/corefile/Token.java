package io.clusterdns.server.corefile;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One word of a Corefile with where it was written, so that every error can name file and line.
 *
 * @param text   the word, quotes removed, environment variables substituted
 * @param file   the file it was read from (the Corefile, or an imported file)
 * @param line   1-based line of its first character
 * @param quoted true when it was written in quotes: {@code "{"} is a word, not a brace
 */
public record Token(String text, Path file, int line, boolean quoted) {
    public Token {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(file, "file");
    }

    /** {@code /etc/coredns/Corefile:12}: the place errors start with. */
    public String where() {
        return file + ":" + line;
    }

    boolean isOpenBrace() {
        return !quoted && text.equals("{");
    }

    boolean isCloseBrace() {
        return !quoted && text.equals("}");
    }

    @Override
    public String toString() {
        return text + " (" + where() + ")";
    }
}
