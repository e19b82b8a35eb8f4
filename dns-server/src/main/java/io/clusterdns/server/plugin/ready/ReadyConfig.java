package io.clusterdns.server.plugin.ready;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.server.chain.PluginConfig;
import java.util.Objects;

/**
 * CoreDNS's {@code ready [ADDRESS]}: {@code /ready} answers 200 {@code OK} once every plugin that
 * reports readiness (kubernetes: synced) is ready and the listeners are up, 503 with the reason
 * before and from the start of lameduck.
 *
 * @param address where {@code /ready} listens; CoreDNS's default {@code :8181}
 */
public record ReadyConfig(ListenAddress address) implements PluginConfig {
    public static final String NAME = "ready";
    public static final int DEFAULT_PORT = 8181;

    public ReadyConfig {
        Objects.requireNonNull(address, "address");
    }

    @Override
    public String name() {
        return NAME;
    }
}
