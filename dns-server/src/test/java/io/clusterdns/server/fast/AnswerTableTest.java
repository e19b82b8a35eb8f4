package io.clusterdns.server.fast;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdns.resolver.Dependency;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The fast path's answer table alone: keys that collide, growth, eviction within the budget, readers during inserts. */
class AnswerTableTest {
    private static final Dependency[] NO_PARTS = new Dependency[0];
    private static final long UNBOUNDED = Long.MAX_VALUE / 2;

    @Test
    void findsEachKeyAmongCollidingHashesAndGrows() {
        AnswerTable table = new AnswerTable(UNBOUNDED);
        List<AnswerKey> keys = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            // every eighth key shares one hash: they probe past each other
            AnswerKey k = key("svc-" + i + ".ns.svc.cluster.local", 1, AnswerKey.NO_EDNS);
            keys.add(i % 8 == 0 ? new AnswerKey(k.name(), k.qtype(), k.edns(), 42) : k);
        }
        for (AnswerKey k : keys) {
            table.put(answer(k, 1));
        }
        assertThat(table.size()).isEqualTo(keys.size());
        for (AnswerKey k : keys) {
            EncodedAnswer found = get(table, k);
            assertThat(found).as("%s", k).isNotNull();
            assertThat(found.packedKey()).isEqualTo(k.packed());
        }
        // same name, other type or EDNS form: other keys
        AnswerKey first = keys.get(1);
        assertThat(get(table, new AnswerKey(first.name(), 28, first.edns(), AnswerKey.hash(nameHash(first.name()), 28, first.edns())))).isNull();
        assertThat(get(table, new AnswerKey(first.name(), 1, AnswerKey.EDNS, AnswerKey.hash(nameHash(first.name()), 1, AnswerKey.EDNS)))).isNull();
        // a key that shares the colliding hash but is held under none
        assertThat(get(table, new AnswerKey(key("nope.ns.svc.cluster.local", 1, 0).name(), 1, 0, 42))).isNull();
    }

    @Test
    void replacesTheAnswerOfAKeyAndCountsItsBytesOnce() {
        AnswerTable table = new AnswerTable(UNBOUNDED);
        AnswerKey k = key("web.default.svc.cluster.local", 1, AnswerKey.EDNS_DO);
        EncodedAnswer old = answer(k, 1);
        EncodedAnswer made = answer(k, 2);
        table.put(old);
        long bytes = table.bytes();
        table.put(made);
        assertThat(table.size()).isEqualTo(1);
        assertThat(get(table, k)).isSameAs(made);
        assertThat(table.bytes()).isEqualTo(bytes - old.footprint() + made.footprint());
    }

    @Test
    void evictsGraduallyWithinTheBudgetAndKeepsTheAnswersAsked() {
        AnswerKey probe = key("cold-0.ns.svc.cluster.local", 1, 0);
        long perAnswer = answer(probe, 1).footprint() + AnswerTable.SLOT_BYTES;
        long budget = 2_000 * perAnswer;
        AnswerTable table = new AnswerTable(budget);
        List<AnswerKey> hot = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hot.add(key("hot-" + i + ".ns.svc.cluster.local", 1, 0));
            table.put(answer(hot.get(i), 1));
        }
        int evicted = 0;
        int cold = 0;
        for (int round = 0; round < 50; round++) {
            for (AnswerKey k : hot) {
                assertThat(get(table, k)).as("round %d: %s asked all along", round, k).isNotNull();
            }
            // a flood of names asked once, a quarter of what the budget holds per round
            for (int i = 0; i < 500; i++) {
                evicted += table.put(answer(key("cold-" + cold++ + ".ns.svc.cluster.local", 1, 0), 1));
            }
            assertThat(table.bytes()).as("round %d", round).isLessThanOrEqualTo(budget);
        }
        assertThat(evicted).as("the flood evicted answers").isGreaterThan(20_000);
        assertThat(table.size()).as("not started over: most of the budget still held").isGreaterThan(1_800);
        assertThat(get(table, key("cold-0.ns.svc.cluster.local", 1, 0))).as("the first name of the flood").isNull();
        int lastHeld = 0;
        for (int i = cold - 500; i < cold; i++) {
            lastHeld += get(table, key("cold-" + i + ".ns.svc.cluster.local", 1, 0)) == null ? 0 : 1;
        }
        assertThat(lastHeld).as("the last round's names, mostly still held").isGreaterThan(400);
    }

    @Test
    void readersFindEveryAnswerPutBeforeWhileAWriterInsertsAndGrowsTheTable() throws Exception {
        AnswerTable table = new AnswerTable(UNBOUNDED);
        int keys = 200_000;
        int stable = 1_000;
        AnswerKey[] all = new AnswerKey[keys];
        for (int i = 0; i < keys; i++) {
            all[i] = key("s-" + i + ".ns-" + (i % 97) + ".svc.cluster.local", i % 3 == 0 ? 33 : 1, i % 3);
        }
        for (int i = 0; i < stable; i++) {
            table.put(answer(all[i], 1));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> wrong = new AtomicReference<>();
        CountDownLatch readersStarted = new CountDownLatch(2);
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            int seed = r;
            Thread t = new Thread(() -> {
                readersStarted.countDown();
                int i = seed;
                int passes = 0;
                // until the writer is done, and at least a few passes over the whole key set
                while (writing.get() || passes < 3) {
                    AnswerKey k = all[i];
                    EncodedAnswer a = get(table, k);
                    if (i < stable && a == null) {
                        wrong.compareAndSet(null, "lost " + k);
                    } else if (a != null && !java.util.Arrays.equals(a.packedKey(), k.packed())) {
                        wrong.compareAndSet(null, "answer of another key for " + k);
                    }
                    i += 7;
                    if (i >= keys) {
                        i -= keys;
                        passes++;
                    }
                }
            });
            readers.add(t);
            t.start();
        }
        assertThat(readersStarted.await(60, TimeUnit.SECONDS)).isTrue();
        for (int i = stable; i < keys; i++) {
            table.put(answer(all[i], 1));
        }
        writing.set(false);
        for (Thread t : readers) {
            t.join(TimeUnit.MINUTES.toMillis(5));
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(wrong.get()).isNull();
        assertThat(table.size()).isEqualTo(keys);
        for (AnswerKey k : all) {
            assertThat(get(table, k)).as("%s", k).isNotNull();
        }
    }

    private static EncodedAnswer get(AnswerTable table, AnswerKey k) {
        byte[] packed = k.packed();
        // the probe's buffer is longer than its key, as the query's
        byte[] probe = java.util.Arrays.copyOf(packed, packed.length + 17);
        return table.get(probe, packed.length, k.hash());
    }

    /** The key of {@code dotted} (lower-case) as {@link FastQuery} reads it: wire form and the same hash. */
    static AnswerKey key(String dotted, int qtype, int edns) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String label : dotted.split("\\.")) {
            out.write(label.length());
            out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
        }
        out.write(0);
        byte[] name = out.toByteArray();
        return new AnswerKey(name, qtype, edns, AnswerKey.hash(nameHash(name), qtype, edns));
    }

    private static int nameHash(byte[] name) {
        return java.util.Arrays.hashCode(name);
    }

    /**
     * An answer to {@code k}: a response of one question and no records (the table compares the
     * key with the question), {@code variant} bytes longer per variant; or, for odd names' lengths,
     * a chain mark (no response: its key is a copy).
     */
    static EncodedAnswer answer(AnswerKey k, int variant) {
        return k.name().length % 2 == 1 ? EncodedAnswer.chain(k, variant, NO_PARTS) : response(k, variant);
    }

    /** An answer to {@code k} with a response of one question and {@code extra} bytes more. */
    static EncodedAnswer response(AnswerKey k, int extra) {
        byte[] packed = k.packed();
        byte[] whole = new byte[FastQuery.HEADER + packed.length + 1 + extra];
        whole[5] = 1; // one question, no records: the serial finder reads the counts
        System.arraycopy(packed, 0, whole, FastQuery.HEADER, packed.length - 1);
        whole[FastQuery.HEADER + packed.length] = 1; // class IN
        return new EncodedAnswer(k, whole, 0, 1, NO_PARTS);
    }
}
