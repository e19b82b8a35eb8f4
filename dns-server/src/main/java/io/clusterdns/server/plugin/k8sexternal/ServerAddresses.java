package io.clusterdns.server.plugin.k8sexternal;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's own addresses, as CoreDNS's kubernetes plugin finds them to name its
 * nameserver: the addresses its server block is bound to ({@code bind}), or, bound to every
 * address, those of the machine's interfaces (in a pod: the pod's IPs); loopback never, and
 * neither link-local addresses, which no client outside the host could use. Read when the
 * plugin is set up (start, reload), never on the query path.
 */
final class ServerAddresses {
    private static final Logger LOG = LoggerFactory.getLogger("plugin/k8s_external");

    private ServerAddresses() {
    }

    static List<InetAddress> of(List<InetAddress> bind) {
        List<InetAddress> out = new ArrayList<>();
        if (!bind.isEmpty() && bind.stream().noneMatch(InetAddress::isAnyLocalAddress)) {
            bind.stream().filter(ServerAddresses::usable).forEach(out::add);
            return out;
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (usable(a)) {
                        // without the interface's scope: the address as a record carries it
                        out.add(InetAddress.getByAddress(a.getAddress()));
                    }
                }
            }
        } catch (SocketException | UnknownHostException e) {
            LOG.warn("plugin/k8s_external: cannot list this machine's addresses ({}); the nameserver has no address", e.toString());
        }
        return out;
    }

    private static boolean usable(InetAddress a) {
        return !a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress();
    }
}
