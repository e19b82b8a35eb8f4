package io.clusterdns.agent.kernel;

import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One {@code conntrack -D} call: entries of a protocol to a service address (or node port) and
 * port, optionally only those NATed to one endpoint.
 *
 * @param serviceIP original destination, or null for "any" (a node port on any node address)
 * @param port      original destination port (the service port, or the node port)
 * @param endpoint  the DNAT target to match (reply source), or null for every target
 */
public record ConntrackFilter(IpFamily family, Protocol protocol, InetAddress serviceIP, int port, InetAddress endpoint) {
    public ConntrackFilter {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(protocol, "protocol");
    }

    /** Arguments after {@code conntrack}. */
    public List<String> args() {
        List<String> a = new ArrayList<>(List.of("-D", "-f", family == IpFamily.IPV4 ? "ipv4" : "ipv6", "-p", protocol.label()));
        if (serviceIP != null) {
            a.addAll(List.of("--orig-dst", IpAddresses.format(serviceIP)));
        }
        a.addAll(List.of("--orig-port-dst", Integer.toString(port)));
        if (endpoint != null) {
            a.addAll(List.of("--dst-nat", IpAddresses.format(endpoint)));
        }
        return a;
    }

    @Override
    public String toString() {
        return "conntrack " + String.join(" ", args());
    }
}
