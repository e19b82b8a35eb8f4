package io.clusterdns.k8s.model;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * The slim projection of a ServiceImport ({@code multicluster.x-k8s.io/v1alpha1}, KEP-1645): a
 * service of the clusterset as seen from this cluster. {@code ips} are the clusterset IPs (empty
 * for a Headless import, and for a ClusterSetIP import the MCS controller has not given one yet);
 * ports carry name, protocol, port and appProtocol only ({@link ServicePort#targetPort()} is the
 * port itself and there is no node port). Its endpoints are the {@link ImportedSliceInfo}s of the
 * same key.
 */
public record ServiceImportInfo(ServiceKey key, ServiceImportType type, List<InetAddress> ips, List<ServicePort> ports) {

    public ServiceImportInfo {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        ips = List.copyOf(ips);
        ports = List.copyOf(ports);
    }

    public String namespace() {
        return key.namespace();
    }

    public String name() {
        return key.name();
    }

    public boolean headless() {
        return type == ServiceImportType.HEADLESS;
    }
}
