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

    /**
     * Written out rather than the record's generated one, which goes through method handles that
     * a megamorphic call site (the index's maps compare keys of several types) does not inline:
     * it showed as a tenth of an ExternalName question's CPU profile, in the service look-up. The
     * names' cached hashes first: a probe past another key then reads none of its characters.
     */
    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof ServiceKey k && name.hashCode() == k.name.hashCode() && name.equals(k.name)
                && namespace.equals(k.namespace);
    }

    /** The record's own formula (31 × namespace + name), without its method handles. */
    @Override
    public int hashCode() {
        return 31 * namespace.hashCode() + name.hashCode();
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
