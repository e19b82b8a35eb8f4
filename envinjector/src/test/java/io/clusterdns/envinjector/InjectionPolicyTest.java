package io.clusterdns.envinjector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InjectionPolicyTest {
    static final Map<String, String> ENABLED = Map.of(InjectionPolicy.NAMESPACE_LABEL, "enabled");

    private static Map<String, String> annotations(String... kv) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put(kv[i], kv[i + 1]);
        }
        return out;
    }

    /** namespace label × pod annotation → decision. */
    @ParameterizedTest(name = "label={0} inject={1} → {2}")
    @CsvSource(nullValues = "-", value = {
            "enabled,  -,      inject",
            "enabled,  true,   inject",
            "enabled,  false,  OPTED_OUT",
            "-,        true,   inject",
            "-,        -,      NOT_OPTED_IN",
            "-,        false,  OPTED_OUT",
            "disabled, -,      NOT_OPTED_IN",
            "Enabled,  -,      NOT_OPTED_IN",
            "enabled,  yes,    inject",
            "-,        yes,    NOT_OPTED_IN",
            "-,        ' true ', inject"})
    void optIn(String label, String inject, String expected) {
        Map<String, String> labels = label == null ? Map.of() : Map.of(InjectionPolicy.NAMESPACE_LABEL, label);
        Map<String, String> ann = inject == null ? Map.of() : Map.of(InjectionPolicy.INJECT_ANNOTATION, inject);

        PodPolicy p = InjectionPolicy.decide("shop", ann, labels, new Findings());

        if ("inject".equals(expected)) {
            assertThat(p).isInstanceOf(PodPolicy.Inject.class);
        } else {
            assertThat(p).isEqualTo(new PodPolicy.Skip(SkipReason.valueOf(expected)));
        }
    }

    @Test
    void anInvalidInjectValueIsWarnedAbout() {
        Findings f = new Findings();
        InjectionPolicy.decide("shop", annotations(InjectionPolicy.INJECT_ANNOTATION, "yes"), ENABLED, f);
        assertThat(f.warnings()).containsExactly("clusterdns envinjector: clusterdns.io/inject: expected \"true\" or \"false\", got \"yes\"; ignored");
    }

    @Test
    void defaultIsTheKubeletSetInKubeletStyle() {
        PodPolicy.Inject p = (PodPolicy.Inject) InjectionPolicy.decide("shop", Map.of(), ENABLED, new Findings());
        assertThat(p.kubeletDefaultSet()).isTrue();
        assertThat(p.style()).isEqualTo(EnvStyle.KUBELET);
    }

    @Test
    void servicesAreParsedInOrderWithoutDuplicates() {
        Findings f = new Findings();
        PodPolicy.Inject p = (PodPolicy.Inject) InjectionPolicy.decide("shop", annotations(
                InjectionPolicy.SERVICES_ANNOTATION, "redis-primary, payments/api,,redis-primary , shop/web, 9lives, 1team/api",
                InjectionPolicy.STYLE_ANNOTATION, "Both"), ENABLED, f);

        assertThat(p.style()).isEqualTo(EnvStyle.BOTH);
        assertThat(p.services()).containsExactly(
                new ServiceRef("shop", "redis-primary", false),
                new ServiceRef("payments", "api", true),
                new ServiceRef("shop", "web", false),
                new ServiceRef("1team", "api", true));
        assertThat(p.services()).extracting(ServiceRef::prefix).containsExactly("REDIS_PRIMARY", "PAYMENTS_API", "WEB", "1TEAM_API");
        assertThat(f.warnings()).containsExactly(
                "clusterdns envinjector: clusterdns.io/services: \"9lives\": \"9lives\" is not a service name; skipped");
        assertThat(f.skips()).containsEntry(SkipReason.INVALID_REFERENCE, 1);
    }

    @Test
    void anEmptyServicesAnnotationSelectsNothing() {
        PodPolicy.Inject p = (PodPolicy.Inject) InjectionPolicy.decide("shop",
                annotations(InjectionPolicy.SERVICES_ANNOTATION, " , "), ENABLED, new Findings());
        assertThat(p.kubeletDefaultSet()).isFalse();
        assertThat(p.services()).isEmpty();
    }

    @Test
    void warningsAreCapped() {
        Findings f = new Findings();
        for (int i = 0; i < 20; i++) {
            f.warn("w" + i);
        }
        List<String> w = f.warnings();
        assertThat(w).hasSize(Findings.MAX_WARNINGS + 1);
        assertThat(w.get(w.size() - 1)).isEqualTo("clusterdns envinjector: 12 more warning(s) left out");
    }
}
