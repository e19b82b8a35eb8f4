package io.clusterdns.agent.netns;

import io.clusterdns.k8s.testing.NetNamespaces;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A several-node "cluster" of network namespaces, all created and deleted by the test: one
 * namespace per node, joined by a bridge in a "fabric" namespace, and one namespace per pod routed
 * from its node as in {@link Lab}:
 *
 * <pre>
 *   fabric ns: br0 ─┬─ node-1 ns  fab0 172.31.0.1/24   pods 10.244.1.Y/32 (veths p0, p1, ...)
 *                   ├─ node-2 ns  fab0 172.31.0.2/24   pods 10.244.2.Y/32
 *                   └─ node-3 ns  fab0 172.31.0.3/24   pods 10.244.3.Y/32
 *   node-N routes 10.244.M.0/24 via 172.31.0.M for every other node M
 * </pre>
 *
 * A pod's node is the number in its third octet ({@code 10.244.N.Y} is on node-N). Each node runs
 * its own agent, so a connection is load-balanced by the rules of the node it starts on and then
 * routed to a pod anywhere, like on a routed CNI. Pods run a {@link NetHelper}.
 */
final class ClusterLab extends NamespaceLab {
    static final String NODE_NET = "172.31.0.";

    private final Path logs;

    private ClusterLab(NetNamespaces netns, Path logs) {
        super(netns);
        this.logs = logs;
    }

    /** Builds {@code nodes} nodes (node-1..node-N) and the pods; pods echo on {@code listeners}. */
    static ClusterLab create(String tag, int nodes, List<Lab.Pod> pods, List<String> listeners, Path logs) throws Exception {
        NetNamespaces n = new NetNamespaces(tag);
        n.deleteLeftovers();
        ClusterLab lab = new ClusterLab(n, logs);
        try {
            lab.build(nodes, pods, listeners);
        } catch (Exception | AssertionError e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void build(int nodes, List<Lab.Pod> pods, List<String> listeners) throws Exception {
        String fabric = netns.create("fabric");
        NetNamespaces.ip(fabric, "link", "add", "br0", "type", "bridge");
        NetNamespaces.ip(fabric, "link", "set", "br0", "up");
        for (int i = 1; i <= nodes; i++) {
            String node = netns.create("node-" + i);
            namespaces.put("node-" + i, node);
            NetNamespaces.sysctl(node, "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                    "net.ipv6.conf.all.forwarding=1");
            NetNamespaces.ip(node, "link", "set", "lo", "up");
            NetNamespaces.ip(node, "link", "add", "fab0", "type", "veth", "peer", "name", "n" + i, "netns", fabric);
            NetNamespaces.ip(fabric, "link", "set", "n" + i, "master", "br0");
            NetNamespaces.ip(fabric, "link", "set", "n" + i, "up");
            NetNamespaces.ip(node, "addr", "add", nodeIp(i) + "/24", "dev", "fab0");
            NetNamespaces.ip(node, "link", "set", "fab0", "up");
        }
        for (int i = 1; i <= nodes; i++) {
            for (int j = 1; j <= nodes; j++) {
                if (i != j) {
                    NetNamespaces.ip(namespaces.get("node-" + i), "route", "add", "10.244." + j + ".0/24", "via", nodeIp(j));
                }
            }
        }
        int link = 0;
        for (Lab.Pod p : pods) {
            String node = namespaces.get(p.nodeName());
            if (node == null) {
                throw new IllegalArgumentException(p.name() + " is on " + p.nodeName() + ", which this lab does not have");
            }
            namespaces.put(p.name(), Lab.attachPod(netns, node, p, "p" + link++));
        }
        List<NetHelper> starting = new ArrayList<>();
        for (Lab.Pod p : pods) {
            NetHelper h = NetHelper.start(namespaces.get(p.name()), p.name(), listeners, logs.resolve("helper-" + p.name() + ".log"));
            helpers.put(p.name(), h);
            starting.add(h);
        }
        for (NetHelper h : starting) {
            h.awaitReady();
        }
    }

    static String nodeIp(int node) {
        return NODE_NET + node;
    }
}
