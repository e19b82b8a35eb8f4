package io.clusterdns.resolver;

import io.clusterdns.k8s.model.EndpointPort;
import java.net.InetAddress;
import java.util.List;

/**
 * One ready endpoint address of a service after merging its slices. {@code name} is the
 * endpoint's hostname, or (with endpoint_pod_names) its pod name, or null when the endpoint is
 * known by its dashed IP: that label is derived on demand, because storing it for every endpoint
 * of a 250,000-endpoint cluster costs more memory than deriving it costs time. An empty
 * {@code ports} list means the slice declared no ports; the list is usually the slice's own.
 */
record ReadyEndpoint(InetAddress address, String name, List<EndpointPort> ports) {

    /** The DNS label: {@code mongo-0}, a pod name, or {@code 10-244-1-5} / {@code fd00-10-244--5}. */
    String label() {
        return name != null ? name : PodName.label(address);
    }
}
