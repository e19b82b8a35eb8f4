package io.clusterdns.server.plugin.template;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CoreDNS's {@code coredns_template_*} counters with its names, help texts and labels:
 * {@code matches_total{server, zone, view, class, type}}, and
 * {@code template_failures_total} (a template that did not execute) and {@code rr_failures_total}
 * (its output was no valid record), both with {@code section} and {@code template} (Go's string of
 * the parsed template) on top. {@code view} is empty (clusterdns has no view plugin). A series
 * appears when first counted.
 */
final class TemplateMetrics {
    private static final String VIEW = "";

    private final MeterRegistry registry;
    private final ConcurrentHashMap<List<String>, Counter> counters = new ConcurrentHashMap<>();

    TemplateMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void matched(String server, String zone, String dclass, String type) {
        counter(List.of("coredns.template.matches", server, zone, dclass, type)).increment();
    }

    void templateFailed(String server, String zone, String dclass, String type, RrTemplate t) {
        counter(List.of("coredns.template.template_failures", server, zone, dclass, type, t.section(), t.label())).increment();
    }

    void recordFailed(String server, String zone, String dclass, String type, RrTemplate t) {
        counter(List.of("coredns.template.rr_failures", server, zone, dclass, type, t.section(), t.label())).increment();
    }

    /** The counter of {@code key}: the meter name, then the label values in the order above. */
    private Counter counter(List<String> key) {
        Counter c = counters.get(key);
        if (c != null) {
            return c;
        }
        return counters.computeIfAbsent(key, k -> {
            String meter = k.get(0);
            Counter.Builder b = Counter.builder(meter).description(switch (meter) {
                case "coredns.template.matches" -> "Counter of template regex matches.";
                case "coredns.template.template_failures" -> "Counter of go template failures.";
                default -> "Counter of mis-templated RRs.";
            }).tags("server", k.get(1), "zone", k.get(2), "view", VIEW, "class", k.get(3), "type", k.get(4));
            if (k.size() > 5) {
                b.tags("section", k.get(5), "template", k.get(6));
            }
            return b.register(registry);
        });
    }
}
