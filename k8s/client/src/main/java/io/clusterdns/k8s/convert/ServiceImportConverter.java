package io.clusterdns.k8s.convert;

import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceImportType;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServicePort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Converts a ServiceImport ({@code multicluster.x-k8s.io/v1alpha1}, the KEP-1645 CRD), read as a
 * fabric8 generic resource since no typed model ships for it. What the CRD's schema refuses is
 * refused: {@code spec.type} missing or not ClusterSetIP/Headless, {@code spec.ports} missing, a
 * port without {@code port}, more than 2 {@code spec.ips}, values of the wrong type. Fields the
 * schema leaves unchecked but the mcs-api documents as a Service's (a port name is a DNS-1123
 * label and unique, protocol TCP/UDP/SCTP, port 1..65535, appProtocol a qualified name, ips are
 * IP addresses of two families at most) are checked as for a Service: MCS controllers copy them
 * from a Service the API server validated, so a value that breaks them is a broken object, not
 * something a cluster produces. An object without {@code spec} is valid and means nothing yet
 * ({@link #ignoredBecause}).
 */
public final class ServiceImportConverter {
    public static final String GROUP = "multicluster.x-k8s.io";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    public static final String KIND = "ServiceImport";
    public static final String PLURAL = "serviceimports";
    /** The CRD's {@code maxItems} of {@code spec.ips}: one per IP family. */
    private static final int MAX_IPS = 2;

    private ServiceImportConverter() {
    }

    /** Validates and converts; empty for an object without {@code spec}. Throws {@link ConversionException} naming the bad field. */
    public static Optional<ServiceImportInfo> convert(GenericKubernetesResource object) {
        ObjectMeta meta = ObjectMetas.meta(object.getMetadata());
        String namespace = ObjectMetas.namespace(meta);
        String name = ObjectMetas.name(meta, ObjectMetas.NameRule.DNS1123_SUBDOMAIN);
        ObjectMetas.labels(meta);
        Object rawSpec = object.getAdditionalProperties().get("spec");
        if (rawSpec == null) {
            return Optional.empty();
        }
        Map<?, ?> spec = mapping("spec", rawSpec);
        Object rawType = spec.get("type");
        if (rawType == null) {
            throw new ConversionException("spec.type", "required (ClusterSetIP or Headless)");
        }
        ServiceImportType type = Fields.parse("spec.type", string("spec.type", rawType), ServiceImportType::parse);
        List<InetAddress> ips = ips(spec.get("ips"));
        Object rawPorts = spec.get("ports");
        if (rawPorts == null) {
            throw new ConversionException("spec.ports", "required (a list, which may be empty)");
        }
        List<ServicePort> ports = ports(list("spec.ports", rawPorts));
        // the mcs-api: "ip will be used as the VIP for this service when type is ClusterSetIP"
        List<InetAddress> vips = type == ServiceImportType.HEADLESS ? List.of() : ips;
        return Optional.of(new ServiceImportInfo(ServiceKey.of(namespace, name), type, vips, ports));
    }

    /** Why a ServiceImport {@link #convert} accepted converts to nothing, fit to follow "ignored: "; empty when it is used. */
    public static Optional<String> ignoredBecause(GenericKubernetesResource object) {
        return object.getAdditionalProperties().get("spec") == null
                ? Optional.of("no spec yet (an MCS controller fills it in), so it has no DNS records")
                : Optional.empty();
    }

    private static List<InetAddress> ips(Object raw) {
        if (raw == null) {
            return List.of();
        }
        List<?> in = list("spec.ips", raw);
        if (in.size() > MAX_IPS) {
            throw new ConversionException("spec.ips", "at most " + MAX_IPS + " entries (one per IP family), got " + in.size());
        }
        List<InetAddress> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            String path = FieldPaths.index("spec.ips", i);
            InetAddress ip = Fields.ip(path, string(path, in.get(i)));
            if (i == 1 && IpFamily.of(ip) == IpFamily.of(out.get(0))) {
                throw new ConversionException(path, "must be of the other IP family than spec.ips[0]");
            }
            out.add(ip);
        }
        return out;
    }

    private static List<ServicePort> ports(List<?> in) {
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> numbers = new HashMap<>();
        List<ServicePort> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            String path = FieldPaths.index("spec.ports", i);
            Map<?, ?> p = mapping(path, in.get(i));
            Object rawPort = p.get("port");
            if (rawPort == null) {
                throw new ConversionException(path + ".port", "required");
            }
            int port = port(path + ".port", rawPort);
            Protocol protocol = Fields.parse(path + ".protocol", optionalString(path + ".protocol", p.get("protocol")), Protocol::parse);
            String name = EndpointSliceConverter.portName(path + ".name", optionalString(path + ".name", p.get("name")));
            Integer twin = name == null ? null : names.putIfAbsent(name, i);
            if (twin != null) {
                throw new ConversionException(path + ".name", "duplicate port name \"" + name + "\" (also spec.ports[" + twin + "])");
            }
            Integer previous = numbers.putIfAbsent(port + "/" + protocol, i);
            if (previous != null) {
                throw new ConversionException(path, "duplicate port " + port + "/" + protocol + " (also spec.ports[" + previous + "])");
            }
            String appProtocol = Fields.appProtocol(path + ".appProtocol", optionalString(path + ".appProtocol", p.get("appProtocol")));
            out.add(new ServicePort(name, protocol, port, null, 0, appProtocol));
        }
        return out;
    }

    // A generic resource holds spec as parsed JSON: maps, lists, strings, numbers. The CRD's
    // schema types are checked here, with the messages the typed kinds get from the manifest reader.

    private static Map<?, ?> mapping(String path, Object value) {
        if (value instanceof Map<?, ?> m) {
            return m;
        }
        throw new ConversionException(path, "expected a mapping");
    }

    private static List<?> list(String path, Object value) {
        if (value instanceof List<?> l) {
            return l;
        }
        throw new ConversionException(path, "expected a list");
    }

    private static String string(String path, Object value) {
        if (value instanceof String s) {
            return s;
        }
        throw new ConversionException(path, "expected a string");
    }

    private static String optionalString(String path, Object value) {
        return value == null ? null : string(path, value);
    }

    /** An integer 1..65535 (the CRD's type is int32: a Service port's range is checked too). */
    private static int port(String path, Object value) {
        if (!(value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger)) {
            throw new ConversionException(path, "expected an integer" + (value instanceof String s ? ", got \"" + s + "\"" : ""));
        }
        Number n = (Number) value;
        if (value instanceof java.math.BigInteger || n.longValue() < 1 || n.longValue() > 65535) {
            throw new ConversionException(path, "must be 1..65535, got " + value);
        }
        return n.intValue();
    }
}
