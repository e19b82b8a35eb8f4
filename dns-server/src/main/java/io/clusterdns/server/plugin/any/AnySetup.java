package io.clusterdns.server.plugin.any;

import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;

/** Reads {@code any} (no arguments, no options). */
public final class AnySetup {
    private AnySetup() {
    }

    public static AnyConfig parse(Directive d) {
        Setup s = new Setup(AnyConfig.NAME);
        s.args(d, 0, 0);
        for (Directive o : d.children()) {
            throw s.unknownOption(o);
        }
        return new AnyConfig();
    }
}
