package io.clusterdns.server.plugin.prometheus;

import io.clusterdns.k8s.config.ListenAddress;
import io.clusterdns.server.chain.PluginConfig;

/**
 * CoreDNS's {@code prometheus [ADDRESS]}: the block's queries are counted (CoreDNS's
 * {@code coredns_dns_*} series) and {@code /metrics} is served. Blocks naming the same address
 * share one endpoint and one registry.
 *
 * @param address where {@code /metrics} listens; CoreDNS's default {@code localhost:9153}; null
 *                counts without serving (the command line's {@code --metrics off}: the counters
 *                stay readable in process)
 */
public record PrometheusConfig(ListenAddress address) implements PluginConfig {
    public static final String NAME = "prometheus";
    public static final int DEFAULT_PORT = 9153;

    @Override
    public String name() {
        return NAME;
    }
}
