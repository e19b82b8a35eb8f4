package io.clusterdns.agent.netns;

import io.clusterdns.k8s.testing.NetNamespaces;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every lab of network namespaces keeps: the namespaces it created by short name, the
 * {@link NetHelper} running in each, and the deletion of all of them on {@link #close()}.
 */
abstract class NamespaceLab implements AutoCloseable {
    final NetNamespaces netns;
    final Map<String, String> namespaces = new LinkedHashMap<>();
    final Map<String, NetHelper> helpers = new LinkedHashMap<>();

    NamespaceLab(NetNamespaces netns) {
        this.netns = netns;
    }

    /** The full namespace name of a node, the client or a pod, by its short name. */
    public String ns(String name) {
        return namespaces.get(name);
    }

    /** The helper running in a node, the client or a pod. */
    public NetHelper helper(String name) {
        return helpers.get(name);
    }

    public NetNamespaces netns() {
        return netns;
    }

    /** Stops every helper and deletes every namespace. */
    @Override
    public void close() {
        for (NetHelper h : helpers.values()) {
            h.close();
        }
        helpers.clear();
        netns.close();
    }
}
