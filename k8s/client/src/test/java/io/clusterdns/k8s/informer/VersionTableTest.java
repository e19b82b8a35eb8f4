package io.clusterdns.k8s.informer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link VersionTable}: a map of object keys to versions, whatever it keeps compactly. */
class VersionTableTest {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', value = {
        "1                   | 1",
        "0                   | 0",
        "123456              | 123456",
        "999999999999999999  | 999999999999999999",   // 18 digits: a long
        "1000000000000000000 | -1",                   // 19: kept as it came
        "0123                | -1",                   // a leading zero would not come back
        "12a                 | -1",
        "-5                  | -1",
        "+5                  | -1",
        "' '                 | -1",
    })
    void aVersionIsALongOnlyWhenItComesBackTheSame(String version, long compact) {
        assertThat(VersionTable.compactVersion(version)).isEqualTo(compact);
    }

    /** The key fabric8 makes for an object ({@code Cache.metaNamespaceKeyFunc}). */
    private static String key(String namespace, String name) {
        return namespace == null ? name : namespace + "/" + name;
    }

    @Test
    void versionsComeBackAsTheyWerePutWhateverTheirForm() {
        VersionTable t = new VersionTable();
        Map<String, String> put = Map.of("default/web", "4711", "ns/db", "0012", "ns/api", "", "ns/x", "abc",
                "node-1", "99999999999999999999", "ns/\u4e2d", "6", "ns/big", "999999999999999999", "other/web", "7");
        put.forEach((k, v) -> {
            int slash = k.indexOf('/');
            assertThat(t.put(slash < 0 ? null : k.substring(0, slash), k.substring(slash + 1), v)).isNull();
        });
        put.forEach((k, v) -> assertThat(t.get(k)).as(k).isEqualTo(v));
        assertThat(t.size()).isEqualTo(put.size());
        assertThat(t.entries().stream().collect(Collectors.toMap(VersionTable.Entry::key, VersionTable.Entry::version))).isEqualTo(put);
        assertThat(t.keys()).containsExactlyInAnyOrderElementsOf(put.keySet());

        assertThat(t.put("ns", "db", "13")).as("the previous version, in its own form").isEqualTo("0012");
        assertThat(t.put("ns", "db", "x14")).isEqualTo("13");
        assertThat(t.get("ns/db")).isEqualTo("x14");
        assertThat(t.put("ns", "db", "15")).isEqualTo("x14");
        assertThat(t.get("ns/db")).isEqualTo("15");
        assertThat(t.size()).as("one entry per key").isEqualTo(put.size());
        assertThat(t.remove("ns/db")).isEqualTo("15");
        assertThat(t.remove("ns/db")).isNull();
        assertThat(t.get("ns/db")).isNull();
        assertThat(t.get("ns/dc")).isNull();
        assertThat(t.get("db")).as("a cluster-scoped key is another key").isNull();
        assertThat(t.get("node-1")).isEqualTo("99999999999999999999");
        assertThat(t.get("x/node-1")).isNull();
    }

    @Test
    void anObjectKeepsTheNameStringItWasFirstPutWith() {
        VersionTable t = new VersionTable();
        String first = new String("web-7d4b9-x2k9p");
        t.put("default", first, "1");
        t.put("default", new String("web-7d4b9-x2k9p"), "2");
        assertThat(t.keys()).containsExactly("default/web-7d4b9-x2k9p");
        // the held name is the first one (the live source's records keep theirs the same way), also after a resize
        for (int i = 0; i < 100; i++) {
            t.put("default", "pod-" + i, "1");
        }
        assertThat(t.get("default/web-7d4b9-x2k9p")).isEqualTo("2");
        assertThat(t.heldName("default/web-7d4b9-x2k9p")).isSameAs(first);
    }

    @Test
    void entriesGiveTheHeldStringsAndTheNamespaceIsTheInternedOne() {
        VersionTable t = new VersionTable();
        String name = new String("web");
        t.put(new String("team-a"), name, "3");
        t.put(null, "node-1", "4");
        assertThat(t.entries()).containsExactlyInAnyOrder(new VersionTable.Entry("team-a", "web", "3"), new VersionTable.Entry(null, "node-1", "4"));
        VersionTable.Entry web = t.entries().stream().filter(e -> e.namespace() != null).findFirst().orElseThrow();
        assertThat(web.name()).isSameAs(name);
        // one String per namespace, shared with the records (SharedValues.name), not one per table that never goes
        assertThat(web.namespace()).isSameAs("team-a");
        assertThat(web.key()).isEqualTo("team-a/web");
    }

    /** Random puts and removes over a small key space (long probe runs, wrap-arounds, growth), checked against a HashMap. */
    @Test
    void behavesAsAHashMapUnderRandomChanges() {
        for (long seed = 1; seed <= 20; seed++) {
            Random random = new Random(seed);
            VersionTable t = new VersionTable();
            Map<String, String> model = new HashMap<>();
            int keys = 5 + random.nextInt(400);
            for (int op = 0; op < 5000; op++) {
                String namespace = random.nextInt(10) == 0 ? null : "ns-" + random.nextInt(7);
                String name = "obj-" + random.nextInt(keys);
                String key = key(namespace, name);
                switch (random.nextInt(4)) {
                    case 0, 1 -> {
                        String version = random.nextInt(20) == 0 ? "v" + random.nextInt(100) : Integer.toString(random.nextInt(1_000_000));
                        assertThat(t.put(namespace, name, version)).as("seed %d op %d put %s", seed, op, key).isEqualTo(model.put(key, version));
                    }
                    case 2 -> assertThat(t.remove(key)).as("seed %d op %d remove %s", seed, op, key).isEqualTo(model.remove(key));
                    default -> assertThat(t.get(key)).as("seed %d op %d get %s", seed, op, key).isEqualTo(model.get(key));
                }
                assertThat(t.size()).isEqualTo(model.size());
            }
            // every key still there is found (a removal that broke a probe run would lose one)
            model.forEach((k, v) -> assertThat(t.get(k)).isEqualTo(v));
            assertThat(t.keys()).containsExactlyInAnyOrderElementsOf(model.keySet());
            assertThat(t.entries().stream().collect(Collectors.toMap(VersionTable.Entry::key, VersionTable.Entry::version))).isEqualTo(model);
        }
    }
}
