package io.clusterdns.k8s.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
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
        collectUntil(() -> interner.size() <= 1);
        assertThat(interner.size()).isEqualTo(1);
        assertThat(interner.intern(List.of("kept"))).isSameAs(kept);
    }

    /** Dropping collected values out of the middle of probe runs leaves every kept value found, rounds after rounds. */
    @Test
    void keptValuesStayFoundWhileOthersAreDropped() throws InterruptedException {
        WeakInterner interner = new WeakInterner();
        List<List<String>> kept = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 3_000; i++) {
                List<String> value = List.of("r" + round, "v" + i);
                assertThat(interner.intern(value)).isSameAs(value);
                if (i % 3 == 0) {
                    kept.add(value);
                }
            }
            collectUntil(() -> interner.size() <= kept.size());
            assertThat(interner.size()).isEqualTo(kept.size());
            for (List<String> k : kept) {
                assertThat(interner.intern(List.of(k.get(0), k.get(1)))).isSameAs(k);
            }
            assertNewAgain(interner, List.of("r" + round, "v1"));
        }
    }

    /**
     * Asks for collections until {@code done} (collection is up to the JVM, and no event tells
     * when a weak reference was cleared), at most a generous minute; the caller asserts after.
     */
    private static void collectUntil(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
    }

    /** A value that was dropped is handed out as itself (a method of its own: no local of the caller keeps it). */
    private static void assertNewAgain(WeakInterner interner, List<String> dropped) {
        assertThat(interner.intern(dropped)).as("a dropped value is new again").isSameAs(dropped);
    }
}
