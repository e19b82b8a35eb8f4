package io.clusterdns.k8s.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeakInternerTest {
    @Test
    void equalValuesGetTheFirstInstanceAcrossResizes() {
        WeakInterner interner = new WeakInterner();
        List<Map<String, String>> firsts = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Map<String, String> m = Map.of("app", "web-" + i, "pod-template-hash", "h" + (i % 7));
            assertThat(interner.intern(m)).isSameAs(m);
            firsts.add(m);
        }
        for (int i = 0; i < 1000; i++) {
            Map<String, String> copy = Map.of("app", "web-" + i, "pod-template-hash", "h" + (i % 7));
            assertThat(interner.intern(copy)).isNotSameAs(copy).isSameAs(firsts.get(i));
        }
        assertThat(interner.size()).isEqualTo(1000);
    }

    @Test
    void aValueNoOneHoldsIsDropped() throws InterruptedException {
        WeakInterner interner = new WeakInterner();
        List<String> kept = List.of(new String("kept"));
        interner.intern(kept);
        for (int i = 0; i < 100; i++) {
            interner.intern(List.of("dropped-" + i));
        }
        // collection is up to the JVM: ask until it happened, with a generous deadline
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (interner.size() > 1 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        assertThat(interner.size()).isEqualTo(1);
        assertThat(interner.intern(List.of("kept"))).isSameAs(kept);
    }
}
