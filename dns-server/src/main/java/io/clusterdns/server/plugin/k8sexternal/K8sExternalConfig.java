package io.clusterdns.server.plugin.k8sexternal;

import io.clusterdns.resolver.ExternalConfig;
import io.clusterdns.server.chain.Fallthrough;
import io.clusterdns.server.chain.PluginConfig;
import java.net.InetAddress;
import java.util.List;
import org.xbill.DNS.Name;

/**
 * CoreDNS's {@code k8s_external [ZONES...] { apex APEX; ttl TTL; headless; fallthrough [ZONES...] }}:
 * names under other zones for the Services the cluster exposes, answered from the
 * {@code kubernetes} plugin of the same server block.
 *
 * @param zones       the external zones (absolute, lower-case): the line's, else the block's
 * @param apex        the label holding the nameserver's name ({@code ns1.APEX.ZONE}), default {@code dns}
 * @param ttl         0..3600, default 5
 * @param headless    headless services answer with their ready endpoints
 * @param fallthrough names that do not exist go on to the next plugin
 */
public record K8sExternalConfig(List<Name> zones, String apex, long ttl, boolean headless, Fallthrough fallthrough)
        implements PluginConfig {
    public static final String NAME = "k8s_external";

    public K8sExternalConfig {
        zones = List.copyOf(zones);
        fallthrough = fallthrough == null ? Fallthrough.NONE : fallthrough;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** What the resolver answers with, for a server whose own addresses are {@code serverAddresses}. */
    ExternalConfig resolverConfig(List<InetAddress> serverAddresses) {
        return new ExternalConfig(zones, apex, ttl, headless, serverAddresses);
    }
}
