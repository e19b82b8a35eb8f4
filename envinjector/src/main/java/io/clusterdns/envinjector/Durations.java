package io.clusterdns.envinjector;

import java.time.Duration;
import java.util.Locale;

/** Durations as people write them on command lines: {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}. */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String option, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0 || i > 9) {
            throw invalid(option, text);
        }
        long n = Long.parseLong(t.substring(0, i));
        return switch (t.substring(i)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw invalid(option, text);
        };
    }

    /** The shortest of the forms {@link #parse} reads. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static ConfigException invalid(String option, String text) {
        return new ConfigException(option, "expected a duration like 10s, 500ms, 2m or 1h, got \"" + text + "\"");
    }
}
