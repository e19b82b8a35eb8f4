package io.clusterdns.k8s.convert;

import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServicePort;
import io.clusterdns.k8s.model.ServiceType;
import io.clusterdns.k8s.model.TargetPort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code spec.ports} of a Service: validation and the API server's defaults (TCP, targetPort = port). */
final class ServicePorts {
    private ServicePorts() {
    }

    static List<ServicePort> convert(List<ServiceFields.Port> ports, ServiceType type, boolean headless) {
        List<ServiceFields.Port> in = Fields.list(ports);
        if (in.isEmpty() && !headless && type != ServiceType.EXTERNAL_NAME) {
            throw new ConversionException("spec.ports", "required (at least one port) unless clusterIP is None or type is ExternalName");
        }
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> numbers = new HashMap<>();
        List<ServicePort> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            String path = FieldPaths.index("spec.ports", i);
            ServiceFields.Port p = in.get(i);
            // a field's path is made only for its error (or a value that needs it): 50k services' worth was garbage
            Integer written = p.port();
            int port = written != null && written >= 1 && written <= 65535 ? written : Fields.port(path + ".port", written);
            Protocol protocol = Fields.parse(path, ".protocol", p.protocol(), Protocol::parse);
            String name = name(path, p.name(), in.size(), names, i);
            Integer previous = numbers.putIfAbsent(port + "/" + protocol, i);
            if (previous != null) {
                throw new ConversionException(path, "duplicate port " + port + "/" + protocol + " (also spec.ports[" + previous + "])");
            }
            TargetPort target = targetPort(path, p.targetPortNumber(), p.targetPortName(), port);
            int nodePort = nodePort(path, p.nodePort(), type);
            String appProtocol = p.appProtocol() == null ? null : Fields.appProtocol(path + ".appProtocol", p.appProtocol());
            out.add(new ServicePort(name, protocol, port, target, nodePort, appProtocol));
        }
        return out;
    }

    private static String name(String path, String name, int count, Map<String, Integer> seen, int index) {
        if (Fields.isBlank(name)) {
            if (count > 1) {
                throw new ConversionException(path + ".name", "required when the service has more than one port");
            }
            return null;
        }
        if (!DnsNames.isDns1123Label(name)) {
            throw new ConversionException(path + ".name", Fields.quote(name) + " " + DnsNames.DNS1123_LABEL_RULE);
        }
        Integer previous = seen.putIfAbsent(name, index);
        if (previous != null) {
            throw new ConversionException(path + ".name", "duplicate port name \"" + name + "\" (also spec.ports[" + previous + "])");
        }
        return name;
    }

    /** targetPort 0 or "" means "not set", which the API server turns into the port number; {@code portPath} is spec.ports[i]. */
    private static TargetPort targetPort(String portPath, Integer number, String s, int port) {
        if (number != null) {
            int n = number;
            if (n == 0) {
                return TargetPort.of(port);
            }
            if (n < 1 || n > 65535) {
                throw new ConversionException(portPath + ".targetPort", "must be 1..65535 or a port name, got " + n);
            }
            return TargetPort.of(n);
        }
        if (Fields.isBlank(s)) {
            return TargetPort.of(port);
        }
        if (!DnsNames.isIanaServiceName(s)) {
            throw new ConversionException(portPath + ".targetPort", Fields.quote(s) + " " + DnsNames.IANA_SERVICE_NAME_RULE);
        }
        return TargetPort.named(s);
    }

    /**
     * Refused on ClusterIP services. The API server accepts one on an ExternalName service but
     * never allocates it, and kube-proxy skips ExternalName services, so it is dropped here.
     */
    private static int nodePort(String portPath, Integer value, ServiceType type) {
        if (value == null || value == 0 || type == ServiceType.EXTERNAL_NAME) {
            return 0;
        }
        String path = portPath + ".nodePort";
        if (type == ServiceType.CLUSTER_IP) {
            throw new ConversionException(path, "may not be set when type is " + type.apiName());
        }
        return Fields.portRange(path, value);
    }
}
