package io.clusterdns.k8s.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.clusterdns.k8s.convert.ConversionException;
import io.clusterdns.k8s.convert.EndpointSliceConverter;
import io.clusterdns.k8s.convert.EndpointSliceFields;
import io.clusterdns.k8s.convert.EndpointsConverter;
import io.clusterdns.k8s.convert.FieldPaths;
import io.clusterdns.k8s.convert.NamespaceConverter;
import io.clusterdns.k8s.convert.NodeConverter;
import io.clusterdns.k8s.convert.ObjectMetaFields;
import io.clusterdns.k8s.convert.ServiceCidrConverter;
import io.clusterdns.k8s.convert.PodConverter;
import io.clusterdns.k8s.convert.ServiceConverter;
import io.clusterdns.k8s.convert.ServiceFields;
import io.clusterdns.k8s.convert.ServiceImportConverter;
import io.clusterdns.k8s.model.EndpointSliceInfo;
import io.clusterdns.k8s.model.ImportedSliceInfo;
import io.clusterdns.k8s.model.NamespaceInfo;
import io.clusterdns.k8s.model.NodeInfo;
import io.clusterdns.k8s.model.PodInfo;
import io.clusterdns.k8s.model.ServiceCidrInfo;
import io.clusterdns.k8s.model.ServiceKey;
import io.clusterdns.k8s.model.ServiceImportInfo;
import io.clusterdns.k8s.model.ServiceInfo;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.networking.v1.ServiceCIDR;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns documents into converted objects: dispatches on {@code apiVersion} and {@code kind}
 * ({@link ApiKinds}; descending into {@code kind: List} items), reads a plain Service or
 * EndpointSlice tree straight into its converter's fields ({@link PlainTrees}) and binds every other
 * tree to the fabric8 type, runs the converter, and locates every error. Kinds that do not describe cluster state
 * are skipped with one log line each (info on the first load, debug on reloads); a kind that no
 * API server knows, in a group read here ({@code kind: Servce}), is skipped with a warning on
 * every load.
 */
final class ManifestParser {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestParser.class);
    /**
     * Made on the first bind ({@link #bind}): a load of plain Services and EndpointSlices binds
     * nothing, and making a Jackson mapper is a few hundred classes on the start's path.
     */
    private static final class Binder {
        static final ObjectMapper MAPPER = apiServerTypes(new ObjectMapper()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
    }
    private final boolean firstLoad;
    /** Read plain trees of the kinds {@link PlainTrees} knows without binding them to fabric8 (false: always bind, for tests). */
    private final boolean plainTrees;

    /** @param firstLoad skips are logged at info on the first load, at debug on reloads (the user has seen them once) */
    ManifestParser(boolean firstLoad) {
        this(firstLoad, true);
    }

    /** @param plainTrees false binds every document to fabric8 (the reference {@code PlainTreesTest} compares with) */
    ManifestParser(boolean firstLoad, boolean plainTrees) {
        this.firstLoad = firstLoad;
        this.plainTrees = plainTrees;
    }

    /**
     * What one document does to the objects of a load, recorded in order instead of done: the
     * documents of a file are parsed on all CPUs and applied on the loading thread in file order
     * ({@link ManifestLoader}), so that which definition of a name comes first, and which error is
     * the first, stay those of reading the file front to back. A step is either a change (done at
     * once when applied; a duplicate name throws there) or a log line or warning, told once the
     * whole file has been read: a syntax error further down must still win, with nothing told
     * about its documents.
     */
    static final class Steps {
        private final List<Consumer<ManifestObjects>> steps = new ArrayList<>();
        /** For each step, whether it is told at the end of the file. */
        private final List<Boolean> told = new ArrayList<>();
        /** The error that ended the document, after its steps; null when it converted. */
        private RuntimeException failure;

        private void change(Consumer<ManifestObjects> step) {
            steps.add(step);
            told.add(false);
        }

        private void tell(Consumer<ManifestObjects> step) {
            steps.add(step);
            told.add(true);
        }

        /**
         * Does the changes in order, adds the rest to {@code toTell}; returns the first error (a
         * change's, else the document's), after which nothing of the document is done.
         */
        RuntimeException apply(ManifestObjects objects, List<Consumer<ManifestObjects>> toTell) {
            for (int i = 0; i < steps.size(); i++) {
                if (told.get(i)) {
                    toTell.add(steps.get(i));
                    continue;
                }
                try {
                    steps.get(i).accept(objects);
                } catch (RuntimeException e) {
                    return e;
                }
            }
            return failure;
        }
    }

    /** Parses one document; never throws: a conversion error is the steps' {@link Steps#failure}. Thread-safe. */
    Steps parse(ManifestDocument doc) {
        Steps into = new Steps();
        if (doc.node() == null || doc.node().isNull()) {
            return into;
        }
        try {
            object(doc.node(), Origin.of(doc, ""), into);
        } catch (RuntimeException e) {
            into.failure = e;
        }
        return into;
    }

    /** Parses one document into {@code into} at once (tests): changes done, log lines dropped, the error thrown. */
    void parse(ManifestDocument doc, ManifestObjects into) {
        RuntimeException e = parse(doc).apply(into, new ArrayList<>());
        if (e != null) {
            throw e;
        }
    }

    private void object(JsonNode node, Origin origin, Steps into) {
        if (!node.isObject()) {
            throw origin.error("", "not a Kubernetes object (expected a mapping with apiVersion and kind)");
        }
        String kind = text(node, "kind", origin);
        String apiVersion = text(node, "apiVersion", origin);
        // kubectl get -o yaml prints "List"; typed lists (ServiceList, PodList) come from API dumps
        if (kind.equals("List") || (kind.endsWith("List") && (node.has("items") || ApiKinds.isListKind(apiVersion, kind)))) {
            items(node, kind, apiVersion, origin, into);
            return;
        }
        Workload.Kind workload = Workload.Kind.API_VERSION.equals(apiVersion) ? Workload.Kind.of(kind) : null;
        if (workload != null) {
            try {
                Workload converted = WorkloadConverter.convert(workload, node, origin);
                into.change(o -> o.addWorkload(converted));
            } catch (ConversionException e) {
                throw origin.error(e);
            }
            return;
        }
        switch (ApiKinds.judge(apiVersion, kind)) {
            case OTHER -> {
                skip(origin.describe() + ": " + kind + " (" + apiVersion + ")",
                        "only Namespace, Node, Service, EndpointSlice, Endpoints, Pod, ServiceCIDR, ServiceImport and the apps/v1 workloads"
                                + " (Deployment, ReplicaSet, StatefulSet, DaemonSet) describe cluster state", into);
                return;
            }
            case UNKNOWN_KIND -> {
                warnUnknown(kind, apiVersion, origin, into);
                return;
            }
            case WRONG_VERSION -> throw origin.error("apiVersion",
                    "kind " + kind + " is served as " + ApiKinds.READ_KINDS.get(kind) + ", got \"" + apiVersion + "\"");
            case READ -> {
                // converted below
            }
        }
        try {
            convert(kind, node, origin, into);
        } catch (ConversionException e) {
            throw origin.error(e);
        }
    }

    private void convert(String kind, JsonNode node, Origin origin, Steps into) {
        switch (kind) {
            case "Namespace" -> {
                NamespaceInfo namespace = NamespaceConverter.convert(bind(node, Namespace.class));
                into.change(o -> o.addNamespace(namespace, origin));
            }
            case "Node" -> {
                Node raw = bind(node, Node.class);
                NodeInfo converted = NodeConverter.convert(raw);
                NodeNetwork network = NodeNetwork.of(raw);
                into.change(o -> o.addNode(converted, network, origin));
            }
            case ServiceCidrConverter.KIND -> {
                ServiceCidrInfo cidr = ServiceCidrConverter.convert(bind(node, ServiceCIDR.class));
                into.change(o -> o.addServiceCidr(cidr, origin));
            }
            case "Pod" -> {
                Pod raw = bind(node, Pod.class);
                PodInfo pod = PodConverter.convert(raw);
                String controller = controllerOf(raw);
                into.change(o -> o.addPod(pod, controller, origin));
            }
            case "Service" -> {
                ServiceFields plain = plainTrees ? PlainTrees.service(node) : null;
                ServiceFields service = plain != null ? plain : ServiceFields.of(bind(node, Service.class));
                ServiceInfo info = ServiceConverter.convert(service);
                ServiceConverter.checkAsCreated(service);
                ManifestService converted = new ManifestService(info, ServiceConverter.ipFamilyPolicy(service).orElse(null),
                        ServiceConverter.allocateLoadBalancerNodePorts(service), origin);
                into.change(o -> o.addService(converted));
            }
            case "EndpointSlice" -> {
                EndpointSliceFields plain = plainTrees ? PlainTrees.endpointSlice(node) : null;
                slice(plain != null ? plain : EndpointSliceFields.of(bind(node, EndpointSlice.class)), origin, into);
            }
            case ServiceImportConverter.KIND -> serviceImport(bind(node, GenericKubernetesResource.class), origin, into);
            case "Endpoints" -> {
                Endpoints endpoints = bind(node, Endpoints.class);
                ServiceKey owner = EndpointsConverter.serviceOf(endpoints);
                List<EndpointSliceInfo> converted = EndpointsConverter.convert(endpoints);
                into.change(o -> o.addEndpoints(owner, converted, origin));
            }
            default -> throw new IllegalStateException("no converter for " + kind);
        }
    }

    /**
     * A slice is the endpoints of a Service, of a ServiceImport (imported by an MCS controller), or
     * both. A valid slice that no consumer uses still takes its name; it is skipped like another kind.
     */
    private void slice(EndpointSliceFields raw, Origin origin, Steps into) {
        EndpointSliceConverter.Views views = EndpointSliceConverter.convertBoth(raw);
        Optional<EndpointSliceInfo> slice = views.service();
        Optional<ImportedSliceInfo> imported = views.imported();
        ObjectMetaFields meta = raw.metadata();
        String namespace = namespaceOf(meta.namespace());
        into.change(o -> o.claimSlice(namespace, meta.name(), origin));
        slice.ifPresent(s -> into.change(o -> o.addSlice(s, origin)));
        imported.ifPresent(s -> into.change(o -> o.addImportedSlice(s, origin)));
        String what = origin.describe() + ": EndpointSlice " + namespace + "/" + meta.name();
        Optional<String> notImported = EndpointSliceConverter.importIgnoredBecause(raw);
        if (notImported.isPresent()) {
            skip(what + " for ServiceImport " + meta.labels().get(EndpointSliceConverter.MULTICLUSTER_SERVICE_NAME_LABEL),
                    notImported.get(), into);
        } else if (slice.isEmpty() && imported.isEmpty()) {
            skip(what, EndpointSliceConverter.ignoredBecause(raw).orElse("not used"), into);
        }
    }

    /** A ServiceImport without spec is valid but describes nothing yet: it takes its name and is skipped. */
    private void serviceImport(GenericKubernetesResource raw, Origin origin, Steps into) {
        Optional<ServiceImportInfo> converted = ServiceImportConverter.convert(raw);
        if (converted.isPresent()) {
            into.change(o -> o.addServiceImport(converted.get(), origin));
            return;
        }
        ObjectMeta meta = raw.getMetadata();
        String namespace = namespaceOf(meta.getNamespace());
        into.change(o -> o.claimServiceImport(namespace, meta.getName(), origin));
        skip(origin.describe() + ": ServiceImport " + namespace + "/" + meta.getName(),
                ServiceImportConverter.ignoredBecause(raw).orElse("not used"), into);
    }

    /** {@code ReplicaSet/web-7d4b9c8f5}: the pod's controlling owner reference, null when none. */
    private static String controllerOf(Pod pod) {
        if (pod.getMetadata().getOwnerReferences() == null) {
            return null;
        }
        return pod.getMetadata().getOwnerReferences().stream()
                .filter(r -> Boolean.TRUE.equals(r.getController()))
                .map(r -> r.getKind() + "/" + r.getName())
                .findFirst().orElse(null);
    }

    /** The namespace of a valid object: {@code default} when none is written. */
    private static String namespaceOf(String namespace) {
        return namespace == null || namespace.isEmpty() ? "default" : namespace;
    }

    /** Items of a typed list (ServiceList) may omit kind and apiVersion, as API responses do. */
    private void items(JsonNode node, String listKind, String apiVersion, Origin origin, Steps into) {
        JsonNode items = node.get("items");
        if (items == null || items.isNull()) {
            return;
        }
        if (!items.isArray()) {
            throw origin.error("items", "expected a list");
        }
        String itemKind = listKind.equals("List") ? null : listKind.substring(0, listKind.length() - "List".length());
        for (int i = 0; i < items.size(); i++) {
            String prefix = FieldPaths.join(origin.prefix(), FieldPaths.index("items", i));
            JsonNode item = items.get(i);
            if (itemKind != null && item instanceof ObjectNode obj && !obj.has("kind")) {
                item = obj.deepCopy().put("kind", itemKind).put("apiVersion", apiVersion);
            }
            object(item, new Origin(origin.file(), origin.document(), prefix, origin.lines()), into);
        }
    }

    private void skip(String what, String why, Steps into) {
        into.change(o -> o.addSkipped(what));
        into.tell(o -> {
            if (firstLoad) {
                LOG.info("Skipping {}: {}", what, why);
            } else {
                LOG.debug("Skipping {}: {}", what, why);
            }
        });
    }

    /** Every load, reloads too: unlike other tools' kinds, a misspelt kind is a mistake worth repeating. */
    private void warnUnknown(String kind, String apiVersion, Origin origin, Steps into) {
        String guess = ApiKinds.suggestion(apiVersion, kind);
        String group = ApiKinds.group(apiVersion).isEmpty() ? "the core API (v1)" : "API group " + ApiKinds.group(apiVersion);
        ManifestException warning = origin.error("kind", "\"" + kind + "\" is not a kind of " + group
                + (guess == null ? "" : " (did you mean " + guess + "?)") + "; an API server would refuse this document, so it is skipped");
        into.tell(o -> {
            LOG.warn("{}", warning.getMessage());
            o.addWarning(warning);
        });
    }

    private static String text(JsonNode node, String field, Origin origin) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
            throw origin.error(field, "required");
        }
        if (!v.isTextual()) {
            throw origin.error(field, "expected a string");
        }
        return v.asText();
    }

    /**
     * No scalar coercions: the API server decodes JSON into typed Go fields, where a string is not
     * a number or a boolean, a number not a string, and 80.5 not an int32 ({@code json: cannot
     * unmarshal string into Go struct field ServicePort.spec.ports.port of type int32}). Jackson by
     * default reads {@code port: "80"} as 80, {@code 80.5} as 80, {@code ready: "true"} as true and
     * {@code app: 5} as "5", which would serve what {@code kubectl apply} refuses. A number without
     * a fraction written as a float ({@code 80.0}, {@code 8.0e1}) is still an integer
     * ({@link #integralFloats}): kubectl's YAML to JSON conversion gives the API server {@code 80}.
     */
    private static ObjectMapper apiServerTypes(ObjectMapper mapper) {
        mapper.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    /** Binds a tree to a fabric8 type; a value of the wrong shape becomes a path error. */
    static <T> T bind(JsonNode node, Class<T> type) {
        try {
            integralFloats(node);
            return Binder.MAPPER.treeToValue(node, type);
        } catch (JsonMappingException e) {
            throw new ConversionException(path(e), typeError(e, node));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ConversionException("", "cannot be read as " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Replaces, in place, every float without a fraction by the integer it is (see {@link #apiServerTypes}). */
    private static void integralFloats(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (v.isFloatingPointNumber() && v.canConvertToExactIntegral()) {
                    e.setValue(integer(v));
                } else {
                    integralFloats(v);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode v = array.get(i);
                if (v.isFloatingPointNumber() && v.canConvertToExactIntegral()) {
                    array.set(i, integer(v));
                } else {
                    integralFloats(v);
                }
            }
        }
    }

    private static JsonNode integer(JsonNode integralFloat) {
        java.math.BigInteger value = integralFloat.bigIntegerValue();
        return value.bitLength() < 32 ? IntNode.valueOf(value.intValue())
                : value.bitLength() < 64 ? LongNode.valueOf(value.longValue()) : BigIntegerNode.valueOf(value);
    }

    /** {@link #bind(JsonNode, Class)} of the value at {@code prefix}, errors named from the document's root. */
    static <T> T bind(JsonNode node, Class<T> type, String prefix) {
        try {
            return bind(node, type);
        } catch (ConversionException e) {
            throw e.under(prefix);
        }
    }

    private static String path(JsonMappingException e) {
        String path = "";
        for (JsonMappingException.Reference r : e.getPath()) {
            path = r.getFieldName() != null ? FieldPaths.child(path, r.getFieldName()) : FieldPaths.index(path, r.getIndex());
        }
        return path;
    }

    /** What was expected at the error's path, and the scalar found there (a refused coercion does not carry it). */
    private static String typeError(JsonMappingException e, JsonNode root) {
        JsonNode at = root;
        for (JsonMappingException.Reference r : e.getPath()) {
            at = at == null ? null : r.getFieldName() != null ? at.get(r.getFieldName()) : at.get(r.getIndex());
        }
        String got = at != null && at.isValueNode() && !at.isNull() ? ", got \"" + at.asText() + "\""
                : e instanceof InvalidFormatException f && f.getValue() != null ? ", got \"" + f.getValue() + "\"" : "";
        return expected(e) + got;
    }

    private static String expected(JsonMappingException e) {
        Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType() : null;
        String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (message.contains("out of range")) {
            return "number out of range";
        }
        if (target == null) {
            return message.contains(IntOrString.class.getName()) ? "expected a number or a name" : "has the wrong type";
        }
        if (target == Integer.class || target == Long.class || target == int.class || target == long.class) {
            return "expected an integer";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "expected true or false";
        }
        if (target == String.class) {
            return "expected a string";
        }
        if (Collection.class.isAssignableFrom(target)) {
            return "expected a list";
        }
        return "expected a mapping";
    }
}
