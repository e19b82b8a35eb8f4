package io.clusterdns.envinjector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The injector's Prometheus metrics (see the README for each one). Counters are registered up
 * front so that a scrape shows them at 0 before the first request.
 */
public final class InjectorMetrics {
    private final PrometheusMeterRegistry registry;
    private final Counter patched;
    private final Counter unchanged;
    private final Counter rejected;
    private final Counter injected;
    private final Map<SkipReason, Counter> skipped = new EnumMap<>(SkipReason.class);
    private final Counter badRequests;
    private final Counter tooLarge;
    private final Counter verificationFailures;
    private final Counter internalErrors;
    private final Timer duration;
    private final Counter tlsReloaded;
    private final Counter tlsRejected;
    private final AtomicLong certificateNotAfter = new AtomicLong();

    public InjectorMetrics(Supplier<ServiceCatalog> catalog) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        patched = requests("patched");
        unchanged = requests("unchanged");
        rejected = requests("rejected");
        injected = Counter.builder("envinjector.injected.variables")
                .description("Variables added to containers (one variable in two containers counts 2)").register(registry);
        for (SkipReason r : SkipReason.values()) {
            skipped.put(r, Counter.builder("envinjector.skipped")
                    .description("Pods admitted unchanged, selected services and variables left out, by reason and scope")
                    .tag("reason", r.label()).tag("scope", r.scope().name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
        badRequests = failures("bad_request");
        tooLarge = failures("too_large");
        verificationFailures = failures("patch_verification_failed");
        internalErrors = failures("internal_error");
        duration = Timer.builder("envinjector.admission.duration")
                .description("Time from a complete request body to the response, per POST /mutate")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry);
        tlsReloaded = Counter.builder("envinjector.tls.reloads").tag("result", "loaded")
                .description("Certificate files seen changed, by outcome").register(registry);
        tlsRejected = Counter.builder("envinjector.tls.reloads").tag("result", "rejected").register(registry);
        Gauge.builder("envinjector.tls.certificate.not.after", certificateNotAfter, AtomicLong::get)
                .description("Expiry of the serving certificate, Unix seconds").baseUnit("seconds").register(registry);
        // strong references: Micrometer holds gauge state weakly, and the supplier is often a lambda nobody else keeps
        Gauge.builder("envinjector.services", catalog, c -> c.get().serviceCount())
                .description("Services in the cache").strongReference(true).register(registry);
        Gauge.builder("envinjector.cache.synced", catalog, c -> c.get().synced() ? 1 : 0)
                .description("1 once the service cache has synced").strongReference(true).register(registry);
    }

    private Counter requests(String result) {
        return Counter.builder("envinjector.admission.requests").tag("result", result)
                .description("POST /mutate requests by outcome: patched, unchanged (allowed without patch), rejected (HTTP 4xx)")
                .register(registry);
    }

    private Counter failures(String reason) {
        return Counter.builder("envinjector.admission.failures").tag("reason", reason)
                .description("Requests that could not be handled normally: bad input (HTTP 4xx) or our own errors (admitted unchanged)")
                .register(registry);
    }

    /** Records one answered {@code POST /mutate}. */
    void admission(Admission admission, Findings findings, long nanos) {
        duration.record(nanos, TimeUnit.NANOSECONDS);
        if (admission instanceof Admission.Patched p) {
            patched.increment();
            injected.increment(p.variables());
        } else if (admission instanceof Admission.Unchanged u) {
            unchanged.increment();
            skipped.get(u.reason()).increment();
            if (u.reason() == SkipReason.PATCH_VERIFICATION_FAILED) {
                verificationFailures.increment();
            } else if (u.reason() == SkipReason.INTERNAL_ERROR) {
                internalErrors.increment();
            }
        } else if (admission instanceof Admission.Rejected) {
            rejected.increment();
            badRequests.increment();
        }
        if (findings != null) {
            findings.skips().forEach((reason, n) -> skipped.get(reason).increment(n));
        }
    }

    /** A body over the size limit, refused before it was read (so not timed). */
    void tooLarge() {
        rejected.increment();
        tooLarge.increment();
    }

    void tlsReload(boolean loaded, Instant notAfter) {
        (loaded ? tlsReloaded : tlsRejected).increment();
        if (loaded && notAfter != null) {
            certificateNotAfter.set(notAfter.getEpochSecond());
        }
    }

    void certificateLoaded(Instant notAfter) {
        certificateNotAfter.set(notAfter.getEpochSecond());
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
