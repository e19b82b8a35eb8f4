package io.clusterdns.agent.netns;

import io.clusterdns.k8s.testing.NetNamespaces;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A one-node "cluster" built from network namespaces, all created and deleted by the test:
 *
 * <pre>
 *   client ns                         node ns (runs the agent)                     pod ns (one per pod)
 *   eth0 192.0.2.10/24  ─── veth ───  ext0 192.0.2.1/24                 ┌── pN ─── eth0 10.244.1.Y/32
 *        198.51.100.10/24                  198.51.100.1/24              │    (node side 10.244.1.1/32,
 *        2001:db8:1::10/64                 2001:db8:1::1/64             │     fd00:10:244:1::1/128)
 *   default via 192.0.2.1             routes 10.244.x.y/32 dev pN ──────┘    default via 10.244.1.1
 *                                     default via 192.0.2.10
 * </pre>
 *
 * Pods "on node-2" (10.244.2.0/24) hang off the same node namespace: only their nodeName in the
 * manifests makes them remote, which is all the agent looks at. Pods are routed, not bridged, so
 * every pod-to-pod packet crosses the node's netfilter hooks, as on a routed CNI. Every namespace
 * runs a {@link NetHelper}: echo servers in pods, probes everywhere.
 */
public final class Lab implements AutoCloseable {
    public static final String NODE_IP = "192.0.2.1";
    public static final String NODE_IP6 = "2001:db8:1::1";
    public static final String CLIENT_IP = "192.0.2.10";
    public static final String CLIENT_IP2 = "198.51.100.10";
    public static final String CLIENT_IP6 = "2001:db8:1::10";

    /** A pod: its name, IPv4 and IPv6 address, and whether the node namespace is its node ("node-1"). */
    public record Pod(String name, String ip, String ip6, String nodeName) {
        String gateway() {
            return ip.substring(0, ip.lastIndexOf('.')) + ".1";
        }

        String gateway6() {
            return ip6.substring(0, ip6.lastIndexOf(':')) + ":1";
        }
    }

    private final NetNamespaces netns;
    private final Path logs;
    private final Map<String, String> namespaces = new LinkedHashMap<>();
    private final Map<String, NetHelper> helpers = new LinkedHashMap<>();

    private Lab(NetNamespaces netns, Path logs) {
        this.netns = netns;
        this.logs = logs;
    }

    /** Builds the topology and starts the helpers; pods echo on {@code listeners}. */
    public static Lab create(String tag, List<Pod> pods, List<String> listeners, Path logs) throws Exception {
        NetNamespaces n = new NetNamespaces(tag);
        n.deleteLeftovers();
        Lab lab = new Lab(n, logs);
        try {
            lab.build(pods, listeners);
        } catch (Exception | AssertionError e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void build(List<Pod> pods, List<String> listeners) throws Exception {
        String node = netns.create("node");
        String client = netns.create("client");
        namespaces.put("node", node);
        namespaces.put("client", client);
        NetNamespaces.sysctl(node, "net.ipv4.ip_forward=1", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0",
                "net.ipv6.conf.all.forwarding=1");
        NetNamespaces.ip(node, "link", "add", "ext0", "type", "veth", "peer", "name", "eth0", "netns", client);
        for (String a : List.of(NODE_IP + "/24", "198.51.100.1/24")) {
            NetNamespaces.ip(node, "addr", "add", a, "dev", "ext0");
        }
        NetNamespaces.ip(node, "-6", "addr", "add", NODE_IP6 + "/64", "dev", "ext0", "nodad");
        NetNamespaces.ip(node, "link", "set", "ext0", "up");
        for (String a : List.of(CLIENT_IP + "/24", CLIENT_IP2 + "/24")) {
            NetNamespaces.ip(client, "addr", "add", a, "dev", "eth0");
        }
        NetNamespaces.ip(client, "-6", "addr", "add", CLIENT_IP6 + "/64", "dev", "eth0", "nodad");
        NetNamespaces.ip(client, "link", "set", "eth0", "up");
        NetNamespaces.sysctl(client, "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
        NetNamespaces.ip(client, "route", "add", "default", "via", NODE_IP);
        NetNamespaces.ip(client, "-6", "route", "add", "default", "via", NODE_IP6);
        NetNamespaces.ip(node, "route", "add", "default", "via", CLIENT_IP);
        NetNamespaces.ip(node, "-6", "route", "add", "default", "via", CLIENT_IP6);
        int i = 0;
        for (Pod p : pods) {
            addPod(node, p, "p" + i++);
        }
        List<NetHelper> starting = new ArrayList<>();
        starting.add(startHelper("node", List.of()));
        starting.add(startHelper("client", List.of()));
        for (Pod p : pods) {
            starting.add(startHelper(p.name(), listeners));
        }
        for (NetHelper h : starting) {
            h.awaitReady();
        }
    }

    private void addPod(String node, Pod p, String link) {
        String ns = netns.create(p.name());
        namespaces.put(p.name(), ns);
        NetNamespaces.sysctl(ns, "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.default.rp_filter=0");
        NetNamespaces.ip(node, "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", ns);
        NetNamespaces.ip(node, "addr", "add", p.gateway() + "/32", "dev", link);
        NetNamespaces.ip(node, "-6", "addr", "add", p.gateway6() + "/128", "dev", link, "nodad");
        NetNamespaces.ip(node, "link", "set", link, "up");
        NetNamespaces.ip(node, "route", "add", p.ip() + "/32", "dev", link);
        NetNamespaces.ip(node, "-6", "route", "add", p.ip6() + "/128", "dev", link);
        NetNamespaces.ip(ns, "addr", "add", p.ip() + "/32", "dev", "eth0");
        NetNamespaces.ip(ns, "-6", "addr", "add", p.ip6() + "/128", "dev", "eth0", "nodad");
        NetNamespaces.ip(ns, "link", "set", "eth0", "up");
        NetNamespaces.ip(ns, "route", "add", p.gateway(), "dev", "eth0", "scope", "link");
        NetNamespaces.ip(ns, "route", "add", "default", "via", p.gateway(), "dev", "eth0");
        NetNamespaces.ip(ns, "-6", "route", "add", p.gateway6(), "dev", "eth0");
        NetNamespaces.ip(ns, "-6", "route", "add", "default", "via", p.gateway6(), "dev", "eth0");
    }

    private NetHelper startHelper(String name, List<String> listeners) throws IOException {
        NetHelper h = NetHelper.start(namespaces.get(name), name, listeners, logs.resolve("helper-" + name + ".log"));
        helpers.put(name, h);
        return h;
    }

    /** The full namespace name of "node", "client" or a pod. */
    public String ns(String name) {
        return namespaces.get(name);
    }

    /** The helper running in "node", "client" or a pod. */
    public NetHelper helper(String name) {
        return helpers.get(name);
    }

    public NetNamespaces netns() {
        return netns;
    }

    @Override
    public void close() {
        for (NetHelper h : helpers.values()) {
            h.close();
        }
        helpers.clear();
        netns.close();
    }
}
