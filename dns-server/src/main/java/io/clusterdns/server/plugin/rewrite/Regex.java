package io.clusterdns.server.plugin.rewrite;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A regular expression of a rule and what it does with a name: CoreDNS's {@code {N}} templates.
 * Rules are written in Go's syntax (RE2); Java's reads it the same for everything RE2 has, except
 * Go's {@code (?P<name>...)} groups, translated. Two are equal when written the same (compiled
 * patterns are not comparable), so that configs compare.
 */
record Regex(Pattern pattern) {
    /** CoreDNS's limit on a pattern's length. */
    static final int MAX_LENGTH = 10_000;
    private static final Pattern GROUP = Pattern.compile("\\{([0-9]{1,3})}");

    /** Compiles Go-syntax {@code source} (at most {@link #MAX_LENGTH} characters, checked by the caller). */
    static Regex compile(String source) throws PatternSyntaxException {
        return new Regex(Pattern.compile(source.replace("(?P<", "(?<")));
    }

    /** The highest {@code {N}} that {@code template} names; -1 when it names none. */
    static int highestGroup(String template) {
        Matcher m = GROUP.matcher(template);
        int max = -1;
        while (m.find()) {
            max = Math.max(max, Integer.parseInt(m.group(1)));
        }
        return max;
    }

    /**
     * {@code template} with each {@code {N}} replaced by group N of the first match in
     * {@code input} (an unmatched group by nothing); null when nothing in {@code input} matches.
     */
    String substitute(String input, String template) {
        Matcher match = pattern.matcher(input);
        if (!match.find()) {
            return null;
        }
        Matcher groups = GROUP.matcher(template);
        StringBuilder out = new StringBuilder();
        while (groups.find()) {
            int g = Integer.parseInt(groups.group(1));
            String value = g <= match.groupCount() ? match.group(g) : groups.group();
            groups.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        groups.appendTail(out);
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Regex r && r.pattern.pattern().equals(pattern.pattern());
    }

    @Override
    public int hashCode() {
        return pattern.pattern().hashCode();
    }

    @Override
    public String toString() {
        return pattern.pattern();
    }
}
