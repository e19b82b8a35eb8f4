package io.clusterdns.server.plugin.minimal;

import io.clusterdns.server.chain.PluginConfig;

/** CoreDNS's {@code minimal}: positive answers leave with their answer section only. */
public record MinimalConfig() implements PluginConfig {
    public static final String NAME = "minimal";

    @Override
    public String name() {
        return NAME;
    }
}
