package io.clusterdns.envinjector;

import java.util.Locale;

/** Environment variable names: kubelet's spelling of service names, and the check on what we emit. */
public final class EnvNames {
    private EnvNames() {
    }

    /**
     * Kubelet's {@code makeEnvVariableName}: upper case with {@code -} turned into {@code _}, and
     * nothing else. Service names (RFC 1035 labels) always give a valid name; a namespace starting
     * with a digit does not ({@code 1team/api} → {@code 1TEAM_API_...}), and {@link #isValid}
     * catches that.
     */
    public static String of(String text) {
        return text.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * True for names every shell and runtime accepts: {@code [A-Za-z_][A-Za-z0-9_]*}. The API
     * server is more lenient (recent versions take any printable ASCII but {@code =}), but a name a
     * shell cannot expand is of no use to the images we inject into, so anything else is skipped.
     */
    public static boolean isValid(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
