package io.clusterdns.server.plugin.local;

import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;

/** Reads {@code local [{ localhost_prefix on|off }]} (no arguments). */
public final class LocalSetup {
    private LocalSetup() {
    }

    public static LocalConfig parse(Directive d) {
        Setup s = new Setup(LocalConfig.NAME);
        s.args(d, 0, 0);
        boolean prefix = true;
        for (Directive o : d.children()) {
            String option = o.name().text();
            if (!option.equals("localhost_prefix")) {
                throw s.unknownOption(o);
            }
            s.args(o, 1, 1);
            prefix = switch (o.args().get(0).text()) {
                case "on" -> true;
                case "off" -> false;
                default -> throw s.error(o.args().get(0), option, "localhost_prefix expects 'on' or 'off', got \"" + o.args().get(0).text() + "\"");
            };
        }
        return new LocalConfig(prefix);
    }
}
