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

    /** The {@code endpoints.kubernetes.io/last-change-trigger-time} annotation, null when absent. */
    static Instant triggerTime(Map<String, String> annotations) {
        String key = "endpoints.kubernetes.io/last-change-trigger-time";
        String value = map(annotations).get(key);
        if (isBlank(value)) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new ConversionException(FieldPaths.child("metadata.annotations", key),
                    quote(value) + " is not an RFC 3339 time");
        }
    }

    static String apiName(IpFamily family) {
        return family == IpFamily.IPV4 ? "IPv4" : "IPv6";
    }

    static String quote(String s) {
        return "\"" + s + "\"";
    }
}
