package io.clusterdns.server.plugin.loop;

import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;

/** Reads {@code loop} (no arguments, no options). */
public final class LoopSetup {
    private LoopSetup() {
    }

    public static LoopConfig parse(Directive d) {
        Setup s = new Setup(LoopConfig.NAME);
        s.args(d, 0, 0);
        s.noBlock(d);
        return new LoopConfig();
    }
}
