package io.clusterdns.server.plugin.ready;

import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.listen.Wildcard;

/** Reads {@code ready [ADDRESS]}. */
public final class ReadySetup {
    private ReadySetup() {
    }

    public static ReadyConfig parse(Directive d) {
        Setup s = new Setup(ReadyConfig.NAME);
        s.args(d, 0, 1);
        s.noBlock(d);
        return new ReadyConfig(d.args().isEmpty() ? Wildcard.on(ReadyConfig.DEFAULT_PORT)
                : s.address(d.args().get(0), null, ReadyConfig.DEFAULT_PORT));
    }
}
