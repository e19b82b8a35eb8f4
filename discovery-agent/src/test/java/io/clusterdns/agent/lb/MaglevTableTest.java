package io.clusterdns.agent.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The Maglev table's properties: deterministic, even, and minimally disrupted by one backend more or less. */
class MaglevTableTest {
    static List<String> backends(int n) {
        return IntStream.range(0, n).mapToObj(i -> "10.244." + (i / 250) + "." + (i % 250 + 1) + ":8080").toList();
    }

    @Test
    void theSameBackendsInAnyOrderGiveTheSameTable() {
        List<String> shuffled = new ArrayList<>(backends(100));
        Collections.shuffle(shuffled, new Random(7));
        MaglevTable a = MaglevTable.build(backends(100), 4093);
        MaglevTable b = MaglevTable.build(shuffled, 4093);
        for (int s = 0; s < a.size(); s++) {
            assertThat(b.owner(s)).as("slot %d", s).isEqualTo(a.owner(s));
        }
        assertThat(a.movedFraction(b)).isZero();
    }

    @Test
    void aKnownTableDoesNotChangeBetweenReleases() {
        // nodes running different agent versions must agree: this pins the hash and the population order
        MaglevTable t = MaglevTable.build(List.of("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"), 251);
        StringBuilder first = new StringBuilder();
        for (int s = 0; s < 12; s++) {
            first.append(t.ownerIndex(s));
        }
        assertThat(first).hasToString(KNOWN_PREFIX);
    }

    /** Recorded from the first build of this implementation. */
    static final String KNOWN_PREFIX = "102200121010";

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 10, 100, 409})
    void everyBackendOwnsItsShare(int n) {
        MaglevTable t = MaglevTable.build(backends(n), 4093);
        int[] counts = t.slotCounts();
        int min = IntStream.of(counts).min().orElseThrow();
        int max = IntStream.of(counts).max().orElseThrow();
        // the population loop gives each backend one slot per round: shares differ by at most one
        assertThat(max - min).as("max - min slots").isLessThanOrEqualTo(1);
        assertThat(IntStream.of(counts).sum()).isEqualTo(4093);
    }

    /**
     * Maglev is not minimal: besides the removed backend's 1/N of the slots, slots move between
     * surviving backends, because the population loop is a race that one backend fewer re-runs
     * differently. The paper reports the same (its resilience evaluation); the extra shrinks as M/N grows.
     * Exact over all M slots, averaged over every one of the 100 removals and 100 different additions
     * (deterministic: fixed names); the bounds are the figures of the README ("Load balancing") plus a
     * margin, so that a change to the generator that makes it worse fails here.
     */
    @ParameterizedTest
    @CsvSource({"1021, 0.047, 0.058", "4093, 0.044, 0.048", "16381, 0.025, 0.027", "65537, 0.0165, 0.017"})
    void addingOrRemovingOneOfAHundredBackendsMovesTheirShareAndALittleMore(int size, double meanBound, double maxBound) {
        Disruption d = Disruption.of(100, size, size > 4093 ? 20 : 100);
        // the ideal is 1/101 ≈ 0.99 % when adding, 1/100 when removing (the removed backend's own slots)
        assertThat(d.meanRemove()).as("mean 100 -> 99").isGreaterThanOrEqualTo(0.0099).isLessThanOrEqualTo(meanBound);
        assertThat(d.meanAdd()).as("mean 100 -> 101").isGreaterThanOrEqualTo(0.0098).isLessThanOrEqualTo(meanBound);
        assertThat(d.maxRemove()).as("worst 100 -> 99").isLessThanOrEqualTo(maxBound);
        assertThat(d.maxAdd()).as("worst 100 -> 101").isLessThanOrEqualTo(maxBound);
    }

    /** Moved fractions over all slots, for one backend removed (each in turn) or one added ({@code trials} different ones). */
    record Disruption(double meanRemove, double maxRemove, double meanAdd, double maxAdd) {
        static Disruption of(int n, int size, int trials) {
            return of(LoadBalancing.MAGLEV, n, size, trials);
        }

        static Disruption of(LoadBalancing mode, int n, int size, int trials) {
            List<String> base = backends(n);
            LookupTable before = mode.table(base, size);
            double sumRemove = 0;
            double maxRemove = 0;
            double sumAdd = 0;
            double maxAdd = 0;
            for (int t = 0; t < trials; t++) {
                List<String> less = new ArrayList<>(base);
                less.remove(t * n / trials);
                double r = before.movedFraction(mode.table(less, size));
                List<String> more = new ArrayList<>(base);
                more.add("10.245.9." + (t + 1) + ":8080");
                double a = before.movedFraction(mode.table(more, size));
                sumRemove += r;
                maxRemove = Math.max(maxRemove, r);
                sumAdd += a;
                maxAdd = Math.max(maxAdd, a);
            }
            return new Disruption(sumRemove / trials, maxRemove, sumAdd / trials, maxAdd);
        }
    }

    /**
     * The table is the paper's pseudocode 1, line by line, with offset = h1(name) mod M and skip =
     * h2(name) mod (M - 1) + 1, h1 and h2 the two halves of the first 16 bytes of the name's SHA-256
     * (independent, well mixed), backends taking turns in name order.
     */
    @ParameterizedTest
    @CsvSource({"1, 251", "3, 251", "10, 1021", "100, 1021", "100, 4093"})
    void isThePapersPopulation(int n, int size) throws Exception {
        List<String> names = new ArrayList<>(backends(n));
        Collections.sort(names);
        int[][] permutation = new int[n][size];
        for (int i = 0; i < n; i++) {
            ByteBuffer h = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(names.get(i).getBytes(StandardCharsets.UTF_8)));
            long offset = Long.remainderUnsigned(h.getLong(0), size);
            long skip = Long.remainderUnsigned(h.getLong(8), size - 1) + 1;
            for (int j = 0; j < size; j++) {
                permutation[i][j] = (int) ((offset + j * skip) % size);
            }
        }
        int[] next = new int[n];
        int[] entry = new int[size];
        Arrays.fill(entry, -1);
        int filled = 0;
        populate:
        while (true) {
            for (int i = 0; i < n; i++) {
                int c = permutation[i][next[i]];
                while (entry[c] >= 0) {
                    next[i]++;
                    c = permutation[i][next[i]];
                }
                entry[c] = i;
                next[i]++;
                filled++;
                if (filled == size) {
                    break populate;
                }
            }
        }
        MaglevTable t = MaglevTable.build(backends(n), size);
        for (int s = 0; s < size; s++) {
            assertThat(t.owner(s)).as("slot %d", s).isEqualTo(names.get(entry[s]));
        }
    }

    /**
     * What moves is flows, hashed by the kernel's jhash onto the slots: over every source port of one
     * client towards one ClusterIP port (64,512 5-tuples) the moved fraction is the slot fraction
     * within sampling error (σ ≈ 0.08 %), i.e. jhash spreads these tuples evenly.
     */
    @Test
    void flowsMoveAsSlotsDo() throws Exception {
        MaglevTable before = MaglevTable.build(backends(100), 4093);
        List<String> less = new ArrayList<>(backends(100));
        less.remove(37);
        MaglevTable after = MaglevTable.build(less, 4093);
        double tuples = FlowSample.movedFraction(before, after);
        assertThat(tuples).isCloseTo(before.movedFraction(after), within(0.004));
    }

    /** Every source port 1024..65535 of 10.244.1.40 towards 10.96.2.1:80/TCP, through the kernel's slot function. */
    static final class FlowSample {
        static final int FIRST = 1024;
        static final int COUNT = 65536 - FIRST;

        static double movedFraction(LookupTable before, LookupTable after) throws Exception {
            Inet4Address client = (Inet4Address) InetAddress.getByName("10.244.1.40");
            Inet4Address vip = (Inet4Address) InetAddress.getByName("10.96.2.1");
            int moved = 0;
            for (int p = FIRST; p < FIRST + COUNT; p++) {
                int slot = NftJhash.fiveTupleSlot(client, vip, 6, p, 80, 0x5eed, before.size());
                moved += before.owner(slot).equals(after.owner(slot)) ? 0 : 1;
            }
            return (double) moved / COUNT;
        }
    }

    @Test
    void slotsOfARemovedBackendGoToOthersAndNoOtherSlotMovesMuch() {
        MaglevTable before = MaglevTable.build(backends(10), 4093);
        List<String> nine = new ArrayList<>(backends(10));
        String gone = nine.remove(4);
        MaglevTable after = MaglevTable.build(nine, 4093);
        int ownedBefore = 0;
        int movedOthers = 0;
        for (int s = 0; s < before.size(); s++) {
            if (before.owner(s).equals(gone)) {
                ownedBefore++;
                assertThat(after.owner(s)).isNotEqualTo(gone);
            } else if (!before.owner(s).equals(after.owner(s))) {
                movedOthers++;
            }
        }
        assertThat(ownedBefore).isBetween(409, 410);
        assertThat((double) movedOthers / before.size()).as("slots moved between surviving backends").isLessThan(0.05);
    }

    @Test
    void refusesWhatItCannotBuild() {
        assertThatThrownBy(() -> MaglevTable.build(backends(3), 4096)).hasMessageContaining("prime");
        assertThatThrownBy(() -> MaglevTable.build(List.of(), 251)).hasMessageContaining("0 backends");
        assertThatThrownBy(() -> MaglevTable.build(List.of("a", "a"), 251)).hasMessageContaining("duplicate");
        assertThat(LookupTable.isPrime(65537)).isTrue();
        assertThat(LookupTable.isPrime(65535)).isFalse();
    }

    /**
     * Prints the figures of the README (run by hand, see the README): per M, the moved fraction
     * over all slots (mean and worst of 100 removals, 100 additions) and the slots per backend
     * (rendezvous's: {@link RendezvousTableTest#figures}); then the mean for smaller services.
     * A minute of CPU, hence only with {@code -Dmaglev.figures=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "maglev.figures", matches = "true")
    void figures() {
        System.out.println("| M | remove: mean / worst | add: mean / worst | slots per backend |");
        for (int size : new int[] {251, 1021, 4093, 16381, 65537}) {
            Disruption d = Disruption.of(100, size, 100);
            int[] c = MaglevTable.build(backends(100), size).slotCounts();
            System.out.printf("| %d | %.2f %% / %.2f %% | %.2f %% / %.2f %% | %d–%d |%n", size,
                    100 * d.meanRemove(), 100 * d.maxRemove(), 100 * d.meanAdd(), 100 * d.maxAdd(),
                    IntStream.of(c).min().orElseThrow(), IntStream.of(c).max().orElseThrow());
        }
        System.out.println("| N | mean moved when one of N goes, M = 1021 / 4093 / 16381 / 65537 (ideal 1/N) |");
        for (int n : new int[] {5, 10, 20, 50}) {
            StringBuilder row = new StringBuilder("| " + n + " |");
            for (int size : new int[] {1021, 4093, 16381, 65537}) {
                row.append(String.format(" %.2f %%", 100 * Disruption.of(n, size, n).meanRemove()));
            }
            System.out.println(row.append(" |"));
        }
    }
}
