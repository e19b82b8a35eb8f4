package io.clusterdns.server.plugin.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** The sharded table: keys, replacement, bounded size with random eviction, deletion, concurrent readers. */
class ShardedCacheTest {
    static final Record[][] EMPTY = {{}, {}, {}};

    static Name name(int i) {
        return Name.fromConstantString("n" + i + ".example.");
    }

    static Entry entry(Name name, int qtype, int flags, long ttl) {
        return new Entry(CacheStore.Kind.SUCCESS, name, qtype, DClass.IN, flags, new Message(), EMPTY, ttl, 0);
    }

    static Entry get(ShardedCache c, Name name, int qtype, int flags) {
        return c.get(Entry.hash(name, qtype, DClass.IN, flags), name, qtype, DClass.IN, flags);
    }

    @Test
    void findsAnEntryByEveryPartOfItsKeyWhateverTheCase() {
        ShardedCache c = new ShardedCache(10_000);
        Entry e = entry(Name.fromConstantString("Web.Default.svc.cluster.local."), Type.A, Entry.DO, 30);
        c.put(e);

        assertThat(get(c, Name.fromConstantString("wEB.default.SVC.cluster.local."), Type.A, Entry.DO)).isSameAs(e);
        assertThat(get(c, e.name, Type.AAAA, Entry.DO)).isNull();
        assertThat(get(c, e.name, Type.A, 0)).as("DO is part of the key").isNull();
        assertThat(get(c, e.name, Type.A, Entry.DO | Entry.CD)).as("CD too").isNull();
        assertThat(c.get(Entry.hash(e.name, Type.A, DClass.CH, Entry.DO), e.name, Type.A, DClass.CH, Entry.DO)).as("and the class").isNull();
        assertThat(c.size()).isEqualTo(1);
    }

    @Test
    void aSecondStoreOfAKeyReplacesTheFirstWithoutEviction() {
        ShardedCache c = new ShardedCache(0);
        Entry first = entry(name(1), Type.A, 0, 30);
        Entry second = entry(name(1), Type.A, 0, 60);

        assertThat(c.put(first)).isFalse();
        assertThat(c.put(second)).isFalse();

        assertThat(get(c, name(1), Type.A, 0)).isSameAs(second);
        assertThat(c.size()).isEqualTo(1);
    }

    @Test
    void holdsAtMostTheShardedCapacityEvictingToMakeRoom() {
        // CoreDNS: 256 shards of max(4, capacity / 256); 1000 / 256 = 3 → 4 per shard, 1024 in all
        ShardedCache c = new ShardedCache(1000);
        int evicted = 0;
        for (int i = 0; i < 10_000; i++) {
            if (c.put(entry(name(i), Type.A, 0, 30))) {
                evicted++;
            }
        }

        assertThat(c.size()).isLessThanOrEqualTo(1024).isGreaterThan(900);
        assertThat(evicted).isEqualTo(10_000 - c.size());
        assertThat(get(c, name(9_999), Type.A, 0)).as("the newest entry is always in").isNotNull();
    }

    @Test
    void behavesAsAMapUnderRandomStoresAndRemovals() {
        ShardedCache c = new ShardedCache(1_000_000);
        Map<Integer, Entry> reference = new HashMap<>();
        Random random = new Random(42);
        for (int op = 0; op < 200_000; op++) {
            int i = random.nextInt(3000);
            if (random.nextInt(3) == 0) {
                c.remove(Entry.hash(name(i), Type.A, DClass.IN, 0), name(i), Type.A, DClass.IN, 0);
                reference.remove(i);
            } else {
                Entry e = entry(name(i), Type.A, 0, op);
                assertThat(c.put(e)).isFalse();
                reference.put(i, e);
            }
        }

        assertThat(c.size()).isEqualTo(reference.size());
        for (int i = 0; i < 3000; i++) {
            assertThat(get(c, name(i), Type.A, 0)).as("n%d", i).isSameAs(reference.get(i));
        }
    }

    @Test
    void readersRacingAWriterSeeEntriesOfTheirKeyOrNothing() throws InterruptedException {
        ShardedCache c = new ShardedCache(2048);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int seed = t;
            readers.add(new Thread(() -> {
                Random random = new Random(seed);
                try {
                    for (int n = 0; n < 300_000; n++) {
                        Name q = name(random.nextInt(5000));
                        Entry e = get(c, q, Type.A, 0);
                        if (e != null && !e.name.equals(q)) {
                            throw new AssertionError("asked for " + q + ", got " + e.name);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        readers.forEach(Thread::start);
        Random random = new Random(7);
        for (int n = 0; n < 100_000; n++) {
            int i = random.nextInt(5000);
            if (n % 4 == 0) {
                c.remove(Entry.hash(name(i), Type.A, DClass.IN, 0), name(i), Type.A, DClass.IN, 0);
            } else {
                c.put(entry(name(i), Type.A, 0, 30));
            }
        }
        for (Thread r : readers) {
            r.join();
        }

        assertThat(failure.get()).isNull();
        assertThat(c.size()).isLessThanOrEqualTo(2048);
    }
}
