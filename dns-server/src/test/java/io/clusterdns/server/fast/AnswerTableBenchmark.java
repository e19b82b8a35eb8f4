package io.clusterdns.server.fast;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fast path's look-up alone: {@link AnswerTable#get} against the {@code ConcurrentHashMap}
 * it replaced (probed, as then, by an object that hashes and compares as the held {@link AnswerKey}),
 * over {@code answers} held answers asked in a random order (at 300,000, about what the mixes of
 * {@code bench/vs-knot.sh} ask at 50,000 services, the answers are far larger than the CPU's
 * caches: cache misses are the cost). How to run: dns-server/bench/jmh.sh AnswerTable.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AnswerTableBenchmark {
    private static final int ORDER = 1 << 20;

    @Param({"1000", "300000"})
    int answers;

    AnswerTable table;
    ConcurrentHashMap<AnswerKey, EncodedAnswer> map;
    /** The questions as the query reads them: packed key in a name-sized buffer, and its hash. */
    byte[][] probes;
    int[] lengths;
    int[] hashes;
    int[] qtypes;
    int[] order;
    int next;
    final MapProbe probe = new MapProbe();

    @Setup(Level.Trial)
    public void setUp() {
        table = new AnswerTable(Long.MAX_VALUE / 2);
        map = new ConcurrentHashMap<>();
        probes = new byte[answers][];
        lengths = new int[answers];
        hashes = new int[answers];
        qtypes = new int[answers];
        for (int i = 0; i < answers; i++) {
            int type = i % 10 == 0 ? 33 : i % 10 == 1 ? 28 : 1;
            AnswerKey k = AnswerTableTest.key("svc-" + i + ".ns-" + i % 1000 + ".other-" + i % 7 + ".svc.cluster.local", type,
                    AnswerKey.NO_EDNS);
            qtypes[i] = type;
            EncodedAnswer a = AnswerTableTest.response(k, 40);
            table.put(a);
            map.put(k, a);
            byte[] packed = k.packed();
            probes[i] = Arrays.copyOf(packed, 258);
            lengths[i] = packed.length;
            hashes[i] = k.hash();
        }
        Random random = new Random(7);
        order = new int[ORDER];
        for (int i = 0; i < ORDER; i++) {
            order[i] = random.nextInt(answers);
        }
    }

    /** The answer's first byte after the header: as the fast path, which copies the response next. */
    @Benchmark
    public byte table() {
        int i = order[next++ & (ORDER - 1)];
        return table.get(probes[i], lengths[i], hashes[i]).whole()[FastQuery.HEADER];
    }

    @Benchmark
    public byte concurrentHashMap() {
        int i = order[next++ & (ORDER - 1)];
        probe.set(probes[i], lengths[i] - 3, qtypes[i], AnswerKey.NO_EDNS, hashes[i]);
        return map.get(probe).whole()[FastQuery.HEADER];
    }

    /** The probe of the map as the fast path had it: the query's own name buffer, equal to the held key. */
    static final class MapProbe {
        byte[] name;
        int length;
        int qtype;
        int edns;
        int hash;

        void set(byte[] name, int length, int qtype, int edns, int hash) {
            this.name = name;
            this.length = length;
            this.qtype = qtype;
            this.edns = edns;
            this.hash = hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AnswerKey k && k.hash() == hash && k.qtype() == qtype && k.edns() == edns
                    && Arrays.equals(k.name(), 0, k.name().length, name, 0, length);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
