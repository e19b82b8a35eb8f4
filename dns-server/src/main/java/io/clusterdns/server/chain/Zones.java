package io.clusterdns.server.chain;

import java.util.List;
import org.xbill.DNS.Name;

/**
 * Which of a plugin's zones hold a name: the one test every plugin with {@code [ZONES...]} makes
 * on each query (a name is in a zone when it is the zone or below it). Absolute names, compared
 * without regard to case, as dnsjava compares them.
 */
public final class Zones {
    private Zones() {
    }

    /** True when one of {@code zones} holds {@code name}. */
    public static boolean holds(List<Name> zones, Name name) {
        for (int i = 0; i < zones.size(); i++) {
            if (name.subdomain(zones.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** True when one of {@code zones} holds {@code name}. */
    public static boolean holds(Name[] zones, Name name) {
        for (Name z : zones) {
            if (name.subdomain(z)) {
                return true;
            }
        }
        return false;
    }

    /** The longest of {@code zones} holding {@code name}; null when none does. */
    public static Name longest(Name[] zones, Name name) {
        return longest(java.util.Arrays.asList(zones), name);
    }

    /** The longest of {@code zones} holding {@code name}; null when none does. */
    public static Name longest(List<Name> zones, Name name) {
        Name best = null;
        for (int i = 0; i < zones.size(); i++) {
            Name z = zones.get(i);
            if ((best == null || z.labels() > best.labels()) && name.subdomain(z)) {
                best = z;
            }
        }
        return best;
    }
}
