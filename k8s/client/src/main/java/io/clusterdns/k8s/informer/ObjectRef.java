package io.clusterdns.k8s.informer;

/** Identity of a namespaced object other than a Service (EndpointSlices, Pods). */
record ObjectRef(String namespace, String name) {
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
