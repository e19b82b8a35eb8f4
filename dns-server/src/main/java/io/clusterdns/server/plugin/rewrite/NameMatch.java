package io.clusterdns.server.plugin.rewrite;

/**
 * Which question names a rule applies to, and for a name rule what the name becomes. Names are
 * matched in lower case with their final dot ({@code web.example.org.}), as CoreDNS does; the
 * strings of {@code exact}, {@code prefix}, {@code suffix} and {@code substring} are lower-cased
 * and end with a dot, as CoreDNS normalizes them (so {@code prefix api} matches {@code api.x.},
 * not {@code api-v2.x.}).
 *
 * @param kind  how {@code text} is compared
 * @param text  the normalized string, or the regular expression as written
 * @param regex the compiled expression for {@link Kind#REGEX}, else null
 */
record NameMatch(Kind kind, String text, Regex regex) {

    enum Kind { EXACT, PREFIX, SUFFIX, SUBSTRING, REGEX }

    boolean matches(String name) {
        return switch (kind) {
            case EXACT -> name.equals(text);
            case PREFIX -> name.startsWith(text);
            case SUFFIX -> name.endsWith(text);
            case SUBSTRING -> name.contains(text);
            case REGEX -> regex.pattern().matcher(name).find();
        };
    }

    /**
     * What {@code name} becomes: {@code to} for an exact match, the matched part replaced by
     * {@code to} for a prefix, suffix or (every occurrence of a) substring, {@code to} with its
     * {@code {N}} groups filled in for a regex; null when {@code name} does not match.
     */
    String rewrite(String name, String to) {
        return switch (kind) {
            case EXACT -> name.equals(text) ? to : null;
            case PREFIX -> name.startsWith(text) ? to + name.substring(text.length()) : null;
            case SUFFIX -> name.endsWith(text) ? name.substring(0, name.length() - text.length()) + to : null;
            case SUBSTRING -> name.contains(text) ? name.replace(text, to) : null;
            case REGEX -> regex.substitute(name, to);
        };
    }
}
