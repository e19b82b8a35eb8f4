package io.clusterdns.server.plugin.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A {@code match} regex: Go's RE2 syntax (what CoreDNS compiles) run by {@link java.util.regex}.
 * The few spellings that differ are rewritten: named groups {@code (?P<name>...)} (names kept here
 * by group number, so Go's names with underscores work), POSIX classes {@code [[:alpha:]]}, and a
 * {@code [} or {@code &&} inside a class, which RE2 takes literally. Go's ungreedy flag {@code U} has
 * no Java equivalent and is refused.
 *
 * <p>RE2 matches in linear time; a backtracking engine can take exponential time on a pattern such
 * as {@code (.*a){12}$}. Each match is therefore cut off after {@link #MAX_STEPS} character reads and
 * reported as a failure, so that a bad pattern costs one query, never the event loop.
 */
final class NameRegex {
    /** CoreDNS's limit on a pattern's length. */
    static final int MAX_LENGTH = 10000;
    /** Character reads per match: hundreds of times what a sane pattern needs on a 255-byte name, some 30 ms. */
    static final int MAX_STEPS = 1_000_000;

    private static final Map<String, String> POSIX = Map.ofEntries(Map.entry("alnum", "Alnum"), Map.entry("alpha", "Alpha"),
            Map.entry("ascii", "ASCII"), Map.entry("blank", "Blank"), Map.entry("cntrl", "Cntrl"), Map.entry("digit", "Digit"),
            Map.entry("graph", "Graph"), Map.entry("lower", "Lower"), Map.entry("print", "Print"), Map.entry("punct", "Punct"),
            Map.entry("space", "Space"), Map.entry("upper", "Upper"), Map.entry("xdigit", "XDigit"));

    private final String source;
    private final Pattern pattern;
    /** Group number to name, null for unnamed groups; index 0 is the whole match. */
    private final List<String> names;

    private NameRegex(String source, Pattern pattern, List<String> names) {
        this.source = source;
        this.pattern = pattern;
        this.names = names;
    }

    /** A match: {@code .Match} (every group, "" for one that took no part) and {@code .Group} (by number and by name). */
    record Found(List<String> match, Map<String, String> groups) {
    }

    /**
     * {@code source} compiled.
     *
     * @throws IllegalArgumentException with the reason it does not compile
     */
    static NameRegex compile(String source) {
        List<String> names = new ArrayList<>();
        names.add(null);
        String java = translate(source, names);
        try {
            return new NameRegex(source, Pattern.compile(java), Collections.unmodifiableList(names));
        } catch (PatternSyntaxException e) {
            // no index: it would count in the rewritten pattern
            throw new IllegalArgumentException(e.getDescription());
        }
    }

    /** The first match in {@code name} (Go's {@code FindStringSubmatch}); null when there is none. */
    Found find(String name) {
        Matcher m = pattern.matcher(new Budget(name));
        try {
            if (!m.find()) {
                return null;
            }
        } catch (Budget.Exhausted e) {
            throw new TemplateException("regex " + GoValues.quote(source) + " gave up on " + name + " after " + MAX_STEPS + " steps");
        }
        List<String> match = new ArrayList<>();
        Map<String, String> groups = new LinkedHashMap<>();
        for (int g = 0; g <= m.groupCount(); g++) {
            String text = m.group(g) == null ? "" : m.group(g);
            match.add(text);
            groups.put(Integer.toString(g), text);
        }
        for (int g = 1; g <= m.groupCount(); g++) {
            if (names.get(g) != null) {
                groups.put(names.get(g), match.get(g));
            }
        }
        return new Found(List.copyOf(match), Collections.unmodifiableMap(groups));
    }

    /** RE2 to java.util.regex; adds each capturing group's name (or null) to {@code names}. */
    private static String translate(String re, List<String> names) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < re.length()) {
            char c = re.charAt(i);
            if (c == '\\' && re.startsWith("\\Q", i)) {
                int end = re.indexOf("\\E", i + 2);
                int stop = end < 0 ? re.length() : end + 2;
                out.append(re, i, stop);
                i = stop;
            } else if (c == '\\') {
                out.append(re, i, Math.min(i + 2, re.length()));
                i += 2;
            } else if (c == '[') {
                i = charClass(re, i, out);
            } else if (c == '(' && re.startsWith("(?P<", i) || c == '(' && re.startsWith("(?<", i) && !re.startsWith("(?<=", i)
                    && !re.startsWith("(?<!", i)) {
                int open = re.indexOf('<', i);
                int close = re.indexOf('>', open);
                if (close < 0 || !re.substring(open + 1, close).matches("[A-Za-z0-9_]+")) {
                    throw new IllegalArgumentException("invalid named capture in " + re.substring(i, close < 0 ? re.length() : close + 1));
                }
                names.add(re.substring(open + 1, close));
                out.append('(');
                i = close + 1;
            } else if (c == '(' && re.startsWith("(?", i)) {
                int j = i + 2;
                while (j < re.length() && "imsU-".indexOf(re.charAt(j)) >= 0) {
                    j++;
                }
                if (re.substring(i + 2, j).contains("U")) {
                    throw new IllegalArgumentException("the ungreedy flag U is not supported by clusterdns");
                }
                out.append("(?");
                i += 2;
            } else {
                if (c == '(') {
                    names.add(null);
                }
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The class starting at {@code re[i]} ({@code [}) into {@code out}; returns the index after it. */
    private static int charClass(String re, int i, StringBuilder out) {
        out.append('[');
        i++;
        if (i < re.length() && re.charAt(i) == '^') {
            out.append('^');
            i++;
        }
        boolean first = true;
        while (i < re.length()) {
            char c = re.charAt(i);
            if (c == ']' && !first) {
                out.append(']');
                return i + 1;
            }
            first = false;
            if (c == '\\') {
                out.append(re, i, Math.min(i + 2, re.length()));
                i += 2;
            } else if (c == '[' && re.startsWith("[:", i) && re.indexOf(":]", i + 2) > 0) {
                int end = re.indexOf(":]", i + 2);
                String name = re.substring(i + 2, end);
                boolean negated = name.startsWith("^");
                String base = negated ? name.substring(1) : name;
                if (base.equals("word")) {
                    out.append(negated ? "\\W" : "\\w");
                } else if (POSIX.containsKey(base)) {
                    out.append(negated ? "\\P{" : "\\p{").append(POSIX.get(base)).append('}');
                } else {
                    throw new IllegalArgumentException("invalid character class range: [:" + name + ":]");
                }
                i = end + 2;
            } else if (c == '[' || (c == '&' && re.startsWith("&&", i))) {
                // literal in RE2; a nested class or an intersection in Java
                out.append('\\').append(c);
                i++;
            } else if (c == ']') {
                out.append("\\]");
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        throw new IllegalArgumentException("missing closing ]: " + re.substring(re.lastIndexOf('[')));
    }

    String source() {
        return source;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NameRegex r && r.source.equals(source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    @Override
    public String toString() {
        return source;
    }

    /** The name as the matcher reads it, counting each character read. */
    private static final class Budget implements CharSequence {
        /** Thrown when the reads are used up. */
        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super(null, null, false, false);
            }
        }

        private final String s;
        private int left = MAX_STEPS;

        Budget(String s) {
            this.s = s;
        }

        @Override
        public char charAt(int index) {
            if (--left < 0) {
                throw new Exhausted();
            }
            return s.charAt(index);
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return s.subSequence(start, end);
        }

        @Override
        public String toString() {
            return s;
        }
    }
}
