package io.clusterdns.server.plugin.autopath;

import io.clusterdns.server.chain.PluginConfig;
import java.util.List;
import java.util.Objects;
import org.xbill.DNS.Name;

/**
 * CoreDNS's {@code autopath [ZONE...] RESOLV-CONF}: the server walks the client's search path
 * itself when a query is the first search name of it.
 *
 * @param zones      where it acts: its ZONEs, else the server block's
 * @param search     with a file: its search domains, the whole path; with {@code @kubernetes}: the
 *                   search domains of this server's own /etc/resolv.conf, which follow the pod's
 *                   namespace, {@code svc} and cluster domain (the kubelet gives a pod the
 *                   search domains of its node, where the server runs with {@code dnsPolicy: Default})
 * @param kubernetes {@code @kubernetes}: the first three elements come from the namespace of the
 *                   pod that has the client's address, in the block's kubernetes plugin
 * @param where      {@code FILE:LINE} of the line, for what is checked against the block's other plugins
 */
public record AutopathConfig(List<Name> zones, List<Name> search, boolean kubernetes, String where) implements PluginConfig {
    public static final String NAME = "autopath";

    @Override
    public Object setupKey() {
        return new AutopathConfig(zones, search, kubernetes, "");
    }

    public AutopathConfig {
        zones = List.copyOf(zones);
        search = List.copyOf(search);
        Objects.requireNonNull(where, "where");
    }

    @Override
    public String name() {
        return NAME;
    }
}
