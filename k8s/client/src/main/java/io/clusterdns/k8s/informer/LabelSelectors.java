package io.clusterdns.k8s.informer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks label selector strings ({@code app=web,tier in (a,b),!canary}) at configuration time,
 * so that a typo fails at startup with a clear message instead of as an HTTP 400 from every list
 * call. The selectors themselves are applied by the API server.
 */
final class LabelSelectors {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    private LabelSelectors() {
    }

    /**
     * The selector without surrounding blanks, null for null/blank (= everything).
     *
     * @throws IllegalArgumentException naming {@code option} and the bad requirement
     */
    static String check(String option, String selector) {
        if (selector == null || selector.isBlank()) {
            return null;
        }
        String s = selector.trim();
        for (String requirement : split(s)) {
            String problem = problem(requirement.trim());
            if (problem != null) {
                throw new IllegalArgumentException(option + " \"" + s + "\": \"" + requirement.trim() + "\" " + problem);
            }
        }
        return s;
    }

    /** Joins two selectors (both are ANDed by the API server). */
    static String and(String a, String b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : a + "," + b;
    }

    /** Splits on commas outside parentheses. */
    private static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    private static String problem(String r) {
        if (r.isEmpty()) {
            return "is empty (stray comma?)";
        }
        if (r.startsWith("!")) {
            return keyProblem(r.substring(1).trim());
        }
        String[] setOps = {" notin ", " in "};
        for (String op : setOps) {
            int at = r.indexOf(op);
            if (at > 0) {
                String key = keyProblem(r.substring(0, at).trim());
                return key != null ? key : setProblem(r.substring(at + op.length()).trim());
            }
        }
        for (String op : new String[] {"!=", "==", "="}) {
            int at = r.indexOf(op);
            if (at >= 0) {
                String key = keyProblem(r.substring(0, at).trim());
                return key != null ? key : valueProblem(r.substring(at + op.length()).trim());
            }
        }
        return keyProblem(r);
    }

    private static String setProblem(String set) {
        if (!set.startsWith("(") || !set.endsWith(")")) {
            return "needs a parenthesized value list, e.g. \"env in (prod,qa)\"";
        }
        for (String v : set.substring(1, set.length() - 1).split(",", -1)) {
            String p = valueProblem(v.trim());
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private static String keyProblem(String key) {
        if (key.isEmpty()) {
            return "has no label key";
        }
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty() || prefix.length() > 253 || !PREFIX.matcher(prefix).matches()) {
                return "has an invalid key prefix \"" + prefix + "\" (a DNS subdomain)";
            }
        }
        if (!NAME.matcher(name).matches()) {
            return "has an invalid label key \"" + key + "\" (at most 63 letters, digits, '-', '_', '.', starting and ending alphanumeric)";
        }
        return null;
    }

    private static String valueProblem(String value) {
        if (!VALUE.matcher(value).matches()) {
            return "has an invalid label value \"" + value + "\" (at most 63 letters, digits, '-', '_', '.', starting and ending alphanumeric)";
        }
        return null;
    }
}
