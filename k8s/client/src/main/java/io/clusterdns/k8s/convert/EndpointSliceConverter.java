package io.clusterdns.k8s.convert;

import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.IpFamily;
import io.clusterdns.k8s.model.Protocol;
import io.clusterdns.k8s.model.ServiceKey;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Converts a {@code discovery.k8s.io/v1} {@link EndpointSlice}. The slice belongs to the service
 * named by its {@code kubernetes.io/service-name} label; conditions follow the API's nil rules
 * (ready unknown = ready, serving unknown = ready, terminating unknown = not terminating).
 *
 * <p>Validation is the API server's ({@code ValidateEndpointSlice}): a slice it would store is
 * never refused here. Two kinds of valid slices are of no use to kube-proxy or cluster DNS and
 * convert to nothing: {@code addressType: FQDN} slices, and slices without the service-name
 * label (they belong to no Service). {@link #ignoredBecause} says which. Slices an MCS controller
 * imported for a ServiceImport are read by {@link #convertImported} for the clusterset view.
 */
public final class EndpointSliceConverter {
    /** The label linking a slice to its Service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    /** The label linking a slice an MCS controller imported to its ServiceImport (KEP-1645). */
    public static final String MULTICLUSTER_SERVICE_NAME_LABEL = "multicluster.kubernetes.io/service-name";
    /** The cluster an imported slice's endpoints run in: its ID, one DNS label. */
    public static final String SOURCE_CLUSTER_LABEL = "multicluster.kubernetes.io/source-cluster";
    private static final String FQDN = "FQDN";
    /** API limits: 1000 endpoints per slice, 100 addresses per endpoint, 20000 ports per slice. */
    private static final int MAX_ENDPOINTS = 1000;
    private static final int MAX_ADDRESSES = 100;
    private static final int MAX_PORTS = 20000;
    /** API limit on {@code hints.forZones} and {@code hints.forNodes} of one endpoint. */
    private static final int MAX_HINTS = 8;

    private EndpointSliceConverter() {
    }

    /**
     * Validates and converts. Empty for the valid slices no consumer uses (see
     * {@link #ignoredBecause}). Throws {@link ConversionException} naming the bad field.
     */
    public static Optional<EndpointSliceInfo> convert(EndpointSlice slice) {
        return convert(slice, true);
    }

    /**
     * {@link #convert(EndpointSlice)}, keeping the names of the Pods the endpoints refer to
     * ({@link EndpointInfo#targetPodName}) only when {@code podNames}: a source whose consumers do
     * not read them keeps none (see {@code InformerConfig.endpointPodNames}).
     */
    public static Optional<EndpointSliceInfo> convert(EndpointSlice slice, boolean podNames) {
        return forService(parse(EndpointSliceFields.of(slice), podNames));
    }

    /** A slice both ways, {@link #convert} and {@link #convertImported}, validated once (a manifest load wants both). */
    public record Views(Optional<EndpointSliceInfo> service, Optional<ImportedSliceInfo> imported) {
    }

    /**
     * {@link #convert} and {@link #convertImported} of one slice; the slice is validated once
     * (validating it twice was a fifth of loading 50k services' manifests).
     */
    public static Views convertBoth(EndpointSliceFields slice) {
        Parsed p = parse(slice, true);
        return new Views(forService(p), imported(p));
    }

    private static Optional<EndpointSliceInfo> forService(Parsed p) {
        String service = p.labels().get(SERVICE_NAME_LABEL);
        if (p.family() == null || Fields.isBlank(service)) {
            return Optional.empty();
        }
        return Optional.of(p.info(service));
    }

    /**
     * The slice's place in the clusterset view (KEP-1645): the endpoints an MCS controller
     * imported for the ServiceImport named by {@value #MULTICLUSTER_SERVICE_NAME_LABEL}, from the
     * cluster named by {@value #SOURCE_CLUSTER_LABEL}. Validated as {@link #convert} does; empty
     * for slices that are not imported ones, or cannot be named per cluster
     * ({@link #importIgnoredBecause}). A slice may carry both service-name labels (an
     * implementation that also derives a local Service): it then converts both ways.
     */
    public static Optional<ImportedSliceInfo> convertImported(EndpointSlice slice) {
        return imported(parse(EndpointSliceFields.of(slice), true));
    }

    private static Optional<ImportedSliceInfo> imported(Parsed p) {
        String serviceImport = p.labels().get(MULTICLUSTER_SERVICE_NAME_LABEL);
        String cluster = p.labels().get(SOURCE_CLUSTER_LABEL);
        if (p.family() == null || Fields.isBlank(serviceImport) || !isClusterId(cluster)) {
            return Optional.empty();
        }
        return Optional.of(new ImportedSliceInfo(cluster, p.info(serviceImport)));
    }

    /**
     * Why a slice that {@link #convert} accepted converts to nothing, fit to follow "ignored: ";
     * empty when it is used.
     */
    public static Optional<String> ignoredBecause(EndpointSlice slice) {
        return ignoredBecause(EndpointSliceFields.of(slice));
    }

    /** {@link #ignoredBecause(EndpointSlice)} of the fields read from a manifest. */
    public static Optional<String> ignoredBecause(EndpointSliceFields slice) {
        if (FQDN.equals(slice.addressType())) {
            return Optional.of("addressType FQDN, which neither kube-proxy nor cluster DNS uses");
        }
        if (Fields.isBlank(labelsOf(slice).get(SERVICE_NAME_LABEL))) {
            return Optional.of("no " + SERVICE_NAME_LABEL + " label, so it belongs to no Service (kube-proxy and cluster DNS skip it)");
        }
        return Optional.empty();
    }

    /** Why a slice labelled for a ServiceImport is left out of the clusterset view; empty when it is in it (or is no imported slice). */
    public static Optional<String> importIgnoredBecause(EndpointSlice slice) {
        return importIgnoredBecause(EndpointSliceFields.of(slice));
    }

    /** {@link #importIgnoredBecause(EndpointSlice)} of the fields read from a manifest. */
    public static Optional<String> importIgnoredBecause(EndpointSliceFields slice) {
        Map<String, String> labels = labelsOf(slice);
        if (Fields.isBlank(labels.get(MULTICLUSTER_SERVICE_NAME_LABEL))) {
            return Optional.empty();
        }
        if (FQDN.equals(slice.addressType())) {
            return Optional.of("addressType FQDN, which cluster DNS does not use");
        }
        String cluster = labels.get(SOURCE_CLUSTER_LABEL);
        if (Fields.isBlank(cluster)) {
            return Optional.of("no " + SOURCE_CLUSTER_LABEL + " label, so its endpoints have no per-cluster names (every imported slice has one)");
        }
        if (!isClusterId(cluster)) {
            return Optional.of(SOURCE_CLUSTER_LABEL + " \"" + cluster + "\" has a dot; a cluster ID is one DNS label");
        }
        return Optional.empty();
    }

    /** A source-cluster label value that can be one label of a DNS name (label values may hold dots). */
    private static boolean isClusterId(String cluster) {
        return !Fields.isBlank(cluster) && cluster.indexOf('.') < 0;
    }

    private static Map<String, String> labelsOf(EndpointSliceFields slice) {
        return slice.metadata() == null ? Map.of() : Fields.map(slice.metadata().labels());
    }

    /** A validated slice before it is given to its owner (a Service or a ServiceImport); {@code family} null for FQDN. */
    private record Parsed(String namespace, String name, Map<String, String> labels, IpFamily family, List<EndpointInfo> endpoints,
                          List<EndpointPort> ports, Instant triggerTime) {
        EndpointSliceInfo info(String owner) {
            return new EndpointSliceInfo(name, ServiceKey.of(namespace, owner), family, endpoints, ports, triggerTime);
        }
    }

    private static Parsed parse(EndpointSliceFields slice, boolean podNames) {
        ObjectMetaFields meta = ObjectMetas.meta(slice.metadata());
        String namespace = ObjectMetas.namespace(meta);
        String name = ObjectMetas.name(meta, ObjectMetas.NameRule.DNS1123_SUBDOMAIN);
        Map<String, String> labels = ObjectMetas.labels(meta);
        String addressType = slice.addressType();
        if (Fields.isBlank(addressType)) {
            throw new ConversionException("addressType", "required (IPv4, IPv6 or FQDN)");
        }
        IpFamily family = addressType.equals(FQDN) ? null : Fields.parse("addressType", addressType, EndpointSliceConverter::family);
        List<EndpointInfo> endpoints = endpoints(slice.endpoints(), family, podNames);
        List<EndpointPort> ports = ports(slice.ports());
        return new Parsed(namespace, name, labels, family, endpoints, ports, Fields.triggerTime(meta.annotations()));
    }

    private static IpFamily family(String addressType) {
        return switch (addressType) {
            case "IPv4" -> IpFamily.IPV4;
            case "IPv6" -> IpFamily.IPV6;
            default -> throw new IllegalArgumentException("unsupported address type \"" + addressType + "\" (expected IPv4, IPv6 or FQDN)");
        };
    }

    /** {@code family} null: an FQDN slice, whose endpoints are validated and dropped; {@code podNames}: keep {@code targetRef}'s Pod names. */
    private static List<EndpointInfo> endpoints(List<EndpointSliceFields.EndpointFields> raw, IpFamily family, boolean podNames) {
        List<EndpointSliceFields.EndpointFields> in = Fields.list(raw);
        if (in.size() > MAX_ENDPOINTS) {
            throw new ConversionException("endpoints", "at most " + MAX_ENDPOINTS + " endpoints per slice, got " + in.size());
        }
        List<EndpointInfo> out = new ArrayList<>(family == null ? 0 : in.size());
        for (int i = 0; i < in.size(); i++) {
            String path = FieldPaths.index("endpoints", i);
            EndpointSliceFields.EndpointFields ep = in.get(i);
            List<String> addresses = Fields.list(ep.addresses());
            if (addresses.isEmpty() || addresses.size() > MAX_ADDRESSES) {
                throw new ConversionException(path + ".addresses", "must hold 1.." + MAX_ADDRESSES + " addresses, got " + addresses.size());
            }
            boolean ready = ep.ready() == null || ep.ready();
            boolean serving = ep.serving() == null ? ready : ep.serving();
            boolean terminating = Boolean.TRUE.equals(ep.terminating());
            // a field's path is made only when the field is there (or for its error): for every
            // endpoint of a large cluster they were most of the garbage of converting it
            String hostname = ep.hostname() == null ? null : Fields.optionalLabel(path + ".hostname", ep.hostname());
            String nodeName = ep.nodeName() == null ? null : Fields.nodeName(path + ".nodeName", ep.nodeName());
            String pod = podNames && "Pod".equals(ep.targetRefKind()) ? ep.targetRefName() : null;
            List<String> zoneHints = Fields.list(ep.forZones()).isEmpty() ? List.of() : zoneHints(path + ".hints.forZones", ep.forZones());
            List<String> nodeHints = Fields.list(ep.forNodes()).isEmpty() ? List.of() : nodeHints(path + ".hints.forNodes", ep.forNodes());
            for (int a = 0; a < addresses.size(); a++) {
                if (family == null) {
                    fqdn(FieldPaths.index(path + ".addresses", a), addresses.get(a));
                    continue;
                }
                InetAddress ip = Fields.validEndpointIp(addresses.get(a), family);
                if (ip == null) {
                    ip = Fields.endpointIp(FieldPaths.index(path + ".addresses", a), addresses.get(a), family);
                }
                out.add(new EndpointInfo(ip, hostname, shared(nodeName), shared(ep.zone()),
                        ready, serving, terminating, blankToNull(pod), zoneHints, nodeHints));
            }
        }
        return out;
    }

    /**
     * {@code hints.forZones}: at most {@value #MAX_HINTS} distinct zone names, each a label value
     * (so possibly empty: such a hint never names this node's zone, which is null when empty).
     */
    private static List<String> zoneHints(String path, List<EndpointSliceFields.Hint> zones) {
        return hintNames(path, Fields.list(zones).stream().map(EndpointSliceFields.Hint::name).toList(), DnsNames::isLabelValue,
                DnsNames.LABEL_VALUE_RULE);
    }

    /** {@code hints.forNodes} (PreferSameNode, Kubernetes 1.33+): at most {@value #MAX_HINTS} distinct node names. */
    private static List<String> nodeHints(String path, List<EndpointSliceFields.Hint> nodes) {
        return hintNames(path, Fields.list(nodes).stream().map(EndpointSliceFields.Hint::name).toList(), DnsNames::isDns1123Subdomain,
                DnsNames.DNS1123_SUBDOMAIN_RULE);
    }

    private static List<String> hintNames(String path, List<String> names, java.util.function.Predicate<String> valid, String rule) {
        if (names.isEmpty()) {
            return List.of();
        }
        if (names.size() > MAX_HINTS) {
            throw new ConversionException(path, "must have at most " + MAX_HINTS + " items, got " + names.size());
        }
        Map<String, Integer> seen = new HashMap<>();
        List<String> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String itemPath = FieldPaths.index(path, i) + ".name";
            String name = names.get(i) == null ? "" : names.get(i);
            // the API server accepts an empty zone name (a label value may be empty), never an empty node name
            if (!valid.test(name)) {
                throw new ConversionException(itemPath, Fields.quote(name) + " " + rule);
            }
            Integer twin = seen.putIfAbsent(name, i);
            if (twin != null) {
                throw new ConversionException(itemPath, "duplicate value " + Fields.quote(name) + " (also item " + twin + ")");
            }
            out.add(name.intern());
        }
        return out;
    }

    private static void fqdn(String path, String address) {
        if (!DnsNames.isFullyQualifiedDomainName(address)) {
            throw new ConversionException(path, Fields.quote(address) + " " + DnsNames.FQDN_RULE);
        }
    }

    /**
     * Node and zone names repeat on every endpoint of the cluster while each parsed object brings
     * its own copies: one shared instance per distinct name saves ~50 bytes per endpoint.
     */
    private static String shared(String value) {
        String v = blankToNull(value);
        return v == null ? null : v.intern();
    }

    /**
     * The API leaves a slice port's number unchecked; nil means "all ports". kube-proxy skips a
     * port without a usable number, and so does this: ports outside 1..65535 are left out.
     */
    private static List<EndpointPort> ports(List<EndpointSliceFields.PortFields> raw) {
        var in = Fields.list(raw);
        if (in.size() > MAX_PORTS) {
            throw new ConversionException("ports", "at most " + MAX_PORTS + " ports per slice, got " + in.size());
        }
        Map<String, Integer> names = new HashMap<>();
        List<EndpointPort> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            String path = FieldPaths.index("ports", i);
            var p = in.get(i);
            // a field's path is made only for its error
            String name = p.name() != null && DnsNames.isDns1123Label(p.name()) ? p.name() : portName(path + ".name", p.name());
            Integer twin = names.putIfAbsent(name == null ? "" : name, i);
            if (twin != null) {
                throw new ConversionException(path + ".name", name == null
                        ? "duplicate unnamed port (also ports[" + twin + "]); at most one port may be unnamed"
                        : "duplicate port name \"" + name + "\" (also ports[" + twin + "])");
            }
            Protocol protocol = Fields.parse(path, ".protocol", p.protocol(), Protocol::parse);
            String appProtocol = p.appProtocol() == null ? null : Fields.appProtocol(path + ".appProtocol", p.appProtocol());
            Integer port = p.port();
            if (port != null && port >= 1 && port <= 65535) {
                out.add(new EndpointPort(name, protocol, port, appProtocol));
            }
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
