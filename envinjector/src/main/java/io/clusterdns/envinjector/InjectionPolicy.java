package io.clusterdns.envinjector;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the opt-in and the choices of a pod: the namespace label
 * {@code clusterdns.io/env-injection=enabled} or the pod annotation {@code clusterdns.io/inject:
 * "true"} opt in; {@code clusterdns.io/inject: "false"} opts a pod out of an enabled namespace;
 * {@code clusterdns.io/services} and {@code clusterdns.io/env-style} choose what is injected.
 */
public final class InjectionPolicy {
    public static final String NAMESPACE_LABEL = "clusterdns.io/env-injection";
    public static final String NAMESPACE_LABEL_ENABLED = "enabled";
    public static final String INJECT_ANNOTATION = "clusterdns.io/inject";
    public static final String SERVICES_ANNOTATION = "clusterdns.io/services";
    public static final String STYLE_ANNOTATION = "clusterdns.io/env-style";

    private InjectionPolicy() {
    }

    /**
     * The policy for a pod of {@code namespace} with these annotations, in a namespace with these
     * labels. Problems with the annotations become warnings in {@code findings}.
     */
    public static PodPolicy decide(String namespace, Map<String, String> annotations, Map<String, String> namespaceLabels,
                                   Findings findings) {
        String inject = annotations.get(INJECT_ANNOTATION);
        Boolean podChoice = null;
        if (inject != null) {
            switch (inject.trim()) {
                case "true" -> podChoice = Boolean.TRUE;
                case "false" -> podChoice = Boolean.FALSE;
                default -> findings.warn(INJECT_ANNOTATION + ": expected \"true\" or \"false\", got \"" + inject + "\"; ignored");
            }
        }
        if (Boolean.FALSE.equals(podChoice)) {
            return new PodPolicy.Skip(SkipReason.OPTED_OUT);
        }
        boolean namespaceEnabled = NAMESPACE_LABEL_ENABLED.equals(namespaceLabels.get(NAMESPACE_LABEL));
        if (!Boolean.TRUE.equals(podChoice) && !namespaceEnabled) {
            if (annotations.containsKey(SERVICES_ANNOTATION) || annotations.containsKey(STYLE_ANNOTATION)) {
                findings.warn("injection is not enabled for this pod, so " + SERVICES_ANNOTATION + "/" + STYLE_ANNOTATION
                        + " do nothing: add the annotation " + INJECT_ANNOTATION + ": \"true\"");
            }
            return new PodPolicy.Skip(SkipReason.NOT_OPTED_IN);
        }
        EnvStyle style = EnvStyle.DEFAULT;
        String styleText = annotations.get(STYLE_ANNOTATION);
        if (styleText != null) {
            try {
                style = EnvStyle.parse(styleText);
            } catch (IllegalArgumentException e) {
                findings.warn(STYLE_ANNOTATION + ": " + e.getMessage() + "; no variables injected");
                return new PodPolicy.Skip(SkipReason.INVALID_ANNOTATION);
            }
        }
        String services = annotations.get(SERVICES_ANNOTATION);
        return new PodPolicy.Inject(services == null ? null : parseServices(services, namespace, findings), style);
    }

    /** The entries in the order written, without duplicates; blank entries (a trailing comma) are ignored. */
    static List<ServiceRef> parseServices(String text, String podNamespace, Findings findings) {
        Set<ServiceRef> refs = new LinkedHashSet<>();
        for (String raw : text.split(",", -1)) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            try {
                refs.add(ServiceRef.parse(entry, podNamespace));
            } catch (IllegalArgumentException e) {
                findings.warn(SkipReason.INVALID_REFERENCE, SERVICES_ANNOTATION + ": " + e.getMessage() + "; skipped");
            }
        }
        return new ArrayList<>(refs);
    }
}
