package io.clusterdns.k8s.convert;

/**
 * The name rules of the Kubernetes API (apimachinery {@code validation.IsDNS1123Label} and
 * friends), so that a manifest is rejected exactly where {@code kubectl apply} would reject it.
 * Written as character loops rather than apimachinery's regular expressions: every object name,
 * label and port of a manifest folder passes through here, and a regex match (with its
 * {@code Matcher}) cost several per cent of loading 50k services; {@code NamesAndPathsTest} checks
 * the loops against the regular expressions.
 */
public final class DnsNames {
    public static final String DNS1123_LABEL_RULE =
            "must be a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)";
    public static final String DNS1035_LABEL_RULE =
            "must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters)";
    public static final String DNS1123_SUBDOMAIN_RULE =
            "must be a DNS-1123 subdomain (dot-separated lower-case labels of letters, digits and '-', at most 253 characters)";
    public static final String IANA_SERVICE_NAME_RULE =
            "must be a port number or an IANA service name (at most 15 lower-case letters, digits and '-', with at least one letter)";
    public static final String QUALIFIED_NAME_RULE =
            "must be a qualified name (an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)";
    public static final String LABEL_VALUE_RULE =
            "must be a label value (empty, or at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)";
    public static final String FQDN_RULE =
            "must be a fully qualified domain name (at least two dot-separated DNS-1123 labels, at most 253 characters)";

    private DnsNames() {
    }

    /** Namespaces, pod hostnames and subdomains, port names. */
    public static boolean isDns1123Label(String s) {
        return s != null && s.length() <= 63 && isLabel(s, 0, s.length());
    }

    /** Service names: they become DNS labels and must not start with a digit. */
    public static boolean isDns1035Label(String s) {
        return s != null && s.length() <= 63 && isLabel(s, 0, s.length()) && isLower(s.charAt(0));
    }

    /** Object names of most kinds (pods, slices), and ExternalName targets. */
    public static boolean isDns1123Subdomain(String s) {
        return s != null && s.length() <= 253 && isSubdomain(s);
    }

    /** Named container ports and named targetPorts (RFC 6335 service names). */
    public static boolean isIanaServiceName(String s) {
        return s != null && !s.isEmpty() && s.length() <= 15 && isIanaChars(s) && !s.startsWith("-") && !s.endsWith("-") && !s.contains("--");
    }

    /**
     * Label keys, annotation keys, {@code appProtocol} (apimachinery {@code IsQualifiedName}):
     * {@code name} or {@code prefix/name}, the prefix a DNS-1123 subdomain.
     */
    public static boolean isQualifiedName(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        String name = s;
        int slash = s.indexOf('/');
        if (slash >= 0) {
            String prefix = s.substring(0, slash);
            name = s.substring(slash + 1);
            if (!isDns1123Subdomain(prefix) || name.indexOf('/') >= 0) {
                return false;
            }
        }
        return !name.isEmpty() && name.length() <= 63 && isNamePart(name);
    }

    /** Label values (apimachinery {@code IsValidLabelValue}); the empty value is valid. */
    public static boolean isLabelValue(String s) {
        return s != null && (s.isEmpty() || (s.length() <= 63 && isNamePart(s)));
    }

    /** Addresses of {@code FQDN} EndpointSlices: a DNS-1123 subdomain of two labels or more; a trailing dot is allowed. */
    public static boolean isFullyQualifiedDomainName(String s) {
        if (s == null) {
            return false;
        }
        String bare = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        return isDns1123Subdomain(bare) && bare.indexOf('.') > 0;
    }

    /** {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?} over {@code s[from, to)}. */
    private static boolean isLabel(String s, int from, int to) {
        if (from >= to || s.charAt(from) == '-' || s.charAt(to - 1) == '-') {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!isLower(c) && !isDigit(c) && c != '-') {
                return false;
            }
        }
        return true;
    }

    /** Labels joined by single dots. */
    private static boolean isSubdomain(String s) {
        int from = 0;
        for (int dot = s.indexOf('.'); dot >= 0; dot = s.indexOf('.', from)) {
            if (!isLabel(s, from, dot)) {
                return false;
            }
            from = dot + 1;
        }
        return isLabel(s, from, s.length());
    }

    /** {@code ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]}. */
    private static boolean isNamePart(String s) {
        if (s.isEmpty() || !isAlnum(s.charAt(0)) || !isAlnum(s.charAt(s.length() - 1))) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAlnum(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** {@code [-a-z0-9]+} with at least one letter. */
    private static boolean isIanaChars(String s) {
        boolean letter = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isLower(c)) {
                letter = true;
            } else if (!isDigit(c) && c != '-') {
                return false;
            }
        }
        return letter;
    }

    private static boolean isLower(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlnum(char c) {
        return isLower(c) || isDigit(c) || (c >= 'A' && c <= 'Z');
    }
}
