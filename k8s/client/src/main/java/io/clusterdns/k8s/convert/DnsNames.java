package io.clusterdns.k8s.convert;

import java.util.regex.Pattern;

/**
 * The name rules of the Kubernetes API (apimachinery {@code validation.IsDNS1123Label} and
 * friends), so that a manifest is rejected exactly where {@code kubectl apply} would reject it.
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

    private static final Pattern LABEL_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern LABEL_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern SUBDOMAIN_1123 =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern NAME_PART = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern IANA_SVC_NAME = Pattern.compile("[-a-z0-9]+");
    private static final Pattern HAS_LETTER = Pattern.compile(".*[a-z].*");

    private DnsNames() {
    }

    /** Namespaces, pod hostnames and subdomains, port names. */
    public static boolean isDns1123Label(String s) {
        return s != null && s.length() <= 63 && LABEL_1123.matcher(s).matches();
    }

    /** Service names: they become DNS labels and must not start with a digit. */
    public static boolean isDns1035Label(String s) {
        return s != null && s.length() <= 63 && LABEL_1035.matcher(s).matches();
    }

    /** Object names of most kinds (pods, slices), and ExternalName targets. */
    public static boolean isDns1123Subdomain(String s) {
        return s != null && s.length() <= 253 && SUBDOMAIN_1123.matcher(s).matches();
    }

    /** Named container ports and named targetPorts (RFC 6335 service names). */
    public static boolean isIanaServiceName(String s) {
        return s != null && !s.isEmpty() && s.length() <= 15 && IANA_SVC_NAME.matcher(s).matches()
                && HAS_LETTER.matcher(s).matches() && !s.startsWith("-") && !s.endsWith("-") && !s.contains("--");
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
        return !name.isEmpty() && name.length() <= 63 && NAME_PART.matcher(name).matches();
    }

    /** Label values (apimachinery {@code IsValidLabelValue}); the empty value is valid. */
    public static boolean isLabelValue(String s) {
        return s != null && (s.isEmpty() || (s.length() <= 63 && NAME_PART.matcher(s).matches()));
    }

    /** Addresses of {@code FQDN} EndpointSlices: a DNS-1123 subdomain of two labels or more; a trailing dot is allowed. */
    public static boolean isFullyQualifiedDomainName(String s) {
        if (s == null) {
            return false;
        }
        String bare = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        return isDns1123Subdomain(bare) && bare.indexOf('.') > 0;
    }
}
