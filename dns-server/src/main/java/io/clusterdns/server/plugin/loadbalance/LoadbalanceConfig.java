package io.clusterdns.server.plugin.loadbalance;

import io.clusterdns.server.chain.PluginConfig;

/** CoreDNS's {@code loadbalance [round_robin]}: shuffle A, AAAA and MX records of every answer, CNAMEs first. */
public record LoadbalanceConfig() implements PluginConfig {
    public static final String NAME = "loadbalance";

    @Override
    public String name() {
        return NAME;
    }
}
