package io.clusterdns.k8s.manifest;

import io.clusterdns.k8s.convert.ServiceCidrConverter;
import io.clusterdns.k8s.convert.ServiceImportConverter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a document's {@code apiVersion} and {@code kind} are to the manifest source, decided as an
 * API server would decide whether it serves them:
 *
 * <ul>
 *   <li>{@link Verdict#READ}: one of the kinds that describe cluster state, in its served version;</li>
 *   <li>{@link Verdict#WRONG_VERSION}: one of those kinds in a version or built-in group that does
 *       not serve it ({@code discovery.k8s.io/v1beta1}, {@code apps/v1}); an error;</li>
 *   <li>{@link Verdict#UNKNOWN_KIND}: a kind that no version of the core ({@code v1}),
 *       {@code discovery.k8s.io}, {@code networking.k8s.io} or {@code multicluster.x-k8s.io} group has, almost always a typo
 *       ({@code kind: Servce}); skipped with a warning on every load, since an API server would
 *       refuse it;</li>
 *   <li>{@link Verdict#OTHER}: every other kind (ConfigMap, Job, custom resources, and a
 *       {@code Service} of a custom group such as Knative's {@code serving.knative.dev}):
 *       skipped quietly, as other tools' manifests hold many such kinds.</li>
 * </ul>
 *
 * The apps/v1 workloads (Deployment, ReplicaSet, StatefulSet, DaemonSet) are read before this
 * judgement ({@link Workload.Kind}): they make Pods.
 */
final class ApiKinds {
    enum Verdict {
        READ, WRONG_VERSION, UNKNOWN_KIND, OTHER
    }

    static final String CORE_V1 = "v1";
    static final String DISCOVERY_V1 = "discovery.k8s.io/v1";
    private static final String DISCOVERY_GROUP = "discovery.k8s.io";
    static final String NETWORKING_V1 = "networking.k8s.io/v1";
    private static final String NETWORKING_GROUP = "networking.k8s.io";

    /** The kinds read, and the apiVersion each is served as. */
    static final Map<String, String> READ_KINDS = Map.of(
            "Namespace", CORE_V1, "Node", CORE_V1, "Service", CORE_V1, "Pod", CORE_V1, "Endpoints", CORE_V1,
            "EndpointSlice", DISCOVERY_V1, ServiceImportConverter.KIND, ServiceImportConverter.API_VERSION,
            ServiceCidrConverter.KIND, NETWORKING_V1);

    /** Every kind a client can write in the core group (kubectl api-resources --api-group=""). */
    private static final Set<String> CORE_KINDS = Set.of(
            "Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node",
            "PersistentVolume", "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController",
            "ResourceQuota", "Secret", "Service", "ServiceAccount");
    private static final Set<String> DISCOVERY_KINDS = Set.of("EndpointSlice");
    /** kubectl api-resources --api-group=networking.k8s.io (v1 and v1beta1). */
    private static final Set<String> NETWORKING_KINDS = Set.of("IPAddress", "Ingress", "IngressClass", "NetworkPolicy", "ServiceCIDR");
    /** The Multi-Cluster Services API's kinds (kubernetes-sigs/mcs-api), a CRD group read for its ServiceImports. */
    private static final Set<String> MULTICLUSTER_KINDS = Set.of("ServiceImport", "ServiceExport");

    private ApiKinds() {
    }

    static Verdict judge(String apiVersion, String kind) {
        String group = group(apiVersion);
        String served = READ_KINDS.get(kind);
        if (served != null) {
            if (served.equals(apiVersion)) {
                return Verdict.READ;
            }
            // a custom group (always dotted) may have a kind of the same name; the built-in groups have not
            boolean builtIn = group.indexOf('.') < 0 || group.equals(DISCOVERY_GROUP);
            if (builtIn || group.equals(group(served))) {
                return Verdict.WRONG_VERSION;
            }
        }
        Set<String> groupKinds = kindsOf(group);
        return groupKinds == null || groupKinds.contains(kind) ? Verdict.OTHER : Verdict.UNKNOWN_KIND;
    }

    /** A typed list of a known kind ({@code ServiceList}), which may come without items. */
    static boolean isListKind(String apiVersion, String kind) {
        Set<String> groupKinds = kindsOf(group(apiVersion));
        return kind.endsWith("List") && groupKinds != null && groupKinds.contains(kind.substring(0, kind.length() - "List".length()));
    }

    /** A kind of the same group that {@code kind} is probably a typo of, or null. */
    static String suggestion(String apiVersion, String kind) {
        Set<String> groupKinds = kindsOf(group(apiVersion));
        if (groupKinds == null) {
            return null;
        }
        String best = null;
        int bestDistance = 3;
        for (String candidate : groupKinds.stream().sorted().toList()) {
            int d = distance(kind.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }

    /** The group of an apiVersion: "" for the core group ({@code v1}). */
    static String group(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    private static Set<String> kindsOf(String group) {
        return switch (group) {
            case "" -> CORE_KINDS;
            case DISCOVERY_GROUP -> DISCOVERY_KINDS;
            case NETWORKING_GROUP -> NETWORKING_KINDS;
            case ServiceImportConverter.GROUP -> MULTICLUSTER_KINDS;
            default -> null;
        };
    }

    /** Levenshtein distance; kinds are short. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
