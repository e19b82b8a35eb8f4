package io.clusterdns.server.plugin.local;

import io.clusterdns.server.chain.PluginConfig;

/**
 * CoreDNS's {@code local { localhost_prefix on|off }}: answer the localhost names and the loopback
 * reverse zones here, so they never leave for an upstream.
 *
 * @param localhostPrefix names whose first label is {@code localhost} ({@code localhost.example.com}) are
 *                        loopback names too (CoreDNS's default, kept for backward compatibility; {@code off}
 *                        keeps to RFC 6761: only names under {@code localhost.})
 */
public record LocalConfig(boolean localhostPrefix) implements PluginConfig {
    public static final String NAME = "local";

    @Override
    public String name() {
        return NAME;
    }
}
