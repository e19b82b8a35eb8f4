package io.clusterdns.server.plugin.autopath;

import io.clusterdns.resolver.Resolver;
import io.clusterdns.resolver.ResolverConfig;
import io.clusterdns.server.chain.Request;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** Where the search path of a query's client comes from. */
interface SearchPath {
    /**
     * The client's search path, first element first and the root last (the bare name is the last
     * name tried); null when it is not known: the query passes on untouched.
     */
    List<Name> of(Request request);

    /** The same path for every client: a resolv.conf file's search line. */
    static SearchPath fixed(List<Name> search) {
        List<Name> path = new ArrayList<>(search);
        path.add(Name.root);
        List<Name> all = List.copyOf(path);
        return request -> all;
    }

    /**
     * A pod's path, as the kubelet writes it into the pod's resolv.conf: {@code <ns>.svc.<zone>},
     * {@code svc.<zone>}, {@code <zone>}, then the node's search domains ({@code host}), where
     * {@code <zone>} is the kubernetes plugin's zone the question is in and {@code <ns>} the
     * namespace of the pod that has the client's address ({@link ClientNamespace}).
     */
    static SearchPath kubernetes(Resolver resolver, List<Name> host) {
        List<PodSearch> zones = resolver.config().zones().stream().filter(z -> !ResolverConfig.isReverse(z))
                .sorted(Comparator.comparingInt(Name::labels).reversed()).map(z -> PodSearch.of(z, host)).toList();
        return request -> {
            Name qname = request.qname();
            for (PodSearch z : zones) {
                if (qname.subdomain(z.zone())) {
                    String namespace = ClientNamespace.of(resolver.podSnapshot(), request.client().getAddress());
                    return namespace == null ? null : z.path(namespace);
                }
            }
            return null;
        };
    }

    /** One cluster zone's search path without its first element, made once. */
    record PodSearch(Name zone, Name svc, List<Name> rest) {
        static PodSearch of(Name zone, List<Name> host) {
            Name svc = Name.fromConstantString(zone.equals(Name.root) ? "svc." : "svc." + zone);
            List<Name> rest = new ArrayList<>(List.of(svc));
            if (!zone.equals(Name.root)) {
                rest.add(zone); // the root zone is the bare name, tried last anyway
            }
            rest.addAll(host);
            rest.add(Name.root);
            return new PodSearch(zone, svc, List.copyOf(rest));
        }

        List<Name> path(String namespace) {
            List<Name> path = new ArrayList<>(rest.size() + 1);
            try {
                path.add(Name.fromString(namespace, svc));
            } catch (TextParseException e) {
                return null; // not a DNS label: the API server allows no such namespace
            }
            path.addAll(rest);
            return path;
        }
    }
}
