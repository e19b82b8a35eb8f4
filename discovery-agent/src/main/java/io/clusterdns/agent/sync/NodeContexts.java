package io.clusterdns.agent.sync;

import io.clusterdns.agent.model.NodeContext;
import io.clusterdns.agent.model.NodeNetwork;
import io.clusterdns.k8s.model.IpFamily;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds each family's {@link NodeContext} from the node's network settings and, for
 * {@code --nodeport-addresses} CIDRs, this node's current interface addresses (read at every sync,
 * like kube-proxy, since addresses can come and go).
 */
public final class NodeContexts {
    private static final Logger LOG = LoggerFactory.getLogger(NodeContexts.class);

    private final NodeNetwork network;
    private final Supplier<List<InetAddress>> localAddresses;
    private final java.util.Map<IpFamily, List<InetAddress>> lastNodePortIPs = new java.util.EnumMap<>(IpFamily.class);

    public NodeContexts(NodeNetwork network, Supplier<List<InetAddress>> localAddresses) {
        this.network = network;
        this.localAddresses = localAddresses;
    }

    /** Reads the addresses of this process's network namespace. */
    public static NodeContexts of(NodeNetwork network) {
        return new NodeContexts(network, NodeContexts::interfaceAddresses);
    }

    /** The node's network settings, as configured. */
    public NodeNetwork network() {
        return network;
    }

    public NodeContext context(IpFamily family) {
        return new NodeContext(family, network.nodeIP(family), network.clusterCidrs(family), nodePortIPs(family),
                network.serviceCidrs(family), network.masqueradeAll(), network.masqueradeMark(), network.endpointChainThreshold(),
                null, network.loadBalancing()); // the zone is the snapshot's (its Node), set at each sync
    }

    private List<InetAddress> nodePortIPs(IpFamily family) {
        if (network.nodePortAddresses().matchAll()) {
            return null;
        }
        List<InetAddress> out = new ArrayList<>();
        if (network.nodePortAddresses().primary()) {
            InetAddress ip = network.nodeIP(family);
            if (ip != null) {
                out.add(ip);
            }
            return out;
        }
        for (InetAddress a : localAddresses.get()) {
            if (IpFamily.of(a) == family && !a.isLoopbackAddress()
                    && network.nodePortAddresses().cidrs().stream().anyMatch(c -> c.contains(a))) {
                out.add(a);
            }
        }
        out.sort((x, y) -> java.util.Arrays.compareUnsigned(x.getAddress(), y.getAddress()));
        if (!out.equals(lastNodePortIPs.put(family, out))) {
            LOG.info("NodePorts ({}) accepted on {}", family, out.stream().map(InetAddress::getHostAddress).toList());
        }
        return out;
    }

    static List<InetAddress> interfaceAddresses() {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    // strip the scope of link-local IPv6 addresses: nft wants plain addresses
                    out.add(InetAddress.getByAddress(a.getAddress()));
                }
            }
        } catch (SocketException | java.net.UnknownHostException e) {
            LOG.warn("Cannot list this node's addresses: {}", e.getMessage());
        }
        return out;
    }
}
