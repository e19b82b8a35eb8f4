package io.clusterdns.k8s.convert;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointHints;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.ForNode;
import io.fabric8.kubernetes.api.model.discovery.v1.ForZone;
import java.util.ArrayList;
import java.util.List;

/**
 * The fields of an EndpointSlice that {@link EndpointSliceConverter} reads, whoever read them:
 * {@link #of} a fabric8 {@link EndpointSlice} (informers, and manifests whose tree is not plain),
 * or the manifest reader straight from the YAML tree, without binding to fabric8's model (that
 * binding was an eighth of a 50k-service start). The converter's rules apply to this record
 * only, so both readers accept and refuse the same slices with the same messages.
 *
 * <p>Nulls are kept where fabric8 has them (a null list item stays a null item), so that a
 * converted slice fails at the same field as before.
 */
public record EndpointSliceFields(ObjectMetaFields metadata, String addressType, List<EndpointFields> endpoints,
                                  List<PortFields> ports) {

    /** One endpoint; {@code ready}, {@code serving} and {@code terminating} null when unset (or no {@code conditions}). */
    public record EndpointFields(List<String> addresses, Boolean ready, Boolean serving, Boolean terminating, String hostname,
                                 String nodeName, String zone, String targetRefKind, String targetRefName, List<Hint> forZones,
                                 List<Hint> forNodes) {
    }

    /** An item of {@code hints.forZones} or {@code hints.forNodes}; a null item stays null. */
    public record Hint(String name) {
    }

    /** One item of {@code ports}. */
    public record PortFields(String name, String protocol, String appProtocol, Integer port) {
    }

    public static EndpointSliceFields of(EndpointSlice slice) {
        List<EndpointFields> endpoints = slice.getEndpoints() == null ? null : new ArrayList<>(slice.getEndpoints().size());
        if (endpoints != null) {
            for (Endpoint ep : slice.getEndpoints()) {
                endpoints.add(ep == null ? null : endpoint(ep));
            }
        }
        List<PortFields> ports = slice.getPorts() == null ? null : new ArrayList<>(slice.getPorts().size());
        if (ports != null) {
            for (var p : slice.getPorts()) {
                ports.add(p == null ? null : new PortFields(p.getName(), p.getProtocol(), p.getAppProtocol(), p.getPort()));
            }
        }
        return new EndpointSliceFields(ObjectMetaFields.of(slice.getMetadata()), slice.getAddressType(), endpoints, ports);
    }

    private static EndpointFields endpoint(Endpoint ep) {
        EndpointConditions c = ep.getConditions();
        EndpointHints hints = ep.getHints();
        List<Hint> zones = null;
        List<Hint> nodes = null;
        if (hints != null && hints.getForZones() != null) {
            zones = new ArrayList<>(hints.getForZones().size());
            for (ForZone z : hints.getForZones()) {
                zones.add(z == null ? null : new Hint(z.getName()));
            }
        }
        if (hints != null && hints.getForNodes() != null) {
            nodes = new ArrayList<>(hints.getForNodes().size());
            for (ForNode n : hints.getForNodes()) {
                nodes.add(n == null ? null : new Hint(n.getName()));
            }
        }
        return new EndpointFields(ep.getAddresses(), c == null ? null : c.getReady(), c == null ? null : c.getServing(),
                c == null ? null : c.getTerminating(), ep.getHostname(), ep.getNodeName(), ep.getZone(),
                ep.getTargetRef() == null ? null : ep.getTargetRef().getKind(),
                ep.getTargetRef() == null ? null : ep.getTargetRef().getName(), zones, nodes);
    }
}
