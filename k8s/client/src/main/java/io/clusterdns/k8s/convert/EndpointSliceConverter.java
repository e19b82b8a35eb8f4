package io.clusterdns.k8s.convert;

import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceKey;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Converts a {@code discovery.k8s.io/v1} {@link EndpointSlice}. The slice belongs to the service
 * named by its {@code kubernetes.io/service-name} label; conditions follow the API's nil rules
 * (ready unknown = ready, serving unknown = ready, terminating unknown = not terminating).
 */
public final class EndpointSliceConverter {
    /** The label linking a slice to its Service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    /** API limits: 1000 endpoints per slice, 100 addresses per endpoint. */
    private static final int MAX_ENDPOINTS = 1000;
    private static final int MAX_ADDRESSES = 100;

    private EndpointSliceConverter() {
    }

    /**
     * Converts and validates. Empty for {@code addressType: FQDN} slices, which neither
     * kube-proxy nor cluster DNS use. Throws {@link ConversionException} naming the bad field.
     */
    public static Optional<EndpointSliceInfo> convert(EndpointSlice slice) {
        ObjectMeta meta = ObjectMetas.meta(slice.getMetadata());
        String namespace = ObjectMetas.namespace(meta);
        String name = ObjectMetas.name(meta, ObjectMetas.NameRule.DNS1123_SUBDOMAIN);
        String service = ObjectMetas.labels(meta).get(SERVICE_NAME_LABEL);
        if (Fields.isBlank(service)) {
            throw new ConversionException(FieldPaths.child("metadata.labels", SERVICE_NAME_LABEL), "required to link the slice to its Service");
        }
        String addressType = slice.getAddressType();
        if (Fields.isBlank(addressType)) {
            throw new ConversionException("addressType", "required (IPv4, IPv6 or FQDN)");
        }
        if (addressType.equals("FQDN")) {
            return Optional.empty();
        }
        IpFamily family = Fields.parse("addressType", addressType, IpFamily::parse);
        return Optional.of(new EndpointSliceInfo(name, ServiceKey.of(namespace, service), family,
                endpoints(slice.getEndpoints(), family), ports(slice.getPorts()), Fields.triggerTime(meta.getAnnotations())));
    }

    private static List<EndpointInfo> endpoints(List<Endpoint> raw, IpFamily family) {
        List<Endpoint> in = Fields.list(raw);
        if (in.size() > MAX_ENDPOINTS) {
            throw new ConversionException("endpoints", "at most " + MAX_ENDPOINTS + " endpoints per slice, got " + in.size());
        }
        List<EndpointInfo> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            String path = FieldPaths.index("endpoints", i);
            Endpoint ep = in.get(i);
            List<String> addresses = Fields.list(ep.getAddresses());
            if (addresses.isEmpty() || addresses.size() > MAX_ADDRESSES) {
                throw new ConversionException(path + ".addresses", "must hold 1.." + MAX_ADDRESSES + " addresses, got " + addresses.size());
            }
            EndpointConditions c = ep.getConditions();
            boolean ready = c == null || c.getReady() == null || c.getReady();
            boolean serving = c == null || c.getServing() == null ? ready : c.getServing();
            boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
            String hostname = Fields.optionalLabel(path + ".hostname", ep.getHostname());
            String pod = ep.getTargetRef() != null && "Pod".equals(ep.getTargetRef().getKind()) ? ep.getTargetRef().getName() : null;
            for (int a = 0; a < addresses.size(); a++) {
                InetAddress ip = Fields.ip(FieldPaths.index(path + ".addresses", a), addresses.get(a), family);
                out.add(new EndpointInfo(ip, hostname, shared(ep.getNodeName()), shared(ep.getZone()),
                        ready, serving, terminating, blankToNull(pod)));
            }
        }
        return out;
    }

    /**
     * Node and zone names repeat on every endpoint of the cluster while each parsed object brings
     * its own copies: one shared instance per distinct name saves ~50 bytes per endpoint.
     */
    private static String shared(String value) {
        String v = blankToNull(value);
        return v == null ? null : v.intern();
    }

    /** A port without a number means "all ports" in the API; no consumer here can use that, so it is left out. */
    private static List<EndpointPort> ports(List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort> raw) {
        var in = Fields.list(raw);
        List<EndpointPort> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            String path = FieldPaths.index("ports", i);
            var p = in.get(i);
            if (p.getPort() == null) {
                continue;
            }
            int port = Fields.portRange(path + ".port", p.getPort());
            Protocol protocol = Fields.parse(path + ".protocol", p.getProtocol(), Protocol::parse);
            out.add(new EndpointPort(portName(path + ".name", p.getName()), protocol, port, blankToNull(p.getAppProtocol())));
        }
        return out;
    }

    static String portName(String path, String name) {
        if (Fields.isBlank(name)) {
            return null;
        }
        if (!DnsNames.isDns1123Label(name)) {
            throw new ConversionException(path, Fields.quote(name) + " " + DnsNames.DNS1123_LABEL_RULE);
        }
        return name;
    }

    static String blankToNull(String s) {
        return Fields.isBlank(s) ? null : s;
    }
}
