package io.clusterdns.k8s.model;

/** One port of an EndpointSlice; {@code name} is null for the unnamed port, matching an unnamed service port. */
public record EndpointPort(String name, Protocol protocol, int port, String appProtocol) {
    public EndpointPort {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        if (protocol == null) {
            protocol = Protocol.TCP;
        }
        if (name != null && name.isEmpty()) {
            name = null;
        }
        name = SharedValues.name(name);
        appProtocol = SharedValues.name(appProtocol);
    }
}
