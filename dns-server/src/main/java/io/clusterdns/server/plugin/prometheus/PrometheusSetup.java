package io.clusterdns.server.plugin.prometheus;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.server.corefile.Directive;
import io.clusterdns.server.corefile.Setup;
import java.net.InetAddress;

/** Reads {@code prometheus [ADDRESS]}; without an address, loopback port 9153 as CoreDNS. */
public final class PrometheusSetup {
    private PrometheusSetup() {
    }

    public static PrometheusConfig parse(Directive d) {
        Setup s = new Setup(PrometheusConfig.NAME);
        s.args(d, 0, 1);
        for (Directive o : d.children()) {
            throw s.unknownOption(o);
        }
        return new PrometheusConfig(d.args().isEmpty()
                ? new ListenAddress(InetAddress.getLoopbackAddress(), PrometheusConfig.DEFAULT_PORT)
                : s.address(d.args().get(0), null, PrometheusConfig.DEFAULT_PORT));
    }
}
