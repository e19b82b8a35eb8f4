package io.clusterdns.server.plugin.rewrite;

import java.util.Locale;

/**
 * How an answer rule maps a name of the response (a record's owner or the name in its data) back
 * towards the name the client asked: the name itself when the mapping does not apply. Names are
 * presentation text with their final dot, compared in lower case.
 */
sealed interface NameMapping {

    String map(String name);

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    /**
     * CoreDNS's {@code answer auto} for exact, prefix, substring and regex rules: the name a rule
     * rewrote to, and names under it, back to the name before (the client's, case kept, for the
     * first rule).
     *
     * @param rewritten what the rule made, lower-case
     * @param original  what it was before
     */
    record Back(String rewritten, String original) implements NameMapping {
        @Override
        public String map(String name) {
            String lower = lower(name);
            if (lower.equals(rewritten)) {
                return original;
            }
            int cut = lower.length() - rewritten.length();
            if (cut > 0 && lower.charAt(cut - 1) == '.' && lower.endsWith(rewritten)) {
                return name.substring(0, cut) + original;
            }
            return name;
        }
    }

    /** A suffix rule's {@code answer auto}: its TO suffix back to its FROM, on any name ending so. */
    record Suffix(String from, String to) implements NameMapping {
        @Override
        public String map(String name) {
            return lower(name).endsWith(from) ? name.substring(0, name.length() - from.length()) + to : name;
        }
    }

    /** {@code answer name|value REGEX TEMPLATE}: a name the expression matches becomes the filled-in template. */
    record Template(Regex regex, String template) implements NameMapping {
        @Override
        public String map(String name) {
            String out = regex.substitute(lower(name), template);
            return out == null ? name : out;
        }
    }
}
