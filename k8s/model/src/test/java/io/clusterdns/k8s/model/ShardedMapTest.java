package io.clusterdns.k8s.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardedMapTest {

    /** Edits in batches against a HashMap doing the same: every version answers as the HashMap did then. */
    @Test
    void versionsAnswerAsAHashMap() {
        Random random = new Random(11);
        Map<Integer, String> expected = new HashMap<>();
        ShardedMap<Integer, String> map = ShardedMap.empty();
        for (int round = 0; round < 20; round++) {
            ShardedMap<Integer, String> before = map;
            Map<Integer, String> expectedBefore = new HashMap<>(expected);
            ShardedMap.Editor<Integer, String> editor = map.edit();
            int changes = round == 0 ? 50_000 : random.nextInt(2_000);
            for (int i = 0; i < changes; i++) {
                // keys colliding in the low bits (the shard) and spread over the high ones
                int key = random.nextInt(100_000) * (round % 2 == 0 ? 1 : 4096);
                if (random.nextInt(4) == 0) {
                    editor.remove(key);
                    expected.remove(key);
                } else {
                    editor.put(key, "v" + key + "-" + round);
                    expected.put(key, "v" + key + "-" + round);
                }
            }
            map = editor.build();
            assertThat(map).isEqualTo(expected);
            assertThat(map.size()).isEqualTo(expected.size());
            for (int probe = 0; probe < 5_000; probe++) {
                int key = random.nextInt(100_000) * (probe % 2 == 0 ? 1 : 4096);
                assertThat(map.get(key)).isEqualTo(expected.get(key));
                assertThat(map.containsKey(key)).isEqualTo(expected.containsKey(key));
            }
            assertThat(map.get("not an integer")).isNull();
            // the previous version is untouched by the edit
            assertThat(before).isEqualTo(expectedBefore);
        }
    }

    @Test
    void frozenShardIteratesEveryEntryOnce() {
        Map<String, Integer> source = new HashMap<>();
        for (int i = 0; i < 1_000; i++) {
            source.put("key-" + i, i);
        }
        Map<String, Integer> frozen = ShardedMap.Frozen.copyOf(source);
        Map<String, Integer> seen = new HashMap<>();
        frozen.forEach((k, v) -> assertThat(seen.put(k, v)).isNull());
        assertThat(seen).isEqualTo(source);
        assertThat(frozen.get(null)).isNull();
        assertThat(ShardedMap.Frozen.copyOf(Map.of("a", 1))).containsExactly(Map.entry("a", 1));
    }
}
