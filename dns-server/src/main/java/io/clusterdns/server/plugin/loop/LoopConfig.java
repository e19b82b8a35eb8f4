package io.clusterdns.server.plugin.loop;

import io.clusterdns.server.chain.PluginConfig;

/**
 * CoreDNS's {@code loop}: at start-up the server asks itself a random {@code HINFO} question in its
 * block's first zone; seeing that question come back more than twice means it forwards to
 * itself, and it exits with the reason rather than answering SERVFAIL for ever.
 */
public record LoopConfig() implements PluginConfig {
    public static final String NAME = "loop";

    @Override
    public String name() {
        return NAME;
    }
}
