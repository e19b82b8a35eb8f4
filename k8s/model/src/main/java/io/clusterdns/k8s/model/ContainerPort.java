package io.clusterdns.k8s.model;

/** A container port of a pod; {@code name} is null when unnamed. */
public record ContainerPort(String name, int containerPort, Protocol protocol) {
    public ContainerPort {
        if (containerPort < 1 || containerPort > 65535) {
            throw new IllegalArgumentException("containerPort must be 1..65535, got " + containerPort);
        }
        if (protocol == null) {
            protocol = Protocol.TCP;
        }
        name = SharedValues.name(name);
    }
}
