package io.clusterdns.envinjector;

import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request path: AdmissionReview bytes in, {@link Admission} out. Never throws: a bug becomes
 * an unchanged admission (the pod is created without variables) plus an error log line, never a
 * failed pod creation. CPU-light (no I/O, no locks), so it runs on the event loop.
 */
public final class Injector {
    private static final Logger LOG = LoggerFactory.getLogger(Injector.class);

    private final Supplier<ServiceCatalog> catalog;
    private final VariablePlanner planner;
    private final InjectorMetrics metrics;

    public Injector(InjectorConfig config, Supplier<ServiceCatalog> catalog, InjectorMetrics metrics) {
        this.catalog = catalog;
        this.planner = new VariablePlanner(config.zone(), config.maxVariables());
        this.metrics = metrics;
    }

    /** Answers one review and records it in the metrics. */
    public Admission admit(byte[] body) {
        long start = System.nanoTime();
        Findings findings = new Findings();
        Admission admission;
        AdmissionReviews.ParseResult parsed = AdmissionReviews.parse(body);
        if (parsed instanceof AdmissionReviews.ParseResult.Invalid invalid) {
            LOG.warn("Bad admission request: {}", invalid.reason());
            admission = Admission.Rejected.badRequest(invalid.reason());
        } else {
            AdmissionRequest request = ((AdmissionReviews.ParseResult.Parsed) parsed).request();
            try {
                admission = admit(request, findings);
            } catch (RuntimeException e) {
                LOG.error("Admitting pod {} unchanged after an internal error (uid {})", request.podName(), request.uid(), e);
                admission = new Admission.Unchanged(request.uid(), SkipReason.INTERNAL_ERROR, findings.warnings());
            }
            log(request, admission);
        }
        metrics.admission(admission, findings, System.nanoTime() - start);
        return admission;
    }

    private Admission admit(AdmissionRequest request, Findings findings) {
        if (!request.isPod()) {
            LOG.warn("Admission request for {} {} (uid {}): only v1 Pods are handled; check the webhook's rules",
                    request.kind(), request.operation(), request.uid());
            return unchanged(request, SkipReason.NOT_A_POD, findings);
        }
        if (!request.isCreate()) {
            return unchanged(request, SkipReason.NOT_CREATE, findings);
        }
        ServiceCatalog services = catalog.get();
        if (!services.synced()) {
            findings.warn("the service cache has not synced yet; no variables injected");
            return unchanged(request, SkipReason.NOT_SYNCED, findings);
        }
        PodPolicy policy = InjectionPolicy.decide(request.namespace(), request.annotations(),
                services.namespaceLabels(request.namespace()), findings);
        if (policy instanceof PodPolicy.Skip skip) {
            return unchanged(request, skip.reason(), findings);
        }
        if (!PodEnvPatch.hasContainers(request.object())) {
            return unchanged(request, SkipReason.NO_CONTAINERS, findings);
        }
        VariablePlanner.Plan plan = planner.plan(request.namespace(), (PodPolicy.Inject) policy, services, findings);
        if (plan.skipped()) {
            return unchanged(request, plan.skip(), findings);
        }
        PodEnvPatch patch = PodEnvPatch.build(request.object(), plan.variables(), findings);
        if (patch.isEmpty()) {
            return unchanged(request, SkipReason.ALREADY_PRESENT, findings);
        }
        String problem = patch.verify(request.object());
        if (problem != null) {
            LOG.error("Admitting pod {} unchanged: our patch failed verification: {} (uid {})", request.podName(), problem, request.uid());
            return unchanged(request, SkipReason.PATCH_VERIFICATION_FAILED, findings);
        }
        return new Admission.Patched(request.uid(), patch.operations(), patch.variables(), patch.containers(), findings.warnings());
    }

    private static Admission unchanged(AdmissionRequest request, SkipReason reason, Findings findings) {
        return new Admission.Unchanged(request.uid(), reason, findings.warnings());
    }

    private static void log(AdmissionRequest request, Admission admission) {
        String dryRun = request.dryRun() ? " (dry run)" : "";
        if (admission instanceof Admission.Patched p) {
            LOG.info("Pod {}: injected {} variables into {} containers{}", request.podName(), p.variables(), p.containers(), dryRun);
        } else if (admission instanceof Admission.Unchanged u && LOG.isDebugEnabled()) {
            LOG.debug("Pod {}: unchanged, {}{}", request.podName(), u.reason().label(), dryRun);
        }
    }
}
