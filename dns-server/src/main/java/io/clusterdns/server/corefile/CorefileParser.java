package io.clusterdns.server.corefile;

import io.clusterdns.k8s.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Corefile the way CoreDNS does (its Caddyfile parser), into {@link ServerBlock}s of
 * {@link Directive}s:
 *
 * <ul>
 *   <li>a server block is its keys ({@code .:53}, {@code cluster.local in-addr.arpa}; a key ending
 *       in a comma continues on the next line) and a {@code { ... }} body; a file holding a single
 *       block may leave the braces out;</li>
 *   <li>a directive is a line: its first word is the name, the others its arguments, and a
 *       <code>{</code> ending the line opens its own block of option lines (nested to any depth);</li>
 *   <li>{@code {$VAR}} and {@code {%VAR%}} are replaced by the environment variable, empty when it
 *       is unset (as CoreDNS; no error);</li>
 *   <li>{@code (name) { ... }} at the top defines a snippet; {@code import name} splices it in;</li>
 *   <li>{@code import PATH} (the first word of a line) splices in a file, or every file matching
 *       a glob (at most one {@code *} and one {@code ?}, in the file name), sorted, relative to
 *       the directory of the file holding the import; a glob matching nothing is a warning, a
 *       missing plain path an error.</li>
 * </ul>
 *
 * Every error is a {@link ConfigException} starting with {@code FILE:LINE}.
 */
public final class CorefileParser {
    private static final Pattern ENV = Pattern.compile("\\{\\$([^}]*)}|\\{%([^}]*)%}");
    /** Deeper than any real use; stops files that import each other. */
    private static final int MAX_IMPORT_DEPTH = 32;

    private final Map<String, String> env;
    private final Map<String, List<Token>> snippets = new HashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private List<Token> tokens;

    private CorefileParser(Map<String, String> env) {
        this.env = env;
    }

    /** Reads and parses {@code file}; {@code env} is what {@code {$VAR}} sees. */
    public static Corefile read(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read the Corefile: " + reason(e));
        }
        return parse(text, file, env);
    }

    /** Parses {@code text} as if read from {@code file} (imports resolve next to it). */
    public static Corefile parse(String text, Path file, Map<String, String> env) {
        CorefileParser p = new CorefileParser(env);
        List<Token> words = p.lex(text, file);
        p.tokens = p.expand(p.withoutSnippets(words), 0);
        return new Corefile(file, p.blocks(), digest(p.tokens), p.warnings);
    }

    private List<Token> lex(String text, Path file) {
        List<Token> out = new ArrayList<>();
        for (Token t : CorefileLexer.tokens(text, file)) {
            out.add(t.text().indexOf('{') >= 0 && t.text().length() > 2 ? substituted(t) : t);
        }
        return out;
    }

    private Token substituted(Token t) {
        Matcher m = ENV.matcher(t.text());
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            m.appendReplacement(sb, Matcher.quoteReplacement(env.getOrDefault(name, "")));
        }
        m.appendTail(sb);
        return new Token(sb.toString(), t.file(), t.line(), t.quoted());
    }

    /** Takes the top-level {@code (name) { ... }} definitions out of the stream into {@link #snippets}. */
    private List<Token> withoutSnippets(List<Token> in) {
        List<Token> out = new ArrayList<>(in.size());
        int depth = 0;
        for (int i = 0; i < in.size(); i++) {
            Token t = in.get(i);
            if (depth == 0 && !t.quoted() && t.text().length() > 2 && t.text().startsWith("(") && t.text().endsWith(")")) {
                String name = t.text().substring(1, t.text().length() - 1);
                if (i + 1 >= in.size() || !in.get(i + 1).isOpenBrace()) {
                    throw CorefileErrors.at(t, "snippet (" + name + ") needs a { ... } body");
                }
                int close = matchingBrace(in, i + 1);
                if (snippets.putIfAbsent(name, List.copyOf(in.subList(i + 2, close))) != null) {
                    throw CorefileErrors.at(t, "redeclaration of previously declared snippet " + name);
                }
                i = close;
                continue;
            }
            if (t.isOpenBrace()) {
                depth++;
            } else if (t.isCloseBrace()) {
                depth--;
            }
            out.add(t);
        }
        return out;
    }

    /** Replaces every {@code import ARG} line by the snippet's or the files' words, recursively. */
    private List<Token> expand(List<Token> in, int depth) {
        List<Token> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            Token t = in.get(i);
            boolean lineStart = i == 0 || !sameLine(in.get(i - 1), t);
            if (t.quoted() || !lineStart || !t.text().equals("import")) {
                out.add(t);
                continue;
            }
            if (i + 1 >= in.size() || !sameLine(t, in.get(i + 1))) {
                throw CorefileErrors.at(t, "import requires a snippet name or a file path");
            }
            Token arg = in.get(i + 1);
            if (i + 2 < in.size() && sameLine(t, in.get(i + 2)) && !in.get(i + 2).isCloseBrace()) {
                throw CorefileErrors.at(in.get(i + 2), "import takes only one argument (a snippet name, a file or a glob pattern)");
            }
            if (depth >= MAX_IMPORT_DEPTH) {
                throw CorefileErrors.at(arg, "imports nested more than " + MAX_IMPORT_DEPTH + " deep (do files import each other?)");
            }
            out.addAll(expand(imported(arg), depth + 1));
            i++;
        }
        return out;
    }

    private List<Token> imported(Token arg) {
        if (arg.text().isEmpty()) {
            throw CorefileErrors.at(arg, "import requires a non-empty file path");
        }
        List<Token> snippet = snippets.get(arg.text());
        if (snippet != null) {
            return snippet;
        }
        List<Token> out = new ArrayList<>();
        for (Path file : importedFiles(arg)) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw CorefileErrors.at(arg, "cannot import " + file + ": " + reason(e));
            }
            out.addAll(withoutSnippets(lex(text, file)));
        }
        return out;
    }

    private List<Path> importedFiles(Token arg) {
        // relative to the importing file's folder (not the working directory), as CoreDNS
        Path base = arg.file().toAbsolutePath().getParent();
        Path pattern = (base == null ? Path.of(arg.text()) : base.resolve(arg.text())).normalize();
        String name = pattern.getFileName() == null ? "" : pattern.getFileName().toString();
        Path dir = pattern.getParent();
        if (dir != null && (dir.toString().contains("*") || dir.toString().contains("?"))) {
            throw CorefileErrors.at(arg, "glob wildcards are only allowed in the file name: " + arg.text());
        }
        if (name.contains("[") || count(name, '*') > 1 || count(name, '?') > 1) {
            throw CorefileErrors.at(arg, "glob pattern may only contain one wildcard (*), but has others: " + arg.text());
        }
        if (!name.contains("*") && !name.contains("?")) {
            if (!Files.exists(pattern)) {
                throw CorefileErrors.at(arg, "file to import not found: " + arg.text());
            }
            if (Files.isDirectory(pattern)) {
                throw CorefileErrors.at(arg, "could not import " + pattern + ": is a directory");
            }
            return List.of(pattern);
        }
        List<Path> matches = new ArrayList<>();
        if (dir != null && Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, name)) {
                ds.forEach(matches::add);
            } catch (IOException e) {
                throw CorefileErrors.at(arg, "cannot list " + dir + ": " + reason(e));
            }
        }
        matches.sort(null);
        for (Path p : matches) {
            if (Files.isDirectory(p)) {
                throw CorefileErrors.at(arg, "could not import " + p + ": is a directory");
            }
        }
        if (matches.isEmpty()) {
            warnings.add(arg.where() + ": no files matching import glob pattern: " + arg.text());
        }
        return matches;
    }

    private List<ServerBlock> blocks() {
        List<ServerBlock> blocks = new ArrayList<>();
        int i = 0;
        while (i < tokens.size()) {
            List<Token> keys = new ArrayList<>();
            while (i < tokens.size() && !tokens.get(i).isOpenBrace()) {
                Token t = tokens.get(i);
                if (t.isCloseBrace()) {
                    throw CorefileErrors.at(t, "unexpected '}' because no matching opening brace");
                }
                Token last = keys.isEmpty() ? null : keys.get(keys.size() - 1);
                if (last != null && !sameLine(last, t) && !last.text().endsWith(",")) {
                    if (!blocks.isEmpty()) {
                        throw CorefileErrors.at(t, "expected '{' after the server block keys on line " + last.line());
                    }
                    // a file holding a single block may leave out the braces: the rest is its body
                    blocks.add(new ServerBlock(splitCommas(keys), directives(i, tokens.size())));
                    return blocks;
                }
                keys.add(t);
                i++;
            }
            if (keys.isEmpty()) {
                throw CorefileErrors.at(tokens.get(i), "expected server block keys such as .:53 before '{'");
            }
            if (keys.get(keys.size() - 1).text().endsWith(",")) {
                throw CorefileErrors.at(keys.get(keys.size() - 1), "expected another address but had '{' - check for extra comma");
            }
            if (i >= tokens.size()) {
                blocks.add(new ServerBlock(splitCommas(keys), List.of()));
                break;
            }
            int close = matchingBrace(tokens, i);
            blocks.add(new ServerBlock(splitCommas(keys), directives(i + 1, close)));
            i = close + 1;
        }
        return blocks;
    }

    /** The lines between {@code from} and {@code to} (exclusive), each with its nested block. */
    private List<Directive> directives(int from, int to) {
        List<Directive> out = new ArrayList<>();
        int i = from;
        while (i < to) {
            Token name = tokens.get(i);
            if (name.isOpenBrace()) {
                throw CorefileErrors.at(name, "unexpected '{': a block must open on the line of its directive");
            }
            if (name.isCloseBrace()) {
                throw CorefileErrors.at(name, "unexpected '}' because no matching opening brace");
            }
            List<Token> args = new ArrayList<>();
            int j = i + 1;
            while (j < to && sameLine(name, tokens.get(j)) && !tokens.get(j).isOpenBrace()) {
                if (tokens.get(j).isCloseBrace()) {
                    throw CorefileErrors.at(tokens.get(j), "unexpected '}': put a closing brace on a line of its own");
                }
                args.add(tokens.get(j));
                j++;
            }
            List<Directive> children = List.of();
            boolean hasBlock = false;
            if (j < to && tokens.get(j).isOpenBrace()) {
                if (!sameLine(name, tokens.get(j))) {
                    throw CorefileErrors.at(tokens.get(j), "unexpected '{': a block must open on the line of its directive");
                }
                int close = matchingBrace(tokens, j);
                children = directives(j + 1, close);
                hasBlock = true;
                j = close + 1;
            }
            out.add(new Directive(name, args, children, hasBlock));
            i = j;
        }
        return out;
    }

    private static List<Token> splitCommas(List<Token> keys) {
        List<Token> out = new ArrayList<>();
        for (Token k : keys) {
            for (String part : k.text().split(",")) {
                if (!part.isEmpty()) {
                    out.add(new Token(part, k.file(), k.line(), k.quoted()));
                }
            }
        }
        return out;
    }

    /** The index of the brace closing the one at {@code open}. */
    private static int matchingBrace(List<Token> in, int open) {
        int depth = 0;
        for (int i = open; i < in.size(); i++) {
            Token t = in.get(i);
            if (t.isOpenBrace()) {
                depth++;
            } else if (t.isCloseBrace() && --depth == 0) {
                return i;
            }
        }
        // the '}' meant for this block may have closed one opened inside it: name the last such '{' too
        int inner = -1;
        for (int i = open + 1; i < in.size(); i++) {
            if (in.get(i).isOpenBrace()) {
                inner = i;
            }
        }
        throw CorefileErrors.at(in.get(open), "unexpected end of file: this '{' is never closed"
                + (inner < 0 ? "" : " (or the last '{' inside it, at line " + in.get(inner).line() + ", is missing its '}')"));
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(x -> x == c).count();
    }

    private static boolean sameLine(Token a, Token b) {
        return a.line() == b.line() && a.file().equals(b.file());
    }

    private static String digest(List<Token> tokens) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-512");
            for (Token t : tokens) {
                sha.update((t.file() + "\0" + t.line() + "\0" + t.text() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String reason(IOException e) {
        return e instanceof NoSuchFileException ? "no such file" : e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
