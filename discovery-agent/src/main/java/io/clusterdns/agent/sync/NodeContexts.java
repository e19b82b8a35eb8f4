package io.clusterdns.agent.sync;

import io.clusterdns.agent.AgentConfig;
import io.clusterdns.agent.model.Cidr;
import io.clusterdns.agent.model.NodeContext;
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
 * Builds each family's {@link NodeContext} from the configuration and, for
 * {@code --nodeport-addresses} CIDRs, this node's current interface addresses (read at every sync,
 * like kube-proxy, since addresses can come and go).
 */
public final class NodeContexts {
    private static final Logger LOG = LoggerFactory.getLogger(NodeContexts.class);

    private final AgentConfig config;
    private final Supplier<List<InetAddress>> localAddresses;
    private final java.util.Map<IpFamily, List<InetAddress>> lastNodePortIPs = new java.util.EnumMap<>(IpFamily.class);

    public NodeContexts(AgentConfig config, Supplier<List<InetAddress>> localAddresses) {
        this.config = config;
        this.localAddresses = localAddresses;
    }

    /** Reads the addresses of this process's network namespace. */
    public static NodeContexts of(AgentConfig config) {
        return new NodeContexts(config, NodeContexts::interfaceAddresses);
    }

    public NodeContext context(IpFamily family) {
        List<Cidr> clusterCidrs = config.clusterCidrs().stream().filter(c -> c.family() == family).toList();
        List<Cidr> serviceCidrs = config.effectiveServiceCidrs().stream().filter(c -> c.family() == family).toList();
        return new NodeContext(family, config.nodeIP(family), clusterCidrs, nodePortIPs(family), serviceCidrs,
                config.masqueradeAll(), config.masqueradeMark(), config.endpointChainThreshold());
    }

    private List<InetAddress> nodePortIPs(IpFamily family) {
        if (config.nodePortAddresses().matchAll()) {
            return null;
        }
        List<InetAddress> out = new ArrayList<>();
        if (config.nodePortAddresses().primary()) {
            InetAddress ip = config.nodeIP(family);
            if (ip != null) {
                out.add(ip);
            }
            return out;
        }
        for (InetAddress a : localAddresses.get()) {
            if (IpFamily.of(a) == family && !a.isLoopbackAddress()
                    && config.nodePortAddresses().cidrs().stream().anyMatch(c -> c.contains(a))) {
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
