package io.clusterdns.k8s.model;

import java.util.Objects;

/** Identity of a Service: namespace and name. The one place such keys are made. */
public record ServiceKey(String namespace, String name) implements Comparable<ServiceKey> {
    public ServiceKey {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        namespace = SharedValues.name(namespace);
    }

    public static ServiceKey of(String namespace, String name) {
        return new ServiceKey(namespace, name);
    }

    @Override
    public int compareTo(ServiceKey o) {
        int c = namespace.compareTo(o.namespace);
        return c != 0 ? c : name.compareTo(o.name);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
