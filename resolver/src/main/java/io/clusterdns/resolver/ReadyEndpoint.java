package io.clusterdns.resolver;

import io.clusterdns.k8s.model.EndpointPort;
import java.net.InetAddress;
import java.util.List;

/**
 * One ready endpoint address of a service after merging its slices. {@code label} is the
 * endpoint's DNS label: its hostname, else (with endpoint_pod_names) its pod name, else its
 * dashed IP. An empty {@code ports} list means the slice declared no ports.
 */
record ReadyEndpoint(InetAddress address, String label, List<EndpointPort> ports) {
    ReadyEndpoint {
        ports = List.copyOf(ports);
    }
}
