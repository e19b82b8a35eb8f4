package io.clusterdns.server.plugin.health;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import io.clusterdns.server.listen.Wildcard;
import java.time.Duration;

/** Reads {@code health [ADDRESS] { lameduck DURATION }}. */
public final class HealthSetup {
    private HealthSetup() {
    }

    public static HealthConfig parse(Directive d) {
        Setup s = new Setup(HealthConfig.NAME);
        s.args(d, 0, 1);
        ListenAddress address = d.args().isEmpty() ? Wildcard.on(HealthConfig.DEFAULT_PORT)
                : s.address(d.args().get(0), null, HealthConfig.DEFAULT_PORT);
        Duration lameduck = Duration.ZERO;
        for (Directive o : d.children()) {
            if (!o.name().text().equals("lameduck")) {
                throw s.unknownOption(o);
            }
            s.args(o, 1, 1);
            lameduck = s.duration(o.args().get(0), "lameduck", Duration.ZERO, HealthConfig.MAX_LAMEDUCK);
        }
        return new HealthConfig(address, lameduck);
    }
}
