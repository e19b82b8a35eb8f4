package io.clusterdns.server.plan;

import io.clusterdns.server.chain.PluginConfig;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * One server block, validated: its keys, the addresses it listens on, and its plugins' configs in
 * chain order (the fixed plugin order, {@link PluginOrder}).
 *
 * @param keys    zones and ports
 * @param bind    the addresses its ports are bound to (the {@code bind} plugin; by default every interface)
 * @param plugins in chain order
 * @param where   where it was written ({@code /etc/coredns/Corefile:1}, or {@code flags})
 */
public record BlockPlan(List<ZoneKey> keys, List<InetAddress> bind, List<PluginConfig> plugins, String where) {
    public BlockPlan {
        keys = List.copyOf(keys);
        bind = List.copyOf(bind);
        plugins = List.copyOf(plugins);
    }

    public List<Name> zones() {
        return keys.stream().map(ZoneKey::zone).distinct().toList();
    }

    /** The first plugin config of {@code type}. */
    public <T extends PluginConfig> Optional<T> plugin(Class<T> type) {
        return plugins.stream().filter(type::isInstance).map(type::cast).findFirst();
    }
}
