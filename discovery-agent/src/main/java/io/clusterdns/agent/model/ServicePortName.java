package io.clusterdns.agent.model;

import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceKey;
import java.util.Objects;

/**
 * One port of one service, the unit the data plane programs: {@code default/web:http} over TCP.
 * {@code portName} is empty for the unnamed port.
 */
public record ServicePortName(ServiceKey service, String portName, Protocol protocol) implements Comparable<ServicePortName> {

    public ServicePortName {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(protocol, "protocol");
        portName = portName == null ? "" : portName;
    }

    /**
     * {@code ns/name/proto/port}: the readable part of chain names and the key of everything the
     * agent keeps per service port. Namespace, name and port name are DNS labels and protocol is
     * tcp|udp|sctp, so '/' cannot occur inside a part and the string is unambiguous.
     */
    public String chainBase() {
        return service.namespace() + "/" + service.name() + "/" + protocol.label() + "/" + portName;
    }

    /** {@code ns/name:port} as kube-proxy logs it (element comments, log lines). */
    @Override
    public String toString() {
        return portName.isEmpty() ? service.toString() : service + ":" + portName;
    }

    @Override
    public int compareTo(ServicePortName o) {
        int c = service.compareTo(o.service);
        if (c != 0) {
            return c;
        }
        c = portName.compareTo(o.portName);
        return c != 0 ? c : protocol.compareTo(o.protocol);
    }
}
