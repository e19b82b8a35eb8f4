package io.clusterdns.k8s.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterdns.k8s.convert.EndpointSliceFields;
import io.clusterdns.k8s.convert.ObjectMetaFields;
import io.clusterdns.k8s.convert.ServiceFields;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the fields a converter uses straight from a document's tree, without binding it to
 * fabric8's model (the binding, and building Jackson's deserializers for fabric8's classes on a
 * cold JVM, was an eighth of a 50k-service start). Only plain trees are read: every field one
 * this reader knows, every value of exactly the JSON type fabric8's field has (a string for a
 * string, an int for an Integer, true/false for a Boolean, no nulls). For such a tree the binding
 * is a plain copy, so the fields are the ones binding would give, and the converter (the one
 * implementation of the rules) accepts or refuses them with the same messages. Anything else (an
 * unknown or unread field, a number where a string is expected, a quoted port) returns null and
 * the caller binds to fabric8 as before, whose coercions and type errors stay Jackson's.
 * {@code PlainTreesTest} compares both ways over the repository's manifests, the benchmark's
 * cluster and generated mutations.
 */
final class PlainTrees {
    /** Thrown inside the reader when the tree is not plain; no stack trace (it is control flow). */
    private static final class NotPlain extends RuntimeException {
        NotPlain() {
            super(null, null, false, false);
        }
    }

    private static final NotPlain NOT_PLAIN = new NotPlain();

    /** Fields of ObjectMeta that are strings in fabric8's model and that the converters do not read. */
    private static final Set<String> META_IGNORED_STRINGS = Set.of("uid", "resourceVersion", "creationTimestamp", "selfLink");
    /** Fields of ObjectReference (an endpoint's targetRef), all strings in fabric8's model. */
    private static final Set<String> TARGET_REF_STRINGS = Set.of("kind", "name", "namespace", "uid", "apiVersion", "resourceVersion",
            "fieldPath");

    /** Fields of ServiceSpec that are strings in fabric8's model and that the converter does not read. */
    private static final Set<String> SPEC_IGNORED_STRINGS = Set.of("loadBalancerIP", "loadBalancerClass");

    private PlainTrees() {
    }

    /** The fields of a v1 Service, or null when the tree is not plain. */
    static ServiceFields service(JsonNode node) {
        try {
            ObjectMetaFields meta = null;
            ServiceFields.Spec spec = null;
            List<ServiceFields.Ingress> ingress = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = object(node).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "apiVersion", "kind" -> text(v);
                    case "metadata" -> meta = meta(v);
                    case "spec" -> spec = spec(v);
                    case "status" -> ingress = ingressOfStatus(v);
                    default -> throw NOT_PLAIN;
                }
            }
            return new ServiceFields(meta, spec, ingress);
        } catch (NotPlain e) {
            return null;
        }
    }

    private static ServiceFields.Spec spec(JsonNode node) {
        String type = null;
        String clusterIP = null;
        List<String> clusterIPs = null;
        List<String> ipFamilies = null;
        String ipFamilyPolicy = null;
        List<ServiceFields.Port> ports = null;
        Map<String, String> selector = null;
        List<String> externalIPs = null;
        String externalTrafficPolicy = null;
        String internalTrafficPolicy = null;
        String externalName = null;
        String sessionAffinity = null;
        Integer timeout = null;
        Boolean publishNotReady = null;
        String trafficDistribution = null;
        List<String> sourceRanges = null;
        Integer healthCheckNodePort = null;
        Boolean allocateNodePorts = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = object(node).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "type" -> type = text(v);
                case "clusterIP" -> clusterIP = text(v);
                case "clusterIPs" -> clusterIPs = texts(v);
                case "ipFamilies" -> ipFamilies = texts(v);
                case "ipFamilyPolicy" -> ipFamilyPolicy = text(v);
                case "ports" -> ports = servicePorts(v);
                case "selector" -> selector = strings(v);
                case "externalIPs" -> externalIPs = texts(v);
                case "externalTrafficPolicy" -> externalTrafficPolicy = text(v);
                case "internalTrafficPolicy" -> internalTrafficPolicy = text(v);
                case "externalName" -> externalName = text(v);
                case "sessionAffinity" -> sessionAffinity = text(v);
                case "sessionAffinityConfig" -> timeout = sessionAffinityTimeout(v);
                case "publishNotReadyAddresses" -> publishNotReady = bool(v);
                case "trafficDistribution" -> trafficDistribution = text(v);
                case "loadBalancerSourceRanges" -> sourceRanges = texts(v);
                case "healthCheckNodePort" -> healthCheckNodePort = integer(v);
                case "allocateLoadBalancerNodePorts" -> allocateNodePorts = bool(v);
                default -> {
                    if (!SPEC_IGNORED_STRINGS.contains(e.getKey())) {
                        throw NOT_PLAIN;
                    }
                    text(v);
                }
            }
        }
        return new ServiceFields.Spec(type, clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, ports, selector, externalIPs,
                externalTrafficPolicy, internalTrafficPolicy, externalName, sessionAffinity, timeout, publishNotReady,
                trafficDistribution, sourceRanges, healthCheckNodePort, allocateNodePorts);
    }

    /** {@code sessionAffinityConfig.clientIP.timeoutSeconds}, null when any level is absent. */
    private static Integer sessionAffinityTimeout(JsonNode node) {
        Integer timeout = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = object(node).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("clientIP")) {
                throw NOT_PLAIN;
            }
            for (Iterator<Map.Entry<String, JsonNode>> c = object(e.getValue()).fields(); c.hasNext(); ) {
                Map.Entry<String, JsonNode> clientIp = c.next();
                if (!clientIp.getKey().equals("timeoutSeconds")) {
                    throw NOT_PLAIN;
                }
                timeout = integer(clientIp.getValue());
            }
        }
        return timeout;
    }

    private static List<ServiceFields.Port> servicePorts(JsonNode node) {
        List<ServiceFields.Port> out = new ArrayList<>(array(node).size());
        for (int k = 0; k < node.size(); k++) {
            JsonNode p = node.get(k);
            String name = null;
            String protocol = null;
            String appProtocol = null;
            Integer port = null;
            Integer targetNumber = null;
            String targetName = null;
            Integer nodePort = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = object(p).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "name" -> name = text(v);
                    case "protocol" -> protocol = text(v);
                    case "appProtocol" -> appProtocol = text(v);
                    case "port" -> port = integer(v);
                    case "nodePort" -> nodePort = integer(v);
                    case "targetPort" -> {
                        // fabric8's IntOrString: an int is a number, a string a name (digits too)
                        if (v.isInt()) {
                            targetNumber = v.intValue();
                        } else {
                            targetName = text(v);
                        }
                    }
                    default -> throw NOT_PLAIN;
                }
            }
            out.add(new ServiceFields.Port(name, protocol, appProtocol, port, targetNumber, targetName, nodePort));
        }
        return out;
    }

    /** {@code status.loadBalancer.ingress}: null when absent, as {@link ServiceFields#ingress()} wants. */
    private static List<ServiceFields.Ingress> ingressOfStatus(JsonNode node) {
        List<ServiceFields.Ingress> out = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = object(node).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals("loadBalancer")) {
                throw NOT_PLAIN;
            }
            for (Iterator<Map.Entry<String, JsonNode>> l = object(e.getValue()).fields(); l.hasNext(); ) {
                Map.Entry<String, JsonNode> lb = l.next();
                if (!lb.getKey().equals("ingress")) {
                    throw NOT_PLAIN;
                }
                out = new ArrayList<>(array(lb.getValue()).size());
                for (int k = 0; k < lb.getValue().size(); k++) {
                    JsonNode item = lb.getValue().get(k);
                    String ip = null;
                    String hostname = null;
                    String ipMode = null;
                    for (Iterator<Map.Entry<String, JsonNode>> f = object(item).fields(); f.hasNext(); ) {
                        Map.Entry<String, JsonNode> field = f.next();
                        switch (field.getKey()) {
                            case "ip" -> ip = text(field.getValue());
                            case "hostname" -> hostname = text(field.getValue());
                            case "ipMode" -> ipMode = text(field.getValue());
                            default -> throw NOT_PLAIN;
                        }
                    }
                    out.add(new ServiceFields.Ingress(ip, hostname, ipMode));
                }
            }
        }
        return out;
    }

    /** The fields of a {@code discovery.k8s.io/v1} EndpointSlice, or null when the tree is not plain. */
    static EndpointSliceFields endpointSlice(JsonNode node) {
        try {
            ObjectMetaFields meta = null;
            String addressType = null;
            List<EndpointSliceFields.EndpointFields> endpoints = null;
            List<EndpointSliceFields.PortFields> ports = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = object(node).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "apiVersion", "kind" -> text(v);
                    case "metadata" -> meta = meta(v);
                    case "addressType" -> addressType = text(v);
                    case "endpoints" -> endpoints = endpoints(v);
                    case "ports" -> ports = slicePorts(v);
                    default -> throw NOT_PLAIN;
                }
            }
            return new EndpointSliceFields(meta, addressType, endpoints, ports);
        } catch (NotPlain e) {
            return null;
        }
    }

    private static List<EndpointSliceFields.EndpointFields> endpoints(JsonNode node) {
        List<EndpointSliceFields.EndpointFields> out = new ArrayList<>(array(node).size());
        for (int k = 0; k < node.size(); k++) {
            JsonNode ep = node.get(k);
            List<String> addresses = null;
            Boolean ready = null;
            Boolean serving = null;
            Boolean terminating = null;
            String hostname = null;
            String nodeName = null;
            String zone = null;
            String refKind = null;
            String refName = null;
            List<EndpointSliceFields.Hint> zones = null;
            List<EndpointSliceFields.Hint> nodes = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = object(ep).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "addresses" -> addresses = texts(v);
                    case "conditions" -> {
                        for (Iterator<Map.Entry<String, JsonNode>> c = object(v).fields(); c.hasNext(); ) {
                            Map.Entry<String, JsonNode> condition = c.next();
                            switch (condition.getKey()) {
                                case "ready" -> ready = bool(condition.getValue());
                                case "serving" -> serving = bool(condition.getValue());
                                case "terminating" -> terminating = bool(condition.getValue());
                                default -> throw NOT_PLAIN;
                            }
                        }
                    }
                    case "hostname" -> hostname = text(v);
                    case "nodeName" -> nodeName = text(v);
                    case "zone" -> zone = text(v);
                    case "targetRef" -> {
                        for (Iterator<Map.Entry<String, JsonNode>> r = object(v).fields(); r.hasNext(); ) {
                            Map.Entry<String, JsonNode> ref = r.next();
                            if (!TARGET_REF_STRINGS.contains(ref.getKey())) {
                                throw NOT_PLAIN;
                            }
                            String value = text(ref.getValue());
                            if (ref.getKey().equals("kind")) {
                                refKind = value;
                            } else if (ref.getKey().equals("name")) {
                                refName = value;
                            }
                        }
                    }
                    case "hints" -> {
                        for (Iterator<Map.Entry<String, JsonNode>> h = object(v).fields(); h.hasNext(); ) {
                            Map.Entry<String, JsonNode> hint = h.next();
                            switch (hint.getKey()) {
                                case "forZones" -> zones = hints(hint.getValue());
                                case "forNodes" -> nodes = hints(hint.getValue());
                                default -> throw NOT_PLAIN;
                            }
                        }
                    }
                    default -> throw NOT_PLAIN;
                }
            }
            out.add(new EndpointSliceFields.EndpointFields(addresses, ready, serving, terminating, hostname, nodeName, zone,
                    refKind, refName, zones, nodes));
        }
        return out;
    }

    private static List<EndpointSliceFields.Hint> hints(JsonNode node) {
        List<EndpointSliceFields.Hint> out = new ArrayList<>(array(node).size());
        for (int k = 0; k < node.size(); k++) {
            JsonNode item = node.get(k);
            String name = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = object(item).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("name")) {
                    throw NOT_PLAIN;
                }
                name = text(e.getValue());
            }
            out.add(new EndpointSliceFields.Hint(name));
        }
        return out;
    }

    private static List<EndpointSliceFields.PortFields> slicePorts(JsonNode node) {
        List<EndpointSliceFields.PortFields> out = new ArrayList<>(array(node).size());
        for (int k = 0; k < node.size(); k++) {
            JsonNode p = node.get(k);
            String name = null;
            String protocol = null;
            String appProtocol = null;
            Integer port = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = object(p).fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                switch (e.getKey()) {
                    case "name" -> name = text(v);
                    case "protocol" -> protocol = text(v);
                    case "appProtocol" -> appProtocol = text(v);
                    case "port" -> port = integer(v);
                    default -> throw NOT_PLAIN;
                }
            }
            out.add(new EndpointSliceFields.PortFields(name, protocol, appProtocol, port));
        }
        return out;
    }

    private static ObjectMetaFields meta(JsonNode node) {
        String name = null;
        String generateName = null;
        String namespace = null;
        Map<String, String> labels = null;
        Map<String, String> annotations = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = object(node).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "name" -> name = text(v);
                case "generateName" -> generateName = text(v);
                case "namespace" -> namespace = text(v);
                case "labels" -> labels = strings(v);
                case "annotations" -> annotations = strings(v);
                default -> {
                    if (!META_IGNORED_STRINGS.contains(e.getKey())) {
                        throw NOT_PLAIN;
                    }
                    text(v);
                }
            }
        }
        return new ObjectMetaFields(name, generateName, namespace, labels, annotations);
    }

    /** A map of strings, in the document's order (as Jackson binds a {@code Map<String, String>}). */
    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(node).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), text(e.getValue()));
        }
        return out;
    }

    private static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>(array(node).size());
        for (int k = 0; k < node.size(); k++) {
            JsonNode item = node.get(k);
            out.add(text(item));
        }
        return out;
    }

    private static JsonNode object(JsonNode node) {
        if (!node.isObject()) {
            throw NOT_PLAIN;
        }
        return node;
    }

    private static JsonNode array(JsonNode node) {
        if (!node.isArray()) {
            throw NOT_PLAIN;
        }
        return node;
    }

    private static String text(JsonNode node) {
        if (!node.isTextual()) {
            throw NOT_PLAIN;
        }
        return node.textValue();
    }

    private static Boolean bool(JsonNode node) {
        if (!node.isBoolean()) {
            throw NOT_PLAIN;
        }
        return node.booleanValue();
    }

    private static Integer integer(JsonNode node) {
        if (!node.isInt()) {
            throw NOT_PLAIN;
        }
        return node.intValue();
    }
}
