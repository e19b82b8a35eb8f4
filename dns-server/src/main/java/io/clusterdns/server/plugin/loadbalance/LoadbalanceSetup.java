package io.clusterdns.server.plugin.loadbalance;

import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;

/** Reads {@code loadbalance [round_robin]}; CoreDNS's {@code weighted} policy is refused, naming it. */
public final class LoadbalanceSetup {
    private LoadbalanceSetup() {
    }

    public static LoadbalanceConfig parse(Directive d) {
        Setup s = new Setup(LoadbalanceConfig.NAME);
        if (!d.args().isEmpty() && d.args().get(0).text().equals("weighted")) {
            // before the argument count: "weighted FILE" is valid CoreDNS, just not built here
            throw s.error(d.args().get(0), null, "the weighted policy is not supported by clusterdns (yet); it has round_robin");
        }
        s.args(d, 0, 1);
        if (d.args().size() == 1 && !d.args().get(0).text().equals("round_robin")) {
            throw s.error(d.args().get(0), null, "unknown policy: " + d.args().get(0).text() + " (clusterdns has round_robin)");
        }
        for (Directive o : d.children()) {
            throw s.unknownOption(o);
        }
        return new LoadbalanceConfig();
    }
}
