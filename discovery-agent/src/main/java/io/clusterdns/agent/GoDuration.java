package io.clusterdns.agent;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written as kube-proxy's flags take them: {@code 30s}, {@code 1m30s}, {@code 500ms}, {@code 1h}. */
final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private GoDuration() {
    }

    static Duration parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = PART.matcher(t);
        int at = 0;
        double nanos = 0;
        while (at < t.length() && m.find(at) && m.start() == at) {
            double v = Double.parseDouble(m.group(1));
            nanos += v * switch (m.group(2)) {
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            at = m.end();
        }
        if (t.isEmpty() || at != t.length()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration (examples: 30s, 1m, 500ms)");
        }
        return Duration.ofNanos((long) nanos);
    }

    /** Go-style text of a duration, as a user writes it ({@code 30s}, {@code 1m}, {@code 1m30s}, {@code 500ms}). */
    static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long ms = d.toMillis();
        if (ms % 1000 != 0 && ms < 1000) {
            return ms + "ms";
        }
        long h = ms / 3_600_000;
        long m = ms / 60_000 % 60;
        double sec = (ms % 60_000) / 1000.0;
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (m > 0) {
            sb.append(m).append('m');
        }
        if (sec > 0) {
            sb.append(sec == Math.rint(sec) ? String.valueOf((long) sec) : String.valueOf(sec)).append('s');
        }
        return sb.toString();
    }
}
