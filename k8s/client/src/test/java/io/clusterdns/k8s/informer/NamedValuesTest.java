package io.clusterdns.k8s.informer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A namespace's objects by their own names answer as a HashMap doing the same puts and removes. */
class NamedValuesTest {

    @Test
    void answersAsAHashMapThroughGrowthAndShrinking() {
        Random random = new Random(3);
        NamedValues<String> table = new NamedValues<>(v -> v.substring(0, v.indexOf('=')));
        Map<String, String> expected = new HashMap<>();
        for (int round = 0; round < 40; round++) {
            // rounds that fill up and rounds that empty out, so that the table grows and shrinks
            int names = round % 4 == 3 ? 20 : 3_000;
            boolean emptying = round % 8 >= 4;
            for (int op = 0; op < 2_000; op++) {
                String name = "pod-" + random.nextInt(names);
                if (emptying || random.nextInt(3) == 0) {
                    assertThat(table.remove(name)).as("remove %s", name).isEqualTo(expected.remove(name));
                } else {
                    String value = name + "=" + round + "." + op;
                    assertThat(table.put(name, value)).as("put %s", name).isEqualTo(expected.put(name, value));
                }
            }
            assertThat(table).hasSize(expected.size());
            assertThat(new ArrayList<>(table)).containsExactlyInAnyOrderElementsOf(expected.values());
            for (int probe = 0; probe < 3_000; probe++) {
                String name = "pod-" + probe;
                assertThat(table.get(name)).as("get %s", name).isEqualTo(expected.get(name));
            }
        }
    }

    @Test
    void aValueIsPutUnderItsOwnNameOnly() {
        NamedValues<String> table = new NamedValues<>(v -> v.substring(0, v.indexOf('=')));
        assertThatThrownBy(() -> table.put("a", "b=1")).isInstanceOf(IllegalArgumentException.class);
        assertThat(table.put("a", "a=1")).isNull();
        assertThat(table.put("a", "a=2")).isEqualTo("a=1");
        assertThat(List.copyOf(table)).containsExactly("a=2");
        assertThat(table.remove("b")).isNull();
        assertThat(table.remove("a")).isEqualTo("a=2");
        assertThat(table).isEmpty();
    }
}
