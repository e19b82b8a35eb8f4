package io.clusterdns.k8s.convert;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import java.net.InetAddress;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Small field checks shared by the converters; each failure names the field path. */
final class Fields {
    private Fields() {
    }

    static boolean isBlank(String s) {
        return s == null || s.isEmpty();
    }

    static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }

    static Map<String, String> map(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    /** A required port number 1..65535. */
    static int port(String path, Integer value) {
        if (value == null) {
            throw new ConversionException(path, "required");
        }
        return portRange(path, value);
    }

    static int portRange(String path, int value) {
        if (value < 1 || value > 65535) {
            throw new ConversionException(path, "must be 1..65535, got " + value);
        }
        return value;
    }

    /** Runs one of the model's enum parsers, turning its IllegalArgumentException into a path error. */
    static <T> T parse(String path, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new ConversionException(path, e.getMessage());
        }
    }

    /** {@link #parse(String, String, Function)} of the field {@code field} (".protocol") of the object at {@code path}, whose path is made only for the error. */
    static <T> T parse(String path, String field, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new ConversionException(path + field, e.getMessage());
        }
    }

    /** An IP literal; DNS is never consulted. */
    static InetAddress ip(String path, String text) {
        InetAddress a = IpAddresses.tryParse(text);
        if (a == null) {
            throw new ConversionException(path, quote(text) + " is not an IP address");
        }
        return a;
    }

    /** An IP literal of one family (slice addresses must match the slice's addressType). */
    static InetAddress ip(String path, String text, IpFamily family) {
        InetAddress a = IpAddresses.tryParse(text);
        if (a == null || IpFamily.of(a) != family) {
            throw new ConversionException(path, quote(text) + " is not an " + apiName(family) + " address");
        }
        return a;
    }

    /** Validates an optional DNS-1123 label (pod hostname, subdomain, endpoint hostname). */
    static String optionalLabel(String path, String value) {
        if (isBlank(value)) {
            return null;
        }
        if (!DnsNames.isDns1123Label(value)) {
            throw new ConversionException(path, quote(value) + " " + DnsNames.DNS1123_LABEL_RULE);
        }
        return value;
    }

    /**
     * The {@code endpoints.kubernetes.io/last-change-trigger-time} annotation, null when absent.
     * The API server does not check annotation values, and kube-proxy ignores one it cannot
     * parse, so an unreadable time is ignored too.
     */
    static Instant triggerTime(Map<String, String> annotations) {
        String value = map(annotations).get("endpoints.kubernetes.io/last-change-trigger-time");
        if (isBlank(value)) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** An optional RFC 3339 time ({@code metadata.creationTimestamp}), null when absent. */
    static Instant time(String path, String text) {
        if (isBlank(text)) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new ConversionException(path, quote(text) + " is not an RFC 3339 time such as \"2025-01-15T10:00:00Z\"");
        }
    }

    /**
     * An endpoint address (Endpoints, EndpointSlices, externalIPs): an IP literal, of {@code family}
     * when not null, that is none of the addresses the API refuses there (apimachinery
     * {@code ValidateEndpointIP}): unspecified, loopback, link-local, link-local multicast.
     */
    static InetAddress endpointIp(String path, String text, IpFamily family) {
        InetAddress a = family == null ? ip(path, text) : ip(path, text, family);
        String special = special(a);
        if (special != null) {
            throw new ConversionException(path, quote(text) + " " + special);
        }
        return a;
    }

    /**
     * The address when {@link #endpointIp} accepts {@code text}, else null: the caller then makes
     * the field's path for the error, which for every valid address of a large cluster was garbage.
     */
    static InetAddress validEndpointIp(String text, IpFamily family) {
        InetAddress a = IpAddresses.tryParse(text);
        return a == null || (family != null && IpFamily.of(a) != family) || special(a) != null ? null : a;
    }

    /** Why an endpoint may not have address {@code a}; null when it may. */
    private static String special(InetAddress a) {
        return a.isAnyLocalAddress() ? "may not be unspecified"
                : a.isLoopbackAddress() ? "may not be in the loopback range (127.0.0.0/8, ::1/128)"
                : a.isLinkLocalAddress() ? "may not be in the link-local range (169.254.0.0/16, fe80::/10)"
                : a.isMCLinkLocal() ? "may not be in the link-local multicast range (224.0.0.0/24, ff02::/16)"
                : null;
    }

    /** Labels or a selector: keys are qualified names, values label values (apimachinery {@code ValidateLabels}). */
    static Map<String, String> labels(String path, Map<String, String> labels) {
        for (Map.Entry<String, String> e : map(labels).entrySet()) {
            String keyPath = FieldPaths.child(path, e.getKey());
            if (!DnsNames.isQualifiedName(e.getKey())) {
                throw new ConversionException(keyPath, "key " + quote(e.getKey()) + " " + DnsNames.QUALIFIED_NAME_RULE);
            }
            if (!DnsNames.isLabelValue(e.getValue())) {
                throw new ConversionException(keyPath, quote(e.getValue()) + " " + DnsNames.LABEL_VALUE_RULE);
            }
        }
        return map(labels);
    }

    /** An optional {@code appProtocol}: a qualified name ({@code http}, {@code kubernetes.io/h2c}); null when unset. */
    static String appProtocol(String path, String value) {
        if (value == null) {
            return null;
        }
        if (!DnsNames.isQualifiedName(value)) {
            throw new ConversionException(path, quote(value) + " " + DnsNames.QUALIFIED_NAME_RULE);
        }
        return value;
    }

    /** An optional node name (pods, endpoints): a DNS-1123 subdomain; null when unset. */
    static String nodeName(String path, String value) {
        if (isBlank(value)) {
            return null;
        }
        if (!DnsNames.isDns1123Subdomain(value)) {
            throw new ConversionException(path, quote(value) + " " + DnsNames.DNS1123_SUBDOMAIN_RULE);
        }
        return value;
    }

    static String apiName(IpFamily family) {
        return family == IpFamily.IPV4 ? "IPv4" : "IPv6";
    }

    static String quote(String s) {
        return "\"" + s + "\"";
    }
}
