package io.clusterdns.k8s.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The slim projection of an EndpointSlice (or of one subset of a legacy Endpoints object). Ports are
 * per slice because a named targetPort can resolve to different numbers on different pods.
 * {@code triggerTime} is the {@code endpoints.kubernetes.io/last-change-trigger-time} annotation,
 * null when absent.
 */
public record EndpointSliceInfo(
        String name,
        ServiceKey service,
        IpFamily addressType,
        List<EndpointInfo> endpoints,
        List<EndpointPort> ports,
        Instant triggerTime) {

    public EndpointSliceInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(addressType, "addressType");
        endpoints = List.copyOf(endpoints);
        ports = SharedValues.ports(List.copyOf(ports));
    }
}
