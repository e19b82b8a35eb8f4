package io.clusterdns.k8s.config;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The one duration syntax of every flag and Corefile option: Go's ({@code time.ParseDuration},
 * which CoreDNS and kube-proxy use), such as {@code 500ms}, {@code 30s}, {@code 1m30s},
 * {@code 1.5h}, {@code 0}; and, where CoreDNS accepts them, bare whole seconds ({@code 30}).
 * Errors name the option and echo the text as typed, never a {@code PT20M}.
 */
public final class Durations {
    private static final String EXAMPLES = "like 500ms, 30s, 1m30s or 2h";

    private Durations() {
    }

    /** A Go duration: one or more {@code NUMBER UNIT} parts (ns, us, µs, ms, s, m, h), or {@code 0}. */
    public static Duration parse(String option, String text) {
        Duration d = parseGo(text);
        if (d == null) {
            throw new ConfigException(option, "expected a duration " + EXAMPLES + ", got \"" + text + "\"");
        }
        return d;
    }

    /** {@link #parse}, or bare whole seconds ({@code 5} is {@code 5s}). */
    public static Duration parseOrSeconds(String option, String text) {
        String t = text == null ? "" : text.trim();
        if (!t.isEmpty() && t.length() <= 12 && t.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        Duration d = parseGo(text);
        if (d == null) {
            throw new ConfigException(option, "expected a duration " + EXAMPLES + " (or whole seconds), got \"" + text + "\"");
        }
        return d;
    }

    /**
     * {@link #parse} within {@code min..max} (both inclusive); the error says the range in this
     * syntax and echoes the text.
     */
    public static Duration parse(String option, String text, Duration min, Duration max) {
        return inRange(option, text, parse(option, text), min, max);
    }

    /** {@link #parseOrSeconds} within {@code min..max}. */
    public static Duration parseOrSeconds(String option, String text, Duration min, Duration max) {
        return inRange(option, text, parseOrSeconds(option, text), min, max);
    }

    /** Checks a parsed value against a range, the message echoing {@code text}. */
    public static Duration inRange(String option, String text, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ConfigException(option, "must be " + format(min) + ".." + format(max) + ", got \"" + text + "\"");
        }
        return value;
    }

    /**
     * The shortest text {@link #parse} reads back to the same value: {@code 0s}, {@code 500ms},
     * {@code 30s}, {@code 1m30s}, {@code 2h}, {@code 1.5s}.
     */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (d.isNegative()) {
            sb.append('-');
            d = d.negated();
        }
        long nanos = d.toNanos();
        if (nanos < 1_000_000_000L) {
            return sb.append(small(nanos)).toString();
        }
        long h = nanos / 3_600_000_000_000L;
        long m = nanos / 60_000_000_000L % 60;
        long restNanos = nanos % 60_000_000_000L;
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (m > 0) {
            sb.append(m).append('m');
        }
        if (restNanos > 0) {
            sb.append(BigDecimal.valueOf(restNanos, 9).stripTrailingZeros().toPlainString()).append('s');
        }
        return sb.toString();
    }

    private static String small(long nanos) {
        if (nanos % 1_000_000 == 0) {
            return nanos / 1_000_000 + "ms";
        }
        if (nanos >= 1_000_000) {
            return BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString() + "ms";
        }
        return nanos % 1000 == 0 ? nanos / 1000 + "us" : nanos + "ns";
    }

    /** Go's grammar without the sign (durations here are never negative); null when it does not parse. */
    private static Duration parseGo(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        if (t.isEmpty()) {
            return null;
        }
        BigDecimal nanos = BigDecimal.ZERO;
        int i = 0;
        while (i < t.length()) {
            int start = i;
            while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
                i++;
            }
            String number = t.substring(start, i);
            int unitStart = i;
            while (i < t.length() && !Character.isDigit(t.charAt(i)) && t.charAt(i) != '.') {
                i++;
            }
            String unit = t.substring(unitStart, i);
            long scale = switch (unit) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> -1L;
            };
            if (scale < 0 || number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')
                    || number.length() > 18) {
                return null;
            }
            nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(scale)));
        }
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            return null;
        }
        return Duration.ofNanos(nanos.longValue());
    }
}
