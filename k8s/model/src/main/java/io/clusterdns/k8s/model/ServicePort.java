package io.clusterdns.k8s.model;

/**
 * One entry of {@code spec.ports}. {@code name} is null when the port is unnamed;
 * {@code nodePort} is 0 when none is allocated.
 */
public record ServicePort(String name, Protocol protocol, int port, TargetPort targetPort, int nodePort, String appProtocol) {
    public ServicePort {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        if (nodePort < 0 || nodePort > 65535) {
            throw new IllegalArgumentException("nodePort must be 0..65535, got " + nodePort);
        }
        if (protocol == null) {
            protocol = Protocol.TCP;
        }
        if (targetPort == null) {
            targetPort = TargetPort.of(port);
        }
        if (name != null && name.isEmpty()) {
            name = null;
        }
        name = SharedValues.name(name);
        appProtocol = SharedValues.name(appProtocol);
    }

    public ServicePort withNodePort(int allocated) {
        return new ServicePort(name, protocol, port, targetPort, allocated, appProtocol);
    }
}
