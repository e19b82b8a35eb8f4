package io.clusterdns.k8s.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.clusterdns.k8s.convert.ConversionException;
import io.clusterdns.k8s.convert.DnsNames;
import io.clusterdns.k8s.convert.FieldPaths;
import io.clusterdns.k8s.convert.PodConverter;
import io.clusterdns.k8s.model.PodInfo;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads an apps/v1 workload document into a {@link Workload}, refusing what the API server refuses
 * (apps {@code ValidateDeployment}, {@code ValidateStatefulSet}, ...) for the fields read here:
 * name and namespace, {@code spec.replicas} not negative, {@code spec.selector} required and not
 * empty, {@code spec.template} required with labels the selector matches, at least one container,
 * {@code restartPolicy} Always, and the template's labels and container ports as for a Pod. Fields
 * not read (strategy, volumes, resources) are not looked at. Errors name the field as written in
 * the workload ({@code spec.template.spec.containers[0].ports[1].name}).
 */
final class WorkloadConverter {
    private static final ObjectMapper CANONICAL = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    /** {@code rand.SafeEncodeString}'s alphabet: no vowels (no words), no look-alikes. */
    private static final String SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private WorkloadConverter() {
    }

    static Workload convert(Workload.Kind kind, JsonNode node, Origin origin) {
        ObjectMeta meta = ManifestParser.bind(required(node, "metadata"), ObjectMeta.class, "metadata");
        String name = meta.getName();
        if (name == null || name.isEmpty()) {
            throw new ConversionException("metadata.name", "required");
        }
        if (!DnsNames.isDns1123Subdomain(name)) {
            throw new ConversionException("metadata.name", "\"" + name + "\" " + DnsNames.DNS1123_SUBDOMAIN_RULE);
        }
        String namespace = meta.getNamespace() == null || meta.getNamespace().isEmpty() ? "default" : meta.getNamespace();
        if (!DnsNames.isDns1123Label(namespace)) {
            throw new ConversionException("metadata.namespace", "\"" + namespace + "\" " + DnsNames.DNS1123_LABEL_RULE);
        }
        JsonNode spec = required(node, "spec");
        int replicas = kind == Workload.Kind.DAEMON_SET ? 1 : nonNegative(spec, "replicas", 1);
        int ordinalsStart = 0;
        if (kind == Workload.Kind.STATEFUL_SET && spec.path("ordinals").isObject()) {
            ordinalsStart = nonNegative(spec.get("ordinals"), "ordinals.start", 0);
        }
        LabelSelector rawSelector = ManifestParser.bind(required(spec, "selector", "spec.selector"), LabelSelector.class, "spec.selector");
        WorkloadSelector selector = WorkloadSelector.of("spec.selector", rawSelector);
        if (selector.isEmpty()) {
            throw new ConversionException("spec.selector", "empty selector is invalid for " + kind.apiName.toLowerCase(java.util.Locale.ROOT));
        }
        JsonNode templateNode = required(spec, "template", "spec.template");
        PodTemplateSpec template = ManifestParser.bind(templateNode, PodTemplateSpec.class, "spec.template");
        PodInfo pod = templatePod(namespace, name, template);
        if (!selector.matches(pod.labels())) {
            throw new ConversionException("spec.template.metadata.labels", "Invalid value: " + new TreeMap<>(pod.labels())
                    + ": `selector` does not match template `labels`");
        }
        PodSpec podSpec = template.getSpec() == null ? new PodSpec() : template.getSpec();
        if (podSpec.getContainers() == null || podSpec.getContainers().isEmpty()) {
            throw new ConversionException("spec.template.spec.containers", "required (at least one container)");
        }
        String restart = podSpec.getRestartPolicy();
        if (restart != null && !restart.isEmpty() && !restart.equals("Always")) {
            throw new ConversionException("spec.template.spec.restartPolicy", "Unsupported value: \"" + restart + "\": supported values: \"Always\"");
        }
        String serviceName = kind == Workload.Kind.STATEFUL_SET ? spec.path("serviceName").asText("") : "";
        // the API server takes any serviceName; only a DNS label makes a pod subdomain (else the kubelet drops it)
        serviceName = DnsNames.isDns1123Label(serviceName) ? serviceName : null;
        Map<String, String> nodeSelector = podSpec.getNodeSelector() == null ? Map.of() : podSpec.getNodeSelector();
        return new Workload(kind, namespace, name, replicas, ordinalsStart, selector, pod.labels(), pod.ports(), pod.hostNetwork(),
                templateHash(templateNode), serviceName, unreadyReplicas(meta), nodeSelector, pod.nodeName(), origin);
    }

    /** The template as a Pod, converted (and so validated) as one; its errors are re-rooted at {@code spec.template}. */
    private static PodInfo templatePod(String namespace, String name, PodTemplateSpec template) {
        ObjectMeta meta = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        Pod pod = new Pod();
        ObjectMeta podMeta = new ObjectMeta();
        podMeta.setName(name);
        podMeta.setNamespace(namespace);
        podMeta.setLabels(meta.getLabels());
        pod.setMetadata(podMeta);
        pod.setSpec(template.getSpec());
        try {
            return PodConverter.convert(pod);
        } catch (ConversionException e) {
            throw e.under("spec.template");
        }
    }

    private static int unreadyReplicas(ObjectMeta meta) {
        String value = meta.getAnnotations() == null ? null : meta.getAnnotations().get(Workload.UNREADY_REPLICAS_ANNOTATION);
        if (value == null) {
            return 0;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConversionException(FieldPaths.child("metadata.annotations", Workload.UNREADY_REPLICAS_ANNOTATION),
                "expected a whole number of pods (0 or more), got \"" + value + "\"");
    }

    private static int nonNegative(JsonNode parent, String field, int absent) {
        String leaf = field.substring(field.lastIndexOf('.') + 1);
        JsonNode v = parent.get(leaf);
        String path = "spec." + field;
        if (v == null || v.isNull()) {
            return absent;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ConversionException(path, "expected an integer");
        }
        if (v.intValue() < 0) {
            throw new ConversionException(path, "must be greater than or equal to 0, got " + v.intValue());
        }
        return v.intValue();
    }

    private static JsonNode required(JsonNode parent, String field) {
        return required(parent, field, field);
    }

    private static JsonNode required(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            throw new ConversionException(path, "required");
        }
        if (!v.isObject()) {
            throw new ConversionException(path, "expected a mapping");
        }
        return v;
    }

    /**
     * The template's {@code pod-template-hash}: FNV-1a (32 bits, as the Deployment controller's
     * {@code ComputeHash}) of the template written with sorted keys, spelt as
     * {@code rand.SafeEncodeString} of its decimal form ({@code 5d78c9869d}). Not the value a
     * cluster would compute (that hashes Go's printout of the typed object), but the same for the
     * same template on every run, and new for every change of the template.
     */
    static String templateHash(JsonNode template) {
        byte[] canonical;
        try {
            canonical = CANONICAL.writeValueAsString(CANONICAL.treeToValue(template, Object.class)).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree always serializes", e);
        }
        int h = 0x811c9dc5;
        for (byte b : canonical) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return safeEncode(Integer.toUnsignedString(h));
    }

    static String safeEncode(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            sb.append(SAFE_ALPHABET.charAt(text.charAt(i) % SAFE_ALPHABET.length()));
        }
        return sb.toString();
    }
}
