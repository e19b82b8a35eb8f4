package io.clusterdns.server.plugin.minimal;

import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;

/** Reads {@code minimal} (no arguments, no options). */
public final class MinimalSetup {
    private MinimalSetup() {
    }

    public static MinimalConfig parse(Directive d) {
        Setup s = new Setup(MinimalConfig.NAME);
        s.args(d, 0, 0);
        for (Directive o : d.children()) {
            throw s.unknownOption(o);
        }
        return new MinimalConfig();
    }
}
