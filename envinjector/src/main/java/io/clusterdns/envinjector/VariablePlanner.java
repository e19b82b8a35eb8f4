package io.clusterdns.envinjector;

import io.clusterdns.k8s.model.ServiceInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a pod's {@link PodPolicy.Inject} into the ordered list of variables every container gets.
 *
 * <p>Order, so that patches are deterministic: services by name for the default set (kubelet's own
 * order is Go map order, i.e. random), or in the order of {@code clusterdns.io/services}; within a
 * service, kubelet's order ({@link ServiceVariables}). When two services produce the same name,
 * the first one keeps it.
 */
public final class VariablePlanner {
    /** The namespace and name of the API server's service, which kubelet gives every pod. */
    static final String MASTER_NAMESPACE = "default";
    static final String MASTER_SERVICE = "kubernetes";

    private final String zone;
    private final int maxVariables;

    public VariablePlanner(String zone, int maxVariables) {
        this.zone = zone;
        this.maxVariables = maxVariables;
    }

    /** The variables, or why the pod gets none. */
    public record Plan(List<EnvVar> variables, SkipReason skip) {
        public Plan {
            variables = List.copyOf(variables);
        }

        static Plan skipped(SkipReason reason) {
            return new Plan(List.of(), reason);
        }

        public boolean skipped() {
            return skip != null;
        }
    }

    public Plan plan(String namespace, PodPolicy.Inject policy, ServiceCatalog catalog, Findings findings) {
        Builder b = new Builder(policy.style(), findings);
        if (policy.kubeletDefaultSet()) {
            for (ServiceInfo s : kubeletSet(namespace, catalog)) {
                if (!b.add(s, EnvNames.of(s.name()), null)) {
                    return tooMany(findings, "namespace " + namespace + " has " + catalog.inNamespace(namespace).size()
                            + " services; select some with " + InjectionPolicy.SERVICES_ANNOTATION);
                }
            }
        } else {
            for (ServiceRef ref : policy.services()) {
                ServiceInfo s = catalog.service(ref.namespace(), ref.name());
                if (s == null) {
                    findings.warn(SkipReason.SERVICE_NOT_FOUND, "service " + ref + " not found; skipped");
                    continue;
                }
                if (!b.add(s, ref.prefix(), ref)) {
                    return tooMany(findings, "select fewer services");
                }
            }
        }
        return b.vars.isEmpty() ? Plan.skipped(SkipReason.NO_VARIABLES) : new Plan(b.vars, null);
    }

    private Plan tooMany(Findings findings, String advice) {
        findings.warn("more than " + maxVariables + " variables to inject (--max-variables); none injected: " + advice);
        return Plan.skipped(SkipReason.TOO_MANY_VARIABLES);
    }

    /**
     * What kubelet gives a pod of {@code namespace} with service links on: the namespace's
     * services, plus {@code default/kubernetes} unless the namespace has its own
     * {@code kubernetes}; sorted by name.
     */
    static List<ServiceInfo> kubeletSet(String namespace, ServiceCatalog catalog) {
        List<ServiceInfo> own = catalog.inNamespace(namespace);
        ServiceInfo master = catalog.service(MASTER_NAMESPACE, MASTER_SERVICE);
        if (master == null || namespace.equals(MASTER_NAMESPACE) || catalog.service(namespace, MASTER_SERVICE) != null) {
            return own;
        }
        List<ServiceInfo> out = new ArrayList<>(own.size() + 1);
        boolean placed = false;
        for (ServiceInfo s : own) {
            if (!placed && s.name().compareTo(MASTER_SERVICE) > 0) {
                out.add(master);
                placed = true;
            }
            out.add(s);
        }
        if (!placed) {
            out.add(master);
        }
        return out;
    }

    /** Accumulates the variables of one pod, enforcing unique prefixes, unique and valid names, and the cap. */
    private final class Builder {
        final EnvStyle style;
        final Findings findings;
        final List<EnvVar> vars = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        final Map<String, String> prefixOwners = new HashMap<>();

        Builder(EnvStyle style, Findings findings) {
            this.style = style;
            this.findings = findings;
        }

        /** False when the cap is exceeded. {@code ref} is null for the default set, which warns less. */
        boolean add(ServiceInfo service, String prefix, ServiceRef ref) {
            EnvService env = EnvService.of(service, prefix, zone);
            if (ServiceVariables.isEmptyFor(env, style)) {
                if (ref == null) {
                    findings.skip(SkipReason.NO_CLUSTER_IP, 1);
                } else {
                    findings.warn(SkipReason.NO_CLUSTER_IP, "service " + ref + " has no cluster IP (headless or ExternalName); "
                            + "kubelet-style variables need one, " + InjectionPolicy.STYLE_ANNOTATION + ": dns gives its DNS name");
                }
                return true;
            }
            String owner = prefixOwners.putIfAbsent(prefix, service.key().toString());
            if (owner != null) {
                findings.warn(SkipReason.NAME_COLLISION, "services " + owner + " and " + service.key() + " both make "
                        + prefix + "_* variables; kept " + owner);
                return true;
            }
            for (EnvVar v : ServiceVariables.of(env, style)) {
                if (!EnvNames.isValid(v.name())) {
                    findings.warn(SkipReason.INVALID_NAME, "\"" + v.name() + "\" (service " + service.key()
                            + ") is not a valid environment variable name; skipped");
                } else if (!names.add(v.name())) {
                    findings.warn(SkipReason.DUPLICATE_NAME, v.name() + " of service " + service.key()
                            + " is already made by another service; skipped");
                } else {
                    vars.add(v);
                }
            }
            return vars.size() <= maxVariables;
        }
    }
}
