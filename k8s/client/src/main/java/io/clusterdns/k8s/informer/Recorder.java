package io.clusterdns.k8s.informer;

import io.clusterdns.k8s.convert.EndpointSliceConverter;
import io.clusterdns.k8s.convert.NamespaceConverter;
import io.clusterdns.k8s.convert.NodeConverter;
import io.clusterdns.k8s.convert.PodConverter;
import io.clusterdns.k8s.convert.ServiceCidrConverter;
import io.clusterdns.k8s.convert.ServiceConverter;
import io.clusterdns.k8s.convert.ServiceImportConverter;
import io.clusterdns.k8s.model.ServiceKey;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR;

/**
 * How one kind is converted (once, on the informer's thread) and recorded as a pending change.
 * {@link #put} may throw {@link io.clusterdns.k8s.convert.ConversionException}.
 */
interface Recorder<T> {

    void put(T object, PendingChanges pending);

    void remove(String namespace, String name, PendingChanges pending);

    Recorder<Service> SERVICES = new Recorder<>() {
        @Override
        public void put(Service object, PendingChanges pending) {
            var info = ServiceConverter.convert(object);
            pending.service(info.key(), info);
        }

        @Override
        public void remove(String namespace, String name, PendingChanges pending) {
            pending.service(ServiceKey.of(namespace, name), null);
        }
    };

    /** EndpointSlices, their endpoints keeping the names of their Pods only when {@code podNames} ({@link InformerConfig#endpointPodNames}). */
    static Recorder<EndpointSlice> endpointSlices(boolean podNames) {
        return new Recorder<>() {
            @Override
            public void put(EndpointSlice object, PendingChanges pending) {
                ObjectRef ref = new ObjectRef(object.getMetadata().getNamespace(), object.getMetadata().getName());
                // FQDN slices convert to nothing: neither DNS nor the data plane uses them
                pending.slice(ref, EndpointSliceConverter.convert(object, podNames).orElse(null));
            }

            @Override
            public void remove(String namespace, String name, PendingChanges pending) {
                pending.slice(new ObjectRef(namespace, name), null);
            }
        };
    }

    Recorder<Namespace> NAMESPACES = new Recorder<>() {
        @Override
        public void put(Namespace object, PendingChanges pending) {
            var info = NamespaceConverter.convert(object);
            pending.namespace(info.name(), info);
        }

        @Override
        public void remove(String namespace, String name, PendingChanges pending) {
            pending.namespace(name, null);
        }
    };

    Recorder<GenericKubernetesResource> SERVICE_IMPORTS = new Recorder<>() {
        @Override
        public void put(GenericKubernetesResource object, PendingChanges pending) {
            ObjectRef ref = new ObjectRef(object.getMetadata().getNamespace(), object.getMetadata().getName());
            // an import without spec (not filled in yet) has no records: as good as absent
            pending.serviceImport(ref, ServiceImportConverter.convert(object).orElse(null));
        }

        @Override
        public void remove(String namespace, String name, PendingChanges pending) {
            pending.serviceImport(new ObjectRef(namespace, name), null);
        }
    };

    Recorder<EndpointSlice> IMPORTED_SLICES = new Recorder<>() {
        @Override
        public void put(EndpointSlice object, PendingChanges pending) {
            ObjectRef ref = new ObjectRef(object.getMetadata().getNamespace(), object.getMetadata().getName());
            pending.importedSlice(ref, EndpointSliceConverter.convertImported(object).orElse(null));
        }

        @Override
        public void remove(String namespace, String name, PendingChanges pending) {
            pending.importedSlice(new ObjectRef(namespace, name), null);
        }
    };

    Recorder<Node> NODES = new Recorder<>() {
        @Override
        public void put(Node object, PendingChanges pending) {
            var info = NodeConverter.convert(object);
            pending.node(info.name(), info);
        }

        @Override
        public void remove(String namespace, String name, PendingChanges pending) {
            pending.node(name, null);
        }
    };

    Recorder<ServiceCIDR> SERVICE_CIDRS = new Recorder<>() {
        @Override
        public void put(ServiceCIDR object, PendingChanges pending) {
            var info = ServiceCidrConverter.convert(object);
            pending.serviceCidr(info.name(), info);
        }

        @Override
        public void remove(String namespace, String name, PendingChanges pending) {
            pending.serviceCidr(name, null);
        }
    };

    Recorder<Pod> PODS = new Recorder<>() {
        @Override
        public void put(Pod object, PendingChanges pending) {
            var info = PodConverter.convertSlim(object);
            pending.pod(new ObjectRef(info.namespace(), info.name()), info);
        }

        @Override
        public void remove(String namespace, String name, PendingChanges pending) {
            pending.pod(new ObjectRef(namespace, name), null);
        }
    };
}
