package io.clusterdns.envinjector;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one admission skipped and what it tells the user. Mutable, confined to the thread handling
 * one request. Warnings go back in the AdmissionResponse (kubectl prints them); the API server
 * truncates long ones and drops them beyond a few KiB, so they are short and capped in number.
 */
public final class Findings {
    /** Warnings returned per admission; the rest are summarised in one last line. */
    public static final int MAX_WARNINGS = 8;
    static final String WARNING_PREFIX = "clusterdns envinjector: ";

    private final Map<SkipReason, Integer> skips = new EnumMap<>(SkipReason.class);
    private final List<String> warnings = new ArrayList<>();
    private int droppedWarnings;

    /** Counts {@code n} skips of {@code reason} without telling the user. */
    public void skip(SkipReason reason, int n) {
        if (n > 0) {
            skips.merge(reason, n, Integer::sum);
        }
    }

    /** Counts one skip and tells the user why. */
    public void warn(SkipReason reason, String message) {
        skip(reason, 1);
        warn(message);
    }

    /** Tells the user something that is not a skip. */
    public void warn(String message) {
        if (warnings.size() < MAX_WARNINGS) {
            warnings.add(WARNING_PREFIX + message);
        } else {
            droppedWarnings++;
        }
    }

    public Map<SkipReason, Integer> skips() {
        return Collections.unmodifiableMap(skips);
    }

    /** The warnings for the response, with a last line counting those left out. */
    public List<String> warnings() {
        if (droppedWarnings == 0) {
            return List.copyOf(warnings);
        }
        List<String> out = new ArrayList<>(warnings);
        out.add(WARNING_PREFIX + droppedWarnings + " more warning(s) left out");
        return List.copyOf(out);
    }
}
