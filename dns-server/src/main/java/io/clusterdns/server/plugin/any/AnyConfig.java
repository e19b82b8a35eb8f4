package io.clusterdns.server.plugin.any;

import io.clusterdns.server.chain.PluginConfig;

/** CoreDNS's {@code any}: ANY queries get RFC 8482's minimal answer instead of every record of the name. */
public record AnyConfig() implements PluginConfig {
    public static final String NAME = "any";

    @Override
    public String name() {
        return NAME;
    }
}
