package io.clusterdns.resolver;

import io.clusterdns.k8s.model.EndpointInfo;
import io.clusterdns.k8s.model.EndpointPort;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.IpAddresses;
import io.clusterdns.k8s.model.LoadBalancerIngress;
import io.clusterdns.k8s.model.ServiceInfo;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * The DNS view of one service, computed once per snapshot change of that service: its shape, its
 * addresses and its ready endpoints keyed by label. Query-time work is then filtering these lists.
 */
final class ServiceEntry {

    /** How the service answers. */
    enum Shape {
        /** Answers with its cluster IPs. */
        CLUSTER_IP,
        /** Answers with its ready endpoints. */
        HEADLESS,
        /** Answers with a CNAME to {@link #externalName()}. */
        EXTERNAL_NAME,
        /** Has no records at all (headless without ready endpoints, IP-valued externalName, ignored empty service): NXDOMAIN. */
        ABSENT
    }

    /*
     * Four fields, 32 bytes: one entry per service, 50,000 of them in a large cluster. Nothing the
     * service record already holds is copied: the entry's DNS name is made when an SRV or PTR answer
     * needs it (a dnsjava Name and its bytes cost 72 bytes a service, 4 MB at 50,000, for answers
     * the fast path keeps encoded anyway), endpoints are found by name in the endpoint columns
     * (a map of records per named endpoint cost 2 MB for 5,000 headless services), and the usual
     * service's endpoints are its slices' own, read through a view made on demand (a view kept per
     * service cost 1 MB). Which configuration the entry was computed with is its index's (an index
     * reuses entries only from the index before it, built by the same resolver with the same
     * configuration), but for whether pod names name endpoints, which the view needs.
     */
    private final ServiceInfo service;
    private final Shape shape;
    private final Name externalName;
    /**
     * An {@link EndpointList}, or the service's slices to view as {@link SliceEndpoints}: its one
     * slice itself (most services; a one-element list cost 24 bytes each, 1 MB at 50,000), else a
     * {@code List<EndpointSliceInfo>}.
     */
    private final Object endpoints;
    private final boolean podNames;

    private ServiceEntry(ServiceInfo service, Shape shape, Name externalName, Object endpoints, boolean podNames) {
        this.service = service;
        this.shape = shape;
        this.externalName = externalName;
        this.endpoints = endpoints;
        this.podNames = podNames;
        relative(relativeText()); // refuses a name that is no DNS name now, not at the first SRV query
    }

    static ServiceEntry build(ServiceInfo service, List<EndpointSliceInfo> slices, ResolverConfig config) {
        List<ReadyEndpoint> ready = readyEndpoints(slices, config.endpointPodNames());
        Shape shape;
        Name target = null;
        if (service.isExternalName()) {
            target = externalTarget(service.externalName());
            shape = target == null ? Shape.ABSENT : Shape.EXTERNAL_NAME;
        } else if (service.headless()) {
            shape = ready.isEmpty() ? Shape.ABSENT : Shape.HEADLESS;
        } else if (!service.hasClusterIP() || (config.ignoreEmptyService() && ready.isEmpty())) {
            shape = Shape.ABSENT;
        } else {
            shape = Shape.CLUSTER_IP;
        }
        boolean podNames = config.endpointPodNames();
        Object endpoints = ready.isEmpty() ? SliceEndpoints.NONE
                : SliceEndpoints.fits(slices, ready) ? (slices.size() == 1 ? slices.get(0) : List.copyOf(slices))
                : ReadyEndpoints.of(ready);
        return new ServiceEntry(service, shape, target, endpoints, podNames);
    }

    /**
     * Ready addresses of all slices, first occurrence wins, ordered by slice name for stable
     * answers. An address in several slices gets the union of their ports; otherwise it shares
     * its slice's port list.
     */
    static List<ReadyEndpoint> readyEndpoints(List<EndpointSliceInfo> slices, boolean podNames) {
        if (slices.isEmpty()) {
            return List.of();
        }
        List<EndpointSliceInfo> ordered = new ArrayList<>(slices);
        ordered.sort(Comparator.comparing(EndpointSliceInfo::name));
        Map<InetAddress, Integer> seen = new HashMap<>();
        List<ReadyEndpoint> out = new ArrayList<>();
        for (EndpointSliceInfo slice : ordered) {
            for (EndpointInfo ep : slice.endpoints()) {
                if (!ep.ready()) {
                    continue;
                }
                InetAddress address = ep.address(); // an IPv4 endpoint makes its InetAddress on each call
                Integer at = seen.putIfAbsent(address, out.size());
                if (at == null) {
                    out.add(new ReadyEndpoint(address, name(ep, podNames), slice.ports()));
                } else if (!out.get(at).ports().containsAll(slice.ports())) {
                    ReadyEndpoint first = out.get(at);
                    LinkedHashSet<EndpointPort> union = new LinkedHashSet<>(first.ports());
                    union.addAll(slice.ports());
                    out.set(at, new ReadyEndpoint(first.address(), first.name(), List.copyOf(union)));
                }
            }
        }
        return out;
    }

    /**
     * The endpoint's own name, CoreDNS's order: hostname, else the pod name (endpoint_pod_names),
     * else null (known by its dashed IP).
     */
    static String name(EndpointInfo ep, boolean podNames) {
        if (ep.hostname() != null && !ep.hostname().isEmpty()) {
            return ep.hostname().toLowerCase(java.util.Locale.ROOT);
        }
        String pod = ep.targetPodName();
        if (podNames && pod != null && !pod.isEmpty() && pod.length() <= 63 && pod.indexOf('.') < 0) {
            return pod;
        }
        return null;
    }

    /** The CNAME target of an ExternalName service, or null when it is an IP (no record) or not a name. */
    private static Name externalTarget(String externalName) {
        if (IpAddresses.isLiteral(externalName)) {
            return null;
        }
        try {
            return Name.fromString(externalName, Name.root);
        } catch (TextParseException e) {
            return null;
        }
    }

    static Name relative(String text) {
        try {
            return Name.fromString(text);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("service name is not a DNS name: " + text, e);
        }
    }

    ServiceInfo service() {
        return service;
    }

    Shape shape() {
        return shape;
    }

    Name externalName() {
        return externalName;
    }

    /** The ready endpoints, in order (the slices' own made into a view here). */
    @SuppressWarnings("unchecked")
    EndpointList endpoints() {
        if (endpoints instanceof EndpointList l) {
            return l;
        }
        return new SliceEndpoints(endpoints instanceof EndpointSliceInfo one ? List.of(one) : (List<EndpointSliceInfo>) endpoints, podNames);
    }

    /** The ready endpoint at {@code address}, which the caller knows this service has (the PTR index). */
    ReadyEndpoint endpointAt(InetAddress address) {
        EndpointList endpoints = endpoints();
        for (int i = 0; i < endpoints.size(); i++) {
            if (endpoints.hasAddress(i, address)) {
                return endpoints.get(i);
            }
        }
        throw new IllegalStateException(address + " is not an endpoint of " + service.key());
    }

    /**
     * The ready endpoints labelled {@code label}: by name, else an endpoint without a name whose
     * dashed IP is exactly {@code label} (found by address, then checked against the canonical
     * spelling so {@code 10-244-01-5} does not match).
     */
    List<ReadyEndpoint> endpointsByLabel(String label) {
        EndpointList endpoints = endpoints();
        List<ReadyEndpoint> named = endpoints.named(label);
        if (!named.isEmpty()) {
            return named;
        }
        InetAddress address = PodName.toAddress(label);
        if (address == null) {
            return List.of();
        }
        for (int i = 0; i < endpoints.size(); i++) {
            if (endpoints.name(i) == null && endpoints.hasAddress(i, address) && PodName.label(address).equals(label)) {
                return List.of(endpoints.get(i));
            }
        }
        return List.of();
    }

    /**
     * The addresses the service is reached at from outside the cluster, as CoreDNS's
     * {@code k8s_external} takes them: {@code spec.externalIPs}, then the load balancer's ingress
     * IPs, each once.
     */
    List<InetAddress> externalIps() {
        List<InetAddress> spec = service.externalIPs();
        List<LoadBalancerIngress> ingress = service.loadBalancerIngress();
        if (ingress.isEmpty() && spec.size() < 2) {
            return spec;
        }
        LinkedHashSet<InetAddress> all = new LinkedHashSet<>(spec);
        for (LoadBalancerIngress in : ingress) {
            if (in.ip() != null) {
                all.add(in.ip());
            }
        }
        return List.copyOf(all);
    }

    /** The load balancer's ingress hostnames (a cloud load balancer known by name, such as AWS's), absolute. */
    List<Name> externalHostnames() {
        List<Name> out = new ArrayList<>(0);
        for (LoadBalancerIngress in : service.loadBalancerIngress()) {
            if (in.ip() == null && in.hostname() != null) {
                try {
                    out.add(Name.fromString(in.hostname(), Name.root));
                } catch (TextParseException e) {
                    // the API server validates the hostname as a DNS name: nothing to answer otherwise
                }
            }
        }
        return out;
    }

    /** True when the service has a named port of this protocol (the {@code _proto} node exists). */
    boolean hasNamedPortWithProtocol(String protocol) {
        if (shape == Shape.HEADLESS) {
            return endpoints().stream().flatMap(e -> e.ports().stream())
                    .anyMatch(p -> p.name() != null && p.protocol().label().equals(protocol));
        }
        return service.ports().stream().anyMatch(p -> p.name() != null && p.protocol().label().equals(protocol));
    }

    /** {@code <svc>.<ns>.svc.<zone>} */
    Name name(Name zone) {
        return concat(relative(relativeText()), zone);
    }

    private String relativeText() {
        return service.name() + "." + service.namespace() + ".svc";
    }

    /** {@code <label>.<svc>.<ns>.svc.<zone>} */
    Name endpointName(String label, Name zone) {
        return concat(relative(label), name(zone));
    }

    static Name concat(Name prefix, Name suffix) {
        try {
            return Name.concatenate(prefix, suffix);
        } catch (org.xbill.DNS.NameTooLongException e) {
            throw new IllegalArgumentException("name too long: " + prefix + suffix, e);
        }
    }
}
