package io.clusterdns.agent.lb;

import static io.clusterdns.agent.lb.MaglevTableTest.backends;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.clusterdns.agent.lb.MaglevTableTest.Disruption;
import io.clusterdns.agent.lb.MaglevTableTest.FlowSample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rendezvous table's properties: deterministic, minimally disrupted (only the slots of the
 * backend that comes or goes move: the issue's ~1 % for one of 100), with shares as uneven as a
 * binomial draw and no more.
 */
class RendezvousTableTest {

    @Test
    void theSameBackendsInAnyOrderGiveTheSameTable() {
        List<String> shuffled = new ArrayList<>(backends(100));
        Collections.shuffle(shuffled, new Random(7));
        assertThat(RendezvousTable.build(backends(100), 4093).movedFraction(RendezvousTable.build(shuffled, 4093))).isZero();
    }

    @Test
    void aKnownTableDoesNotChangeBetweenReleases() {
        // nodes running different agent versions must agree: this pins the hash and the weight
        LookupTable t = RendezvousTable.build(List.of("10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80"), 251);
        StringBuilder first = new StringBuilder();
        for (int s = 0; s < 12; s++) {
            first.append(t.ownerIndex(s));
        }
        assertThat(first).hasToString(KNOWN_PREFIX);
    }

    /** Recorded from the first build of this implementation. */
    static final String KNOWN_PREFIX = "000021122111";

    /**
     * The definition, written out independently: slot s goes to the name with the highest
     * unsigned splitmix64(h(name) XOR splitmix64((s + 1) · γ)), h the first 8 bytes of the name's SHA-256.
     */
    @ParameterizedTest
    @CsvSource({"1, 251", "3, 251", "100, 1021", "100, 4093"})
    void isHighestRandomWeight(int n, int size) throws Exception {
        List<String> names = backends(n);
        LookupTable t = RendezvousTable.build(names, size);
        for (int s = 0; s < size; s++) {
            String best = null;
            long bestWeight = 0;
            for (String name : names) {
                long h = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8))).getLong();
                long w = splitmix(h ^ splitmix((s + 1L) * 0x9e3779b97f4a7c15L));
                if (best == null || Long.compareUnsigned(w, bestWeight) > 0) {
                    best = name;
                    bestWeight = w;
                }
            }
            assertThat(t.owner(s)).as("slot %d", s).isEqualTo(best);
        }
    }

    static long splitmix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Removing a backend moves exactly its slots; adding one moves exactly the slots it takes, all to it. */
    @Test
    void onlyTheSlotsOfTheBackendThatComesOrGoesMove() {
        LookupTable before = RendezvousTable.build(backends(100), 4093);
        for (int r : new int[] {0, 37, 99}) {
            List<String> less = new ArrayList<>(backends(100));
            String gone = less.remove(r);
            LookupTable after = RendezvousTable.build(less, 4093);
            for (int s = 0; s < before.size(); s++) {
                if (before.owner(s).equals(gone)) {
                    assertThat(after.owner(s)).isNotEqualTo(gone);
                } else {
                    assertThat(after.owner(s)).as("slot %d of a surviving backend", s).isEqualTo(before.owner(s));
                }
            }
        }
        List<String> more = new ArrayList<>(backends(100));
        more.add("10.245.9.1:8080");
        LookupTable after = RendezvousTable.build(more, 4093);
        for (int s = 0; s < before.size(); s++) {
            if (!after.owner(s).equals(before.owner(s))) {
                assertThat(after.owner(s)).as("slot %d moved", s).isEqualTo("10.245.9.1:8080");
            }
        }
    }

    /**
     * The bound, exact over all M slots, mean and worst of the 100 removals and 100 different
     * additions: the mean is the ideal 1/N within the binomial noise of one share (σ ≈ √(1/(N·M)):
     * ±0.16 % at 4093); the worst is the largest of 100 shares. A generator whose weights are
     * not independent per slot (or not minimal) fails the mean or the upper bound.
     */
    @ParameterizedTest
    @CsvSource({"4093, 0.0115, 0.016", "16381, 0.0105, 0.0130", "65537, 0.0102, 0.0115"})
    void addingOrRemovingOneOfAHundredBackendsMovesAboutOnePercent(int size, double meanBound, double maxBound) {
        Disruption d = Disruption.of(LoadBalancing.RENDEZVOUS, 100, size, size > 4093 ? 20 : 100);
        // removal: over all 100 backends exactly the mean share, M/100 slots (over 20 of them, within 3σ)
        assertThat(d.meanRemove()).as("mean 100 -> 99").isCloseTo(0.01, within(0.0006));
        assertThat(d.meanAdd()).as("mean 100 -> 101").isGreaterThanOrEqualTo(0.0085).isLessThanOrEqualTo(meanBound);
        assertThat(d.maxRemove()).as("worst 100 -> 99").isLessThanOrEqualTo(maxBound);
        assertThat(d.maxAdd()).as("worst 100 -> 101").isLessThanOrEqualTo(maxBound);
    }

    /**
     * Shares are binomial: relative standard deviation √((N-1)/M) (15.6 % for 100 at 4093). Within
     * 30 % of that (the standard deviation of 100 shares is itself known to ±7 %): a biased weight (some backends favoured) makes it larger, a generator that
     * balances (not rendezvous) smaller.
     */
    @ParameterizedTest
    @CsvSource({"100, 4093", "100, 16381", "100, 65537", "400, 65537"})
    void sharesSpreadAsABinomial(int n, int size) {
        int[] c = RendezvousTable.build(backends(n), size).slotCounts();
        double mean = (double) size / n;
        double var = IntStream.of(c).mapToDouble(x -> (x - mean) * (x - mean)).sum() / n;
        double expected = Math.sqrt((n - 1.0) / size);
        assertThat(Math.sqrt(var) / mean).as("relative standard deviation of the shares").isBetween(0.7 * expected, 1.3 * expected);
    }

    /** Flows (the kernel's jhash over 64,512 source ports) move as slots do. */
    @Test
    void flowsMoveAsSlotsDo() throws Exception {
        LookupTable before = RendezvousTable.build(backends(100), 4093);
        List<String> less = new ArrayList<>(backends(100));
        less.remove(37);
        LookupTable after = RendezvousTable.build(less, 4093);
        assertThat(FlowSample.movedFraction(before, after)).isCloseTo(before.movedFraction(after), within(0.004));
    }

    @Test
    void refusesWhatItCannotBuild() {
        assertThatThrownBy(() -> RendezvousTable.build(backends(3), 4096)).hasMessageContaining("prime");
        assertThatThrownBy(() -> RendezvousTable.build(List.of(), 251)).hasMessageContaining("0 backends");
        assertThatThrownBy(() -> RendezvousTable.build(List.of("a", "a"), 251)).hasMessageContaining("duplicate");
    }

    /**
     * The README's rendezvous figures (run by hand, {@code -Dmaglev.figures=true}): per M, the
     * moved fraction over all slots (mean and worst of 100 removals and 100 additions), the slots
     * per backend (min–max, relative standard deviation) and the build time of one table.
     */
    @Test
    @EnabledIfSystemProperty(named = "maglev.figures", matches = "true")
    void figures() {
        System.out.println("| M | remove: mean / worst | add: mean / worst | slots per backend (σ) | build, 100 / M/10 backends |");
        for (int size : new int[] {1021, 4093, 16381, 65537}) {
            Disruption d = Disruption.of(LoadBalancing.RENDEZVOUS, 100, size, 100);
            int[] c = RendezvousTable.build(backends(100), size).slotCounts();
            double mean = size / 100.0;
            double sd = Math.sqrt(IntStream.of(c).mapToDouble(x -> (x - mean) * (x - mean)).sum() / 100) / mean;
            System.out.printf("| %d | %.2f %% / %.2f %% | %.2f %% / %.2f %% | %d–%d (±%.1f %%) | %.1f / %.1f ms |%n", size,
                    100 * d.meanRemove(), 100 * d.maxRemove(), 100 * d.meanAdd(), 100 * d.maxAdd(),
                    IntStream.of(c).min().orElseThrow(), IntStream.of(c).max().orElseThrow(), 100 * sd,
                    buildMillis(100, size), buildMillis(size / LookupTable.MIN_SLOTS_PER_ENDPOINT, size));
        }
    }

    /** Best of 5 builds (after a warm-up): a figure, not an assertion. */
    static double buildMillis(int n, int size) {
        List<String> names = backends(n);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 7; i++) {
            long t0 = System.nanoTime();
            RendezvousTable.build(names, size);
            best = i < 2 ? best : Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }
}
