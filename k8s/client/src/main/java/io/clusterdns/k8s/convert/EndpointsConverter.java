package io.clusterdns.k8s.convert;

import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceKey;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Converts a legacy {@code v1 Endpoints} object into slices, as the EndpointSlice mirroring
 * controller would: one slice per subset and address family. {@code addresses} become ready and
 * serving endpoints, {@code notReadyAddresses} neither. The object's name is the service's name.
 * Validation is the API server's ({@code ValidateEndpoints}).
 */
public final class EndpointsConverter {
    private EndpointsConverter() {
    }

    /** The service an Endpoints object belongs to: the one with the same namespace and name. */
    public static ServiceKey serviceOf(Endpoints endpoints) {
        ObjectMeta meta = ObjectMetas.meta(endpoints.getMetadata());
        return ServiceKey.of(ObjectMetas.namespace(meta), ObjectMetas.name(meta, ObjectMetas.NameRule.DNS1123_SUBDOMAIN));
    }

    /** Converts and validates; throws {@link ConversionException} naming the bad field. */
    public static List<EndpointSliceInfo> convert(Endpoints endpoints) {
        ServiceKey service = serviceOf(endpoints);
        String name = service.name();
        ObjectMeta meta = endpoints.getMetadata();
        Instant trigger = Fields.triggerTime(meta.getAnnotations());
        List<EndpointSubset> subsets = Fields.list(endpoints.getSubsets());
        List<EndpointSliceInfo> out = new ArrayList<>();
        for (int i = 0; i < subsets.size(); i++) {
            String path = FieldPaths.index("subsets", i);
            EndpointSubset subset = subsets.get(i);
            if (Fields.list(subset.getAddresses()).isEmpty() && Fields.list(subset.getNotReadyAddresses()).isEmpty()) {
                throw new ConversionException(path, "must specify addresses or notReadyAddresses");
            }
            List<EndpointPort> ports = ports(path, subset.getPorts());
            Map<IpFamily, List<EndpointInfo>> byFamily = new EnumMap<>(IpFamily.class);
            addresses(path + ".addresses", subset.getAddresses(), true, byFamily);
            addresses(path + ".notReadyAddresses", subset.getNotReadyAddresses(), false, byFamily);
            for (Map.Entry<IpFamily, List<EndpointInfo>> e : byFamily.entrySet()) {
                String sliceName = name + "-" + i + "-" + e.getKey().name().toLowerCase(Locale.ROOT);
                out.add(new EndpointSliceInfo(sliceName, service, e.getKey(), e.getValue(), ports, trigger));
            }
        }
        return out;
    }

    private static void addresses(String path, List<EndpointAddress> raw, boolean ready, Map<IpFamily, List<EndpointInfo>> out) {
        List<EndpointAddress> in = Fields.list(raw);
        for (int j = 0; j < in.size(); j++) {
            String p = FieldPaths.index(path, j);
            EndpointAddress a = in.get(j);
            InetAddress ip = Fields.endpointIp(p + ".ip", a.getIp(), null);
            String hostname = Fields.optionalLabel(p + ".hostname", a.getHostname());
            String nodeName = Fields.nodeName(p + ".nodeName", a.getNodeName());
            String pod = a.getTargetRef() != null && "Pod".equals(a.getTargetRef().getKind()) ? a.getTargetRef().getName() : null;
            EndpointInfo ep = new EndpointInfo(ip, hostname, nodeName, null, ready, ready, false, EndpointSliceConverter.blankToNull(pod));
            out.computeIfAbsent(ep.family(), f -> new ArrayList<>()).add(ep);
        }
    }

    private static List<EndpointPort> ports(String subsetPath, List<io.fabric8.kubernetes.api.model.EndpointPort> raw) {
        var in = Fields.list(raw);
        List<EndpointPort> out = new ArrayList<>(in.size());
        for (int k = 0; k < in.size(); k++) {
            String path = FieldPaths.index(subsetPath + ".ports", k);
            var p = in.get(k);
            String name = EndpointSliceConverter.portName(path + ".name", p.getName());
            if (name == null && in.size() > 1) {
                throw new ConversionException(path + ".name", "required when the subset has more than one port");
            }
            int port = Fields.port(path + ".port", p.getPort());
            Protocol protocol = Fields.parse(path + ".protocol", p.getProtocol(), Protocol::parse);
            out.add(new EndpointPort(name, protocol, port, Fields.appProtocol(path + ".appProtocol", p.getAppProtocol())));
        }
        return out;
    }
}
