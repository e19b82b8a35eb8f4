package io.clusterdns.envinjector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The JSON Patch that adds the planned variables to every container and init container of a pod,
 * and what each container's {@code env} must look like afterwards (for {@link #verify}).
 *
 * <p>Variables go to the front of {@code env}: kubelet resolves {@code $(VAR)} references in an
 * entry from the entries before it (and from its own service variables), so injected variables
 * must precede the pod's own entries for {@code $(REDIS_SERVICE_HOST)} to keep working. A
 * variable the container already defines in {@code env} is left out: the pod's definition wins.
 * A container without {@code env} gets one {@code add} of the whole list; otherwise each variable
 * is inserted by index, so the pod's own entries are never rewritten.
 *
 * @param operations the patch, empty when nothing is to be added
 * @param expected   per container touched: the JSON Pointer of its env and its env after the patch
 * @param variables  variables added over all containers
 */
public record PodEnvPatch(ArrayNode operations, List<ExpectedEnv> expected, int variables) {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    static final List<String> CONTAINER_LISTS = List.of("initContainers", "containers");

    /** A container's env after the patch, whose first {@code injected} entries are ours. */
    public record ExpectedEnv(String pointer, ArrayNode env, int injected) {
    }

    public int containers() {
        return expected.size();
    }

    public boolean isEmpty() {
        return operations.isEmpty();
    }

    /** True when {@code pod} has at least one container or init container. */
    static boolean hasContainers(JsonNode pod) {
        for (String list : CONTAINER_LISTS) {
            JsonNode containers = pod.path("spec").path(list);
            if (containers.isArray() && !containers.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** The patch adding {@code vars} to every container of {@code pod}, counting what is left out. */
    public static PodEnvPatch build(JsonNode pod, List<EnvVar> vars, Findings findings) {
        ArrayNode ops = NODES.arrayNode();
        List<ExpectedEnv> expected = new ArrayList<>();
        int added = 0;
        for (String list : CONTAINER_LISTS) {
            JsonNode containers = pod.path("spec").path(list);
            for (int i = 0; i < containers.size() && containers.isArray(); i++) {
                JsonNode container = containers.get(i);
                String pointer = "/spec/" + list + "/" + i + "/env";
                JsonNode env = container.get("env");
                if (!container.isObject() || (env != null && !env.isNull() && !env.isArray())) {
                    findings.warn("spec." + list + "[" + i + "] has no usable env list; left alone");
                    continue;
                }
                ArrayNode toAdd = missing(vars, env, findings);
                if (toAdd.isEmpty()) {
                    continue;
                }
                ArrayNode after = toAdd.deepCopy();
                if (env == null || env.isNull()) {
                    ops.add(JsonPatch.add(pointer, toAdd));
                } else {
                    for (int k = 0; k < toAdd.size(); k++) {
                        ops.add(JsonPatch.add(pointer + "/" + k, toAdd.get(k)));
                    }
                    after.addAll((ArrayNode) env);
                }
                expected.add(new ExpectedEnv(pointer, after, toAdd.size()));
                added += toAdd.size();
            }
        }
        return new PodEnvPatch(ops, List.copyOf(expected), added);
    }

    private static ArrayNode missing(List<EnvVar> vars, JsonNode env, Findings findings) {
        Set<String> defined = new HashSet<>();
        if (env != null) {
            for (JsonNode entry : env) {
                JsonNode name = entry.get("name");
                if (name != null && name.isTextual()) {
                    defined.add(name.asText());
                }
            }
        }
        ArrayNode out = NODES.arrayNode(vars.size());
        int skipped = 0;
        for (EnvVar v : vars) {
            if (defined.contains(v.name())) {
                skipped++;
            } else {
                ObjectNode entry = out.addObject();
                entry.put("name", v.name());
                entry.put("value", v.value());
            }
        }
        findings.skip(SkipReason.ALREADY_DEFINED, skipped);
        return out;
    }

    /**
     * Applies the patch to {@code pod} (a copy) and checks that every touched container ends up
     * with exactly the expected env, and that no injected name is defined twice (the pod's own
     * entries may repeat a name: the API server allows it, and the last one wins).
     *
     * @return null when the patch is good, else what is wrong
     */
    public String verify(JsonNode pod) {
        JsonNode patched;
        try {
            patched = JsonPatch.apply(pod, operations);
        } catch (JsonPatch.PatchException e) {
            return "patch does not apply: " + e.getMessage();
        }
        for (ExpectedEnv e : expected) {
            JsonNode env = patched.at(e.pointer());
            if (!e.env().equals(env)) {
                return e.pointer() + " is not what was planned after applying the patch";
            }
            Set<String> ours = new HashSet<>();
            for (int k = 0; k < env.size(); k++) {
                String name = env.get(k).path("name").asText();
                boolean clash = k < e.injected() ? !ours.add(name) : ours.contains(name);
                if (clash) {
                    return e.pointer() + " would define " + name + " twice";
                }
            }
        }
        return null;
    }
}
