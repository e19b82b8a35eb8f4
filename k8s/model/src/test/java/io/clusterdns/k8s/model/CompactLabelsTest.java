package io.clusterdns.k8s.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A compact label map is a map as any other, shared per distinct content. */
class CompactLabelsTest {

    @Test
    void answersAndComparesAsTheMapItWasMadeFrom() {
        Map<String, String> source = new LinkedHashMap<>();
        source.put("tier", "web");
        source.put("app", "shop");
        source.put("pod-template-hash", "7d4b9c8f5");
        Map<String, String> labels = CompactLabels.copyOf(source);
        assertThat(labels).isInstanceOf(CompactLabels.class).isEqualTo(source).hasSameHashCodeAs(source);
        assertThat(Map.copyOf(source)).isEqualTo(labels);
        assertThat(labels.get("app")).isEqualTo("shop");
        assertThat(labels.get("pod-template-hash")).isEqualTo("7d4b9c8f5");
        assertThat(labels.get("tier")).isEqualTo("web");
        assertThat(labels.get("zone")).isNull();
        assertThat(labels.get(1)).isNull();
        assertThat(labels.containsKey("app")).isTrue();
        assertThat(labels.containsKey("a")).isFalse();
        assertThat(labels.keySet()).as("in key order").containsExactly("app", "pod-template-hash", "tier");
        assertThat(new HashMap<>(labels)).isEqualTo(source);
        assertThat(labels.values()).containsExactly("shop", "7d4b9c8f5", "web");
        assertThat(labels.containsValue("web")).isTrue();
        assertThat(labels.containsValue("app")).isFalse();
        assertThat(labels).hasToString("{app=shop, pod-template-hash=7d4b9c8f5, tier=web}");
        assertThat(labels.entrySet()).containsExactly(Map.entry("app", "shop"), Map.entry("pod-template-hash", "7d4b9c8f5"),
                Map.entry("tier", "web"));
        assertThat(labels).isNotEqualTo(Map.of("app", "shop", "pod-template-hash", "7d4b9c8f5"))
                .isNotEqualTo(Map.of("app", "shop", "pod-template-hash", "7d4b9c8f5", "tier", "db"))
                .isNotEqualTo(Map.of("app", "shop", "pod-template-hash", "7d4b9c8f5", "zone", "web"));
        assertThat(Map.of("app", "shop", "pod-template-hash", "7d4b9c8f5")).isNotEqualTo(labels);
        source.put("app", "changed");
        assertThat(labels.get("app")).as("a copy").isEqualTo("shop");
        assertThatThrownBy(() -> labels.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(labels::clear).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> labels.remove("app")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> labels.keySet().remove("app")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> labels.entrySet().iterator().next().setValue("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void fewerThanTwoLabelsStayMapOfAndNullsAreRefused() {
        assertThat(CompactLabels.copyOf(Map.of("app", "a"))).isEqualTo(Map.of("app", "a")).isNotInstanceOf(CompactLabels.class);
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("a", null);
        nullValue.put("b", "c");
        assertThatThrownBy(() -> CompactLabels.copyOf(nullValue)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void podsOfOneLabelSetShareOneMap() {
        Map<String, String> labels = Map.of("app", "shop", "pod-template-hash", "7d4b9c8f5");
        PodInfo a = new PodInfo("ns", "shop-1", java.util.List.of(), null, null, "n", new HashMap<>(labels), "Running", true, false,
                java.util.List.of());
        PodInfo b = new PodInfo("ns", "shop-2", java.util.List.of(), null, null, "n", labels, "Running", true, false, java.util.List.of());
        assertThat(a.labels()).isSameAs(b.labels()).isEqualTo(labels).isInstanceOf(CompactLabels.class);
    }
}
